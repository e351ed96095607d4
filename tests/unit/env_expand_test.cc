#include "harness/runner/env_expand.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/devices/command_runner.h"

namespace hilt {
namespace {

namespace fs = std::filesystem;

VarLookup Vars(const std::map<std::string, std::string>* vars) {
  return [vars](const std::string& n) -> std::optional<std::string> {
    auto it = vars->find(n);
    if (it == vars->end()) return std::nullopt;
    return it->second;
  };
}

// Runs a lab command as hilt does: /bin/sh -c, in `dir`.
std::string RunShell(const std::string& command, const fs::path& dir) {
  CommandSpec spec;
  spec.argv = {"/bin/sh", "-c", command};
  spec.cwd = dir.string();
  spec.timeout = std::chrono::seconds(10);
  auto r = RunCommand(spec);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r->output_tail : "";
}

class ShellInjectionTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("hilt_env_expand_" + std::to_string(::getpid()) + "_" +
            std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // Every hostile value below tries to create this file.
    pwned_ = dir_ / "pwned";
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_, pwned_;
};

// Values as a CI job might put them in HILT_UBOOT_PATCHES or a path: each
// one is shell syntax that would run `touch pwned` if a shell parsed it.
INSTANTIATE_TEST_SUITE_P(
    Hostile, ShellInjectionTest,
    ::testing::Values("$(touch pwned)", "`touch pwned`", "a; touch pwned", "a && touch pwned",
                      "a | touch pwned", "a\ntouch pwned", "'; touch pwned; '",
                      "\"; touch pwned; \"", "\\\"; touch pwned; #", "> pwned",
                      "${IFS}$(touch${IFS}pwned)", "$$(touch pwned)", "'\"'\"$(touch pwned)\"'\"'"));

TEST_P(ShellInjectionTest, AValueIsNeverExecutedInAnyQuoting) {
  std::map<std::string, std::string> vars = {{"EVIL", GetParam()}};
  VarLookup lookup = Vars(&vars);
  // Each template is a way a lab config might use the variable.
  const std::vector<std::string> templates = {
      "printf '[%s]' \"${EVIL}\"",            // double quotes: exact value
      "printf '[%s]' '${EVIL}'",              // single quotes: exact value
      "printf '[%s]' \"x${EVIL}y\"",
      "printf '[%s]' \"${UNSET_HILT_X:-${EVIL}}\"",  // through a default
      "printf '[%s]' ${EVIL}",                // unquoted: split into words, like sh
      "echo \"$(printf '%s' \"${EVIL}\")\"",  // inside a command substitution
      "# it's a comment\nprintf '[%s]' \"${EVIL}\"",
  };
  for (const std::string& t : templates) {
    auto command = ExpandForShell(t, lookup);
    ASSERT_TRUE(command.ok()) << t << ": " << command.status().ToString();
    std::string out = RunShell(*command, dir_);
    EXPECT_FALSE(fs::exists(pwned_)) << "executed: template " << t << " as " << *command;
    fs::remove(pwned_);
    if (t.find("\"${EVIL}\"") != std::string::npos && t.find("$(") == std::string::npos) {
      EXPECT_EQ(out, "[" + GetParam() + "]") << *command;
    }
    if (t == "printf '[%s]' '${EVIL}'") {
      EXPECT_EQ(out, "[" + GetParam() + "]") << *command;
    }
  }
}

TEST(ExpandForShellTest, ValuesAreAssignedInFrontAndReferencesLeftForTheShell) {
  std::map<std::string, std::string> vars = {{"STATE_DIR", "/s t"}, {"A", "it's"}};
  VarLookup lookup = Vars(&vars);
  auto c = ExpandForShell("mkdir -p \"${STATE_DIR}/sim\" && echo ${A} $$HOME $1", lookup);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(*c, "A='it'\\''s'; STATE_DIR='/s t'; mkdir -p \"${STATE_DIR}/sim\" && echo ${A} $HOME $1");
  // A default whose variable is unset: only the names that are set are assigned.
  auto d = ExpandForShell("run ${NOPE:-${A}}", lookup);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, "A='it'\\''s'; run ${NOPE:-${A}}");
  // No variables: the command as written.
  EXPECT_EQ(*ExpandForShell("make -j$(nproc)", lookup), "make -j$(nproc)");
}

TEST(ExpandForShellTest, BackslashesAndOddDefaultsNeverConfuseTheScan) {
  std::map<std::string, std::string> vars = {{"A", "1"}};
  VarLookup lookup = Vars(&vars);
  // "\$$" then "{abc": Expand reads "$$" as a '$', so "${abc" is no reference.
  auto odd = ExpandForShell("\\$${abc", lookup);
  ASSERT_TRUE(odd.ok()) << odd.status().ToString();
  EXPECT_EQ(*odd, "\\${abc");
  auto escaped = ExpandForShell("echo \\${A}", lookup);
  ASSERT_TRUE(escaped.ok());
  EXPECT_EQ(*escaped, "A='1'; echo \\${A}");
  // A default that is never used may hold a bad name: no empty assignment.
  auto unused = ExpandForShell("run ${A:-${1x}}", lookup);
  ASSERT_TRUE(unused.ok());
  EXPECT_EQ(*unused, "A='1'; run ${A:-${1x}}");
}

TEST(ExpandForShellTest, AcceptsExactlyWhatExpandAcceptsOnRandomText) {
  // Small random texts over the characters that matter to either scanner.
  std::map<std::string, std::string> vars = {{"A", "v"}, {"B", ""}};
  VarLookup lookup = Vars(&vars);
  const std::string alphabet = "${}\\'\"#\n:-AB ";
  uint64_t x = 88172645463325252ull;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    size_t len = x % 14;
    for (size_t i = 0; i < len; ++i) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      text += alphabet[x % alphabet.size()];
    }
    auto plain = ExpandVars(text, lookup);
    auto shell = ExpandForShell(text, lookup);
    ASSERT_EQ(plain.ok(), shell.ok()) << "text: " << text;
  }
}

TEST(ExpandForShellTest, SameErrorsAsAnyOtherString) {
  std::map<std::string, std::string> vars;
  VarLookup lookup = Vars(&vars);
  auto unset = ExpandForShell("run ${HILT_NOT_SET_AT_ALL}", lookup);
  ASSERT_FALSE(unset.ok());
  EXPECT_NE(unset.status().message().find("HILT_NOT_SET_AT_ALL is not set"), std::string::npos);
  EXPECT_FALSE(ExpandForShell("run ${A", lookup).ok());
  EXPECT_FALSE(ExpandForShell("run ${A:x}", lookup).ok());
}

TEST(ExpandForShellTest, SingleQuotedReferencesKeepTheirValue) {
  std::map<std::string, std::string> vars = {{"V", "a b'c"}};
  fs::path dir = fs::temp_directory_path();
  auto c = ExpandForShell("printf '<%s>' 'pre ${V} post'", Vars(&vars));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(RunShell(*c, dir), "<pre a b'c post>");
}

TEST(ExpandForShellTest, UnquotedValuesSplitIntoWordsLikeShellVariables) {
  // A variable naming a program with its options still works unquoted.
  std::map<std::string, std::string> vars = {{"TOOL", "printf <%s>"}};
  auto c = ExpandForShell("${TOOL} x", Vars(&vars));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(RunShell(*c, fs::temp_directory_path()), "<x>");
}

TEST(ShellQuoteTest, QuotesEverything) {
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
  EXPECT_EQ(ShellQuote("'"), "''\\'''");
}

}  // namespace
}  // namespace hilt
