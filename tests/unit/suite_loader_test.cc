#include "harness/core/suite_loader.h"

#include <fstream>
#include <map>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <re2/re2.h>

#include "harness/core/fact_check.h"
#include "harness/core/suite_regex.h"

namespace hilt {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// The error message for `yaml`, which must fail to load as "t.yaml".
std::string Error(const std::string& yaml) {
  auto suite = LoadSuiteString(yaml, "t.yaml");
  EXPECT_FALSE(suite.ok()) << "loaded:\n" << yaml;
  if (suite.ok()) return "";
  EXPECT_EQ(suite.status().code(), Status::Code::kInvalidInput);
  return suite.status().message();
}

Suite Load(const std::string& yaml) {
  auto suite = LoadSuiteString(yaml, "t.yaml");
  EXPECT_TRUE(suite.ok()) << suite.status().message();
  return suite.ok() ? *suite : Suite{};
}

std::string Shipped(const std::string& name) {
  return std::string(HILT_SOURCE_DIR) + "/suites/" + name;
}

TEST(SuiteLoaderTest, MinimalSuiteGetsDefaults) {
  Suite suite = Load("suite: s\nstages:\n  - {name: prompt, expect: '=> '}\n");
  EXPECT_EQ(suite.name, "s");
  EXPECT_EQ(suite.file, "t.yaml");
  EXPECT_EQ(suite.timeout, seconds(60));
  ASSERT_EQ(suite.stages.size(), 1u);
  EXPECT_EQ(suite.stages[0].expect.regex, "=> ");
  EXPECT_FALSE(suite.stages[0].within.has_value());
  EXPECT_EQ(suite.stages[0].expect.where.ToString(), "t.yaml:3:28");  // the opening quote
  EXPECT_EQ(suite.stages[0].where.ToString(), "t.yaml:3:5");
  EXPECT_TRUE(suite.tests.empty());
  EXPECT_TRUE(suite.fail.empty());
}

TEST(SuiteLoaderTest, FullSuite) {
  Suite suite = Load(R"(suite: full
timeout: 2m
fail: ['ERROR:\s+', 'PANIC']
repeat-fails: ['F0: 102B']
stages:
  - name: dram
    expect: 'DRAM size: (?P<dram_mb>\d+) MB'
    within: 1.5s
    check: dram_mb >= 4096
  - name: uboot
    expect: 'U-Boot (?P<uboot_version>\S+)'
    check: ["uboot_version == '2024.04'", 'dram_mb < 0x4000', 'uboot_version == build.version']
  - name: prompt
    expect: 'BPI-R4> '
    interrupt: {on: 'Hit any key', send: "\x03"}
tests:
  - {name: version, send: version, expect: 'U-Boot', fail: ['Unknown command'], timeout: 3s}
  - {name: enter, send: ''}
)");
  EXPECT_EQ(suite.timeout, seconds(120));
  ASSERT_EQ(suite.fail.size(), 2u);
  EXPECT_EQ(suite.fail[0].regex, "ERROR:\\s+");
  EXPECT_EQ(suite.fail[1].where.ToString(), "t.yaml:3:21");
  ASSERT_EQ(suite.repeat_fails.size(), 1u);
  ASSERT_EQ(suite.stages.size(), 3u);
  EXPECT_EQ(suite.stages[0].within, std::chrono::milliseconds(1500));
  ASSERT_EQ(suite.stages[0].checks.size(), 1u);
  EXPECT_EQ(suite.stages[0].checks[0].fact, "dram_mb");
  EXPECT_EQ(suite.stages[0].checks[0].where.ToString(), "t.yaml:9:12");
  ASSERT_EQ(suite.stages[1].checks.size(), 3u);
  EXPECT_TRUE(suite.stages[1].checks[2].operand_is_fact);
  ASSERT_TRUE(suite.stages[2].interrupt.has_value());
  EXPECT_EQ(suite.stages[2].interrupt->on.regex, "Hit any key");
  EXPECT_EQ(suite.stages[2].interrupt->send, std::string(1, '\x03'));
  ASSERT_EQ(suite.tests.size(), 2u);
  EXPECT_EQ(suite.tests[0].send, "version");
  EXPECT_EQ(suite.tests[0].expect->regex, "U-Boot");
  EXPECT_EQ(suite.tests[0].fail.size(), 1u);
  EXPECT_EQ(suite.tests[0].timeout, seconds(3));
  EXPECT_EQ(suite.tests[1].send, "");
  EXPECT_FALSE(suite.tests[1].expect.has_value());
  EXPECT_EQ(suite.tests[1].timeout, seconds(10));
}

TEST(SuiteLoaderTest, ShippedBootSuite) {
  auto suite = LoadSuiteFile(Shipped("bpi-r4-sd-boot.yaml"));
  ASSERT_TRUE(suite.ok()) << suite.status().message();
  std::vector<std::string> names;
  for (const Stage& stage : suite->stages) names.push_back(stage.name);
  // The stage names are a contract with the reports and the simulator.
  EXPECT_EQ(names, (std::vector<std::string>{"bootrom", "bl2", "dram", "bl31", "uboot", "prompt"}));
  EXPECT_TRUE(suite->tests.empty());
  EXPECT_FALSE(suite->fail.empty());
  EXPECT_EQ(suite->repeat_fails.size(), 2u);
  ASSERT_EQ(suite->stages[2].checks.size(), 1u);
  EXPECT_EQ(suite->stages[2].checks[0].text, "dram_mb >= 4096");
  ASSERT_TRUE(suite->stages[5].interrupt.has_value());
  EXPECT_EQ(suite->stages[5].interrupt->send, "\x03");
  for (const Stage& stage : suite->stages) EXPECT_TRUE(stage.within.has_value()) << stage.name;
}

TEST(SuiteLoaderTest, ShippedCommandsSuite) {
  auto suite = LoadSuiteFile(Shipped("uboot-commands.yaml"));
  ASSERT_TRUE(suite.ok()) << suite.status().message();
  EXPECT_EQ(suite->stages.size(), 6u);
  EXPECT_EQ(suite->stages.back().name, "prompt");
  std::vector<std::string> sends;
  for (const PromptTest& test : suite->tests) sends.push_back(test.send);
  EXPECT_EQ(sends, (std::vector<std::string>{"version", "help", "printenv", "mmc info",
                                             "hilt-no-such-command"}));
}

// A plain reference walk over a whole log (not the streaming checker): each
// stage's pattern in order, facts from named groups, checks, fail patterns
// anywhere, repeat-fails at most once. Returns "" for a pass, else why not.
std::string Walk(const Suite& suite, const std::string& log) {
  size_t pos = 0;
  std::map<std::string, std::string> facts;
  for (const Stage& stage : suite.stages) {
    RE2 re(stage.expect.regex, SuiteRegexOptions());
    std::vector<re2::StringPiece> groups(re.NumberOfCapturingGroups() + 1);
    if (!re.Match(log, pos, log.size(), RE2::UNANCHORED, groups.data(),
                  static_cast<int>(groups.size()))) {
      return "stage " + stage.name + " not found";
    }
    for (const auto& [name, index] : re.NamedCapturingGroups()) {
      facts[name] = std::string(groups[index]);
    }
    pos = static_cast<size_t>(groups[0].data() - log.data()) + groups[0].size();
    for (const FactCheck& check : stage.checks) {
      CheckOutcome outcome = EvaluateFactCheck(check, facts);
      if (!outcome.passed) return outcome.message;
    }
  }
  for (const Pattern& fail : suite.fail) {
    if (RE2::PartialMatch(log, RE2(fail.regex, SuiteRegexOptions()))) return "fail " + fail.regex;
  }
  for (const Pattern& repeat : suite.repeat_fails) {
    re2::StringPiece input(log);
    RE2 re(repeat.regex, SuiteRegexOptions());
    int count = 0;
    while (RE2::FindAndConsume(&input, re)) ++count;
    if (count > 1) return "repeated " + repeat.regex;
  }
  return "";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(SuiteLoaderTest, ShippedSuitesPassTheSeedLogAndCatchItsFailures) {
  const std::string log = ReadFile(std::string(HILT_SOURCE_DIR) + "/tests/data/suites/seed-boot.log");
  ASSERT_FALSE(log.empty());
  for (const char* file : {"bpi-r4-sd-boot.yaml", "uboot-commands.yaml"}) {
    auto suite = LoadSuiteFile(Shipped(file));
    ASSERT_TRUE(suite.ok()) << suite.status().message();
    EXPECT_EQ(Walk(*suite, log), "") << file;

    std::string small_dram = log;
    small_dram.replace(small_dram.find("4096 MB"), 7, "2048 MB");
    EXPECT_EQ(Walk(*suite, small_dram), "dram_mb >= 4096 failed: dram_mb is 2048");

    std::string bl2_error = log;
    bl2_error.insert(bl2_error.find("NOTICE:  BL2: Booting BL31"),
                     "ERROR:   BL2: Failed to load image id 5 (-2)\n");
    EXPECT_THAT(Walk(*suite, bl2_error), StartsWith("fail ")) << file;

    std::string reset_loop = log;
    reset_loop.insert(reset_loop.find("BPI-R4> "), "\nF0: 102B 0000\nFA: 1042 0000\n");
    EXPECT_EQ(Walk(*suite, reset_loop), "repeated F0: 102B 0000") << file;

    std::string sd_error = log;
    sd_error.insert(sd_error.find("Loading Environment"), "Card did not respond to voltage select! : -110\n");
    EXPECT_THAT(Walk(*suite, sd_error), StartsWith("fail ")) << file;
  }
}

TEST(SuiteLoaderTest, MissingFileIsNotFound) {
  auto suite = LoadSuiteFile("/nonexistent/suite.yaml");
  ASSERT_FALSE(suite.ok());
  EXPECT_EQ(suite.status().code(), Status::Code::kNotFound);
  EXPECT_THAT(suite.status().message(), StartsWith("/nonexistent/suite.yaml: "));
}

TEST(SuiteLoaderTest, YamlSyntaxErrorHasPosition) {
  EXPECT_THAT(Error("suite: s\nstages: [\n"), StartsWith("t.yaml:3:1: YAML syntax error"));
}

TEST(SuiteLoaderTest, NotAMap) {
  EXPECT_THAT(Error("- a\n- b\n"), StartsWith("t.yaml:1:1: a suite must be a map"));
}

TEST(SuiteLoaderTest, UnknownKeys) {
  EXPECT_THAT(Error("suite: s\ntimout: 5s\nstages: [{name: p, expect: x}]\n"),
              StartsWith("t.yaml:2:1: unknown key 'timout' in suite (allowed: suite, timeout"));
  EXPECT_EQ(Error("suite: s\nstages: [{name: p, expect: x, whithin: 5s}]\n"),
            "t.yaml:2:31: unknown key 'whithin' in stage (allowed: name, expect, within, check, "
            "interrupt)");
  EXPECT_THAT(Error("suite: s\nstages: [{name: p, expect: x}]\ntests: [{name: t, send: x, exp: y}]\n"),
              StartsWith("t.yaml:3:28: unknown key 'exp' in test"));
  EXPECT_THAT(Error("suite: s\nstages: [{name: p, expect: x, interrupt: {on: a, sent: b}}]\n"),
              StartsWith("t.yaml:2:50: unknown key 'sent' in interrupt"));
}

TEST(SuiteLoaderTest, WrongTypes) {
  EXPECT_THAT(Error("suite: s\nstages: {name: p}\n"),
              StartsWith("t.yaml:2:9: stages must be a non-empty list"));
  EXPECT_THAT(Error("suite: s\nstages: []\n"), StartsWith("t.yaml:2:9: stages must be a non-empty"));
  EXPECT_THAT(Error("suite: s\nstages: [prompt]\n"), StartsWith("t.yaml:2:10: stage must be a map"));
  EXPECT_THAT(Error("suite: s\nfail: 'ERROR'\nstages: [{name: p, expect: x}]\n"),
              StartsWith("t.yaml:2:7: fail must be a list of regexes"));
  EXPECT_THAT(Error("suite: s\nstages: [{name: p, expect: [a, b]}]\n"),
              StartsWith("t.yaml:2:28: expect of stage 'p' must be a string, not a list"));
  EXPECT_THAT(Error("suite: s\nstages: [{name: p, expect: x, within: [1s]}]\n"),
              StartsWith("t.yaml:2:39: within of stage 'p' must be a string"));
  EXPECT_THAT(Error("suite: s\nstages: [{name: p, expect: x, check: {a: b}}]\n"),
              StartsWith("t.yaml:2:38: check of stage 'p' must be a string or a list"));
  EXPECT_THAT(Error("suite: s\nstages: [{name: p, expect: x}]\ntests: {name: t}\n"),
              StartsWith("t.yaml:3:8: tests must be a list"));
}

TEST(SuiteLoaderTest, MissingRequiredKeys) {
  EXPECT_THAT(Error("stages: [{name: p, expect: x}]\n"),
              StartsWith("t.yaml:1:1: missing 'suite'"));
  EXPECT_THAT(Error("suite: s\n"), StartsWith("t.yaml:1:1: missing 'stages'"));
  EXPECT_THAT(Error("suite: s\nstages: [{expect: x}]\n"), StartsWith("t.yaml:2:10: stage has no 'name'"));
  EXPECT_THAT(Error("suite: s\nstages:\n  - name: p\n"),
              StartsWith("t.yaml:3:5: stage 'p' has no 'expect'"));
  EXPECT_THAT(Error("suite: s\nstages: [{name: p, expect: x}]\ntests: [{name: t}]\n"),
              StartsWith("t.yaml:3:9: test 't' has no 'send'"));
  EXPECT_THAT(Error("suite: s\nstages: [{name: p, expect: x, interrupt: {send: a}}]\n"),
              StartsWith("t.yaml:2:42: interrupt has no 'on'"));
}

TEST(SuiteLoaderTest, DuplicateNames) {
  EXPECT_EQ(Error("suite: s\nstages:\n  - {name: a, expect: x}\n  - {name: a, expect: y}\n"),
            "t.yaml:4:12: duplicate stage name 'a'");
  EXPECT_EQ(Error("suite: s\nstages: [{name: p, expect: x}]\ntests:\n  - {name: t, send: a}\n"
                  "  - {name: t, send: b}\n"),
            "t.yaml:5:12: duplicate test name 't'");
}

TEST(SuiteLoaderTest, BadNames) {
  EXPECT_EQ(Error("suite: s\nstages: [{name: 'boot rom', expect: x}]\n"),
            "t.yaml:2:22: stage name 'boot rom' may only use letters, digits, '_', '.' and '-'");
  EXPECT_THAT(Error("suite: a/b\nstages: [{name: p, expect: x}]\n"),
              StartsWith("t.yaml:1:9: suite name 'a/b' may only"));
  EXPECT_THAT(Error("suite: s\nstages: [{name: p, expect: x}]\ntests: [{name: '', send: a}]\n"),
              StartsWith("t.yaml:3:16: test name must not be empty"));
}

TEST(SuiteLoaderTest, EmptyExpect) {
  EXPECT_EQ(Error("suite: s\nstages: [{name: p, expect: ''}]\n"),
            "t.yaml:2:28: expect of stage 'p' must not be empty");
  EXPECT_THAT(Error("suite: s\nstages:\n  - name: p\n    expect:\n"),
              StartsWith("t.yaml:4:5: 'expect' in stage has no value"));
}

TEST(SuiteLoaderTest, InvalidRegexPointsIntoThePattern) {
  // RE2 names the fragment it rejects; the column is where that fragment starts.
  EXPECT_EQ(Error("suite: s\nstages: [{name: p, expect: 'x(abc'}]\n"),
            "t.yaml:2:29: expect of stage 'p' 'x(abc': invalid regex: missing ): x(abc");
  EXPECT_EQ(Error("suite: s\nstages: [{name: p, expect: 'x(a)b{2,1}'}]\n"),
            "t.yaml:2:34: expect of stage 'p' 'x(a)b{2,1}': invalid regex: invalid repetition "
            "size: {2,1}; RE2 allows counts up to {1000}, and nested counts may multiply to at "
            "most 1000");
  // Plain scalars and '' inside single quotes are mapped too.
  EXPECT_THAT(Error("suite: s\nstages:\n  - name: p\n    expect: ab[z-a]\n"),
              StartsWith("t.yaml:4:16: expect of stage 'p' 'ab[z-a]': invalid regex: invalid "
                         "character class range: z-a"));
  EXPECT_THAT(Error("suite: s\nstages: [{name: p, expect: 'it''s(?=x)'}]\n"),
              StartsWith("t.yaml:2:34: "));  // '' counts as one character
  EXPECT_THAT(Error("suite: s\nstages: [{name: p, expect: \"\\\\d(?=x)\"}]\n"),
              StartsWith("t.yaml:2:32: "));
}

TEST(SuiteLoaderTest, PcreOnlyConstructsSayWhatToWriteInstead) {
  auto err = [](const std::string& regex) {
    return Error("suite: s\nstages: [{name: p, expect: '" + regex + "'}]\n");
  };
  EXPECT_THAT(err("a(?=b)"), HasSubstr("RE2 has no lookahead"));
  EXPECT_THAT(err("a(?!b)"), HasSubstr("RE2 has no negative lookahead"));
  EXPECT_THAT(err("(?<=a)b"), HasSubstr("RE2 has no lookbehind"));
  EXPECT_THAT(err("(?<!a)b"), HasSubstr("RE2 has no lookbehind"));
  EXPECT_THAT(err("(a)\\1"), HasSubstr("RE2 has no backreferences (\\1)"));
  EXPECT_THAT(err("a++"), HasSubstr("RE2 has no possessive quantifiers (++)"));
  EXPECT_THAT(err("(?>ab)"), HasSubstr("RE2 has no atomic groups"));
  EXPECT_THAT(err("x(?<v>\\d+)"), HasSubstr("write named groups as (?P<name>...)"));
  EXPECT_THAT(err("x(?<v>\\d+)"), StartsWith("t.yaml:2:30: "));
}

TEST(SuiteLoaderTest, HugeRepetitionIsAClearError) {
  EXPECT_THAT(Error("suite: s\nstages: [{name: p, expect: '((a{1000}){1000}){1000}'}]\n"),
              HasSubstr("invalid repetition size: {1000}; RE2 allows counts up to {1000}"));
  // Within the count limits but beyond the memory bound: \pL is ~1000 instructions.
  EXPECT_THAT(Error("suite: s\nstages: [{name: p, expect: '\\pL{200}'}]\n"),
              HasSubstr("pattern too large - compile failed; it needs more than the 1024 KiB"));
}

TEST(SuiteLoaderTest, BacktrackingBombsAreFineInRe2) {
  Suite suite = Load("suite: s\nstages: [{name: p, expect: '(a+)+$'}]\nfail: ['(x|x)*y', '(.*a){12}']\n");
  EXPECT_EQ(suite.stages[0].expect.regex, "(a+)+$");
}

TEST(SuiteLoaderTest, RegexThatMatchesEmptyIsRejected) {
  EXPECT_THAT(Error("suite: s\nstages: [{name: p, expect: 'a*'}]\n"),
              HasSubstr("matches the empty string"));
  EXPECT_THAT(Error("suite: s\nfail: ['x', '^']\nstages: [{name: p, expect: a}]\n"),
              StartsWith("t.yaml:2:14: a pattern in fail '^': regex matches the empty string"));
}

TEST(SuiteLoaderTest, ChecksMayOnlyUseFactsCapturedSoFar) {
  // Captured by a later stage: an error at the fact's column in the check.
  EXPECT_EQ(Error("suite: s\nstages:\n"
                  "  - {name: a, expect: x, check: 'dram_mb >= 4096'}\n"
                  "  - {name: b, expect: 'D(?P<dram_mb>\\d+)'}\n"),
            "t.yaml:3:34: check 'dram_mb >= 4096' uses fact 'dram_mb', which no stage up to 'a' "
            "captures (captured: none); capture it with a named group (?P<dram_mb>...)");
  EXPECT_THAT(Error("suite: s\nstages:\n  - {name: a, expect: '(?P<v>\\d+)', check: 'v == w'}\n"),
              StartsWith("t.yaml:3:50: check 'v == w' uses fact 'w', which no stage up to 'a' "
                         "captures (captured: v)"));
  // Its own stage, earlier stages and build.* are fine.
  Load("suite: s\nstages:\n  - {name: a, expect: '(?P<v>\\d+)', check: 'v > 1'}\n"
       "  - {name: b, expect: '(?P<w>\\d+)', check: ['w > v', 'v == build.v']}\n");
}

TEST(SuiteLoaderTest, BadCheckTextHasPosition) {
  EXPECT_THAT(Error("suite: s\nstages: [{name: p, expect: '(?P<v>x)', check: 'v = 1'}]\n"),
              StartsWith("t.yaml:2:47: check 'v = 1': '=' is not an operator, use '=='"));
}

TEST(SuiteLoaderTest, AFactIsCapturedByOneStage) {
  EXPECT_THAT(Error("suite: s\nstages:\n  - {name: a, expect: '(?P<v>x)'}\n"
                    "  - {name: b, expect: '(?P<v>y)'}\n"),
              StartsWith("t.yaml:4:23: stage 'b' captures fact 'v', which stage 'a' already"));
  EXPECT_THAT(Error("suite: s\nstages: [{name: a, expect: '(?P<v>x)(?P<v>y)'}]\n"),
              StartsWith("t.yaml:2:37: expect of stage 'a' '(?P<v>x)(?P<v>y)': regex names the "
                         "group 'v' twice"));
}

TEST(SuiteLoaderTest, SendEscapes) {
  Suite suite = Load("suite: s\nstages:\n  - name: p\n    expect: x\n"
                     "    interrupt: {on: y, send: \"\\x03\\r\"}\n");
  EXPECT_EQ(suite.stages[0].interrupt->send, "\x03\r");
  // Single quotes keep the backslash: almost certainly a mistake.
  EXPECT_EQ(Error("suite: s\nstages:\n  - name: p\n    expect: x\n"
                  "    interrupt: {on: y, send: '\\x03'}\n"),
            "t.yaml:5:31: interrupt 'send' contains the literal text '\\x'; YAML decodes escapes "
            "only in double quotes: write \"\\x03\"");
  EXPECT_THAT(Error("suite: s\nstages: [{name: p, expect: x}]\ntests: [{name: t, send: a\\nb}]\n"),
              StartsWith("t.yaml:3:26: send of test 't' contains the literal text '\\n'"));
}

TEST(SuiteLoaderTest, Durations) {
  EXPECT_THAT(Error("suite: s\ntimeout: 60\nstages: [{name: p, expect: x}]\n"),
              StartsWith("t.yaml:2:10: timeout: '60' has no valid unit"));
  EXPECT_EQ(Error("suite: s\nstages: [{name: p, expect: x, within: 0s}]\n"),
            "t.yaml:2:39: within of stage 'p' must be longer than 0");
}

TEST(SuiteLoaderTest, ReportsSeveralErrorsInOneGo) {
  std::string message = Error(
      "suite: s\ntimout: 5s\nstages:\n  - {name: a, expect: '(?=x)'}\n  - {name: b, expect: ''}\n"
      "tests: [{name: t, send: x, timeout: 0s}]\n");
  EXPECT_EQ(message,
            "t.yaml:2:1: unknown key 'timout' in suite (allowed: suite, timeout, fail, "
            "repeat-fails, stages, tests)\n"
            "t.yaml:4:24: expect of stage 'a' '(?=x)': invalid regex: invalid perl operator: (?=; "
            "RE2 has no lookahead (?=...): match the following text as part of the pattern\n"
            "t.yaml:5:23: expect of stage 'b' must not be empty\n"
            "t.yaml:6:37: timeout of test 't' must be longer than 0");
}

TEST(SuiteLoaderTest, UnknownFactsAfterABrokenStageAreNotReported) {
  // Stage a is broken, so 'v' may be what it meant to capture: one error only.
  std::string message = Error("suite: s\nstages:\n  - {name: a, expect: '(?P<v>x', within: 1s}\n"
                              "  - {name: b, expect: y, check: 'v > 1'}\n");
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

}  // namespace
}  // namespace hilt
