// The trust boundary of suites: everything a suite from a patch might try
// beyond matching text and typing at the console is refused as bad input
// (exit 2) with the position of the attempt. One test per attempt.
#include "harness/core/yaml_guard.h"

#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/core/exit_code.h"
#include "harness/core/suite_loader.h"

namespace hilt {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const char* kHead = "suite: s\nstages:\n  - {name: prompt, expect: '=> '}\n";

// The message of a suite that must be refused with exit 2.
std::string Refused(const std::string& yaml) {
  auto suite = LoadSuiteString(yaml, "evil.yaml");
  EXPECT_FALSE(suite.ok()) << "loaded:\n" << yaml;
  if (suite.ok()) return "";
  EXPECT_EQ(ExitCodeFor(suite.status()), kExitBadInput) << suite.status().ToString();
  return suite.status().message();
}

TEST(SuiteTrustTest, RunKeyIsUnknown) {
  EXPECT_THAT(Refused(std::string(kHead) + "run: 'touch /tmp/pwned'\n"),
              StartsWith("evil.yaml:4:1: unknown key 'run' in suite"));
}

TEST(SuiteTrustTest, ExecInAStageIsUnknown) {
  EXPECT_THAT(Refused("suite: s\nstages:\n  - {name: p, expect: x, exec: 'rm -rf /'}\n"),
              StartsWith("evil.yaml:3:26: unknown key 'exec' in stage"));
}

TEST(SuiteTrustTest, ShellInATestIsUnknown) {
  EXPECT_THAT(Refused(std::string(kHead) + "tests:\n  - {name: t, send: v, shell: 'id'}\n"),
              StartsWith("evil.yaml:5:24: unknown key 'shell' in test"));
}

TEST(SuiteTrustTest, CommandInAnInterruptIsUnknown) {
  EXPECT_THAT(
      Refused("suite: s\nstages:\n  - name: p\n    expect: x\n    interrupt: {on: y, send: \"\\x03\", "
              "command: reboot}\n"),
      StartsWith("evil.yaml:5:38: unknown key 'command' in interrupt"));
}

TEST(SuiteTrustTest, IncludeKeyIsUnknown) {
  EXPECT_THAT(Refused(std::string(kHead) + "include: /etc/passwd\n"),
              StartsWith("evil.yaml:4:1: unknown key 'include' in suite"));
}

TEST(SuiteTrustTest, IncludeTagIsRefused) {
  std::string msg = Refused("suite: s\nstages:\n  - {name: p, expect: !include /etc/passwd}\n");
  EXPECT_THAT(msg, StartsWith("evil.yaml:3:23: YAML tag '!include' is not allowed in a suite"));
  EXPECT_THAT(msg, HasSubstr("cannot include files"));
}

TEST(SuiteTrustTest, PythonObjectTagIsRefused) {
  EXPECT_THAT(Refused(std::string(kHead) +
                      "tests:\n  - {name: t, send: !!python/object/apply:os.system ['id']}\n"),
              StartsWith("evil.yaml:5:21: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'"));
}

TEST(SuiteTrustTest, EnvTagIsRefused) {
  EXPECT_THAT(Refused("suite: s\nstages:\n  - {name: p, expect: !env HOME}\n"),
              StartsWith("evil.yaml:3:23: YAML tag '!env'"));
}

TEST(SuiteTrustTest, BinaryTagOnAMapIsRefused) {
  EXPECT_THAT(Refused("suite: s\nstages: !!seq\n  - {name: p, expect: x}\n"),
              StartsWith("evil.yaml:2:9: YAML tag 'tag:yaml.org,2002:seq'"));
}

TEST(SuiteTrustTest, AnchorsAreRefused) {
  EXPECT_THAT(Refused("suite: s\nfail: &f ['ERROR']\nstages:\n  - {name: p, expect: x}\n"),
              StartsWith("evil.yaml:2:7: YAML anchors (&name) are not allowed in a suite"));
}

TEST(SuiteTrustTest, BillionLaughsIsRefusedAtTheFirstAnchor) {
  std::string yaml = "suite: s\nstages:\n  - {name: p, expect: x}\nx0: &a0 [lol, lol]\n";
  for (int i = 1; i < 30; ++i) {
    yaml += "x" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) +
            ", *a" + std::to_string(i - 1) + "]\n";
  }
  EXPECT_THAT(Refused(yaml), StartsWith("evil.yaml:4:5: YAML anchors"));
}

TEST(SuiteTrustTest, MergeKeyIsUnknown) {
  // `<<` merges need an alias (refused) or an inline map (an unknown key).
  EXPECT_THAT(Refused("suite: s\nstages:\n  - {name: p, expect: x, <<: {exec: id}}\n"),
              StartsWith("evil.yaml:3:26: unknown key '<<' in stage"));
}

TEST(SuiteTrustTest, SecondDocumentIsRefused) {
  EXPECT_THAT(Refused(std::string(kHead) + "---\nrun: id\n"),
              StartsWith("evil.yaml:4:1: a suite is one YAML document"));
}

TEST(SuiteTrustTest, VariableInAPatternIsRefused) {
  setenv("HILT_TRUST_TEST_SECRET", "s3cret", 1);
  std::string msg =
      Refused("suite: s\nstages:\n  - {name: p, expect: 'U-Boot ${HILT_TRUST_TEST_SECRET}'}\n");
  unsetenv("HILT_TRUST_TEST_SECRET");
  EXPECT_THAT(msg, StartsWith("evil.yaml:3:31: expect of stage 'p'"));
  EXPECT_THAT(msg, HasSubstr("a suite gets no ${VAR} expansion"));
  EXPECT_THAT(msg, ::testing::Not(HasSubstr("s3cret")));
}

TEST(SuiteTrustTest, VariableInAFailPatternIsRefused) {
  EXPECT_THAT(Refused(std::string("suite: s\nfail: ['x ${HOME}']\n") +
                      "stages:\n  - {name: p, expect: x}\n"),
              StartsWith("evil.yaml:2:11: a pattern in fail"));
}

TEST(SuiteTrustTest, EscapedDollarBraceAndClassesStillMatchLiterally) {
  auto suite = LoadSuiteString(
      "suite: s\nstages:\n  - {name: p, expect: 'x \\$\\{a\\} [${]'}\n", "ok.yaml");
  ASSERT_TRUE(suite.ok()) << suite.status().ToString();
}

TEST(SuiteTrustTest, VariableInANameOrCheckIsRefused) {
  EXPECT_THAT(Refused("suite: '${USER}'\nstages:\n  - {name: p, expect: x}\n"),
              StartsWith("evil.yaml:1:9: suite name '${USER}' may only use"));
  EXPECT_THAT(Refused("suite: s\nstages:\n  - {name: p, expect: '(?P<v>\\d+)', check: 'v == ${N}'}\n"),
              StartsWith("evil.yaml:3:"));
}

TEST(SuiteTrustTest, SendIsTypedAsWrittenNeverExpandedOnTheHost) {
  // U-Boot has variables of its own: `echo ${loadaddr}` is a fair command,
  // and hilt must type it as written, not put the host's values in it.
  setenv("loadaddr", "HOST-VALUE", 1);
  auto suite = LoadSuiteString(std::string(kHead) +
                                   "tests:\n  - {name: t, send: 'echo ${loadaddr} $(id) `id`'}\n",
                               "ok.yaml");
  unsetenv("loadaddr");
  ASSERT_TRUE(suite.ok()) << suite.status().ToString();
  ASSERT_EQ(suite->tests.size(), 1u);
  EXPECT_EQ(suite->tests[0].send, "echo ${loadaddr} $(id) `id`");
}

TEST(YamlGuardTest, PlainYamlPassesAndSyntaxErrorsAreLeftToTheLoader) {
  EXPECT_TRUE(CheckPlainYaml("a: [1, 'x', \"y\", ! z]\nb: {c: d}\n", "f", "a suite").ok());
  EXPECT_TRUE(CheckPlainYaml("a: [unclosed\n", "f", "a suite").ok());
  EXPECT_TRUE(CheckPlainYaml("", "f", "a suite").ok());
}

TEST(YamlGuardTest, AnAliasAloneIsRefused) {
  // An alias to an anchor that is not there is a syntax error in yaml-cpp;
  // after a refused anchor the first error is kept.
  Status s = CheckPlainYaml("a: &x 1\nb: *x\n", "f.yaml", "a suite");
  EXPECT_THAT(s.message(), StartsWith("f.yaml:1:4: YAML anchors"));
}

TEST(YamlGuardTest, ShippedSuitesUseNoneOfIt) {
  for (const char* name : {"bpi-r4-sd-boot.yaml", "bpi-r4-sd-boot-built.yaml", "uboot-commands.yaml"}) {
    auto suite = LoadSuiteFile(std::string(HILT_SOURCE_DIR) + "/suites/" + name);
    EXPECT_TRUE(suite.ok()) << name << ": " << suite.status().ToString();
  }
}

}  // namespace
}  // namespace hilt
