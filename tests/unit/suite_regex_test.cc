#include "harness/core/suite_regex.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hilt {
namespace {

using ::testing::HasSubstr;

TEST(SuiteRegexTest, AcceptsAndCollectsNamedGroups) {
  std::vector<std::string> names;
  EXPECT_FALSE(CheckSuiteRegex(R"(U-Boot (?P<uboot_version>\S+) \((?P<uboot_date>[^)]+)\))", &names));
  EXPECT_EQ(names, (std::vector<std::string>{"uboot_version", "uboot_date"}));
}

TEST(SuiteRegexTest, OptionsBoundMemoryAndStayQuiet) {
  RE2::Options options = SuiteRegexOptions();
  EXPECT_EQ(options.max_mem(), kSuiteRegexMaxMem);
  EXPECT_FALSE(options.log_errors());
}

TEST(SuiteRegexTest, OffsetPointsAtTheRejectedConstruct) {
  auto problem = CheckSuiteRegex("BL2: v(?=2)");
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->offset, 6u);
  EXPECT_THAT(problem->message, HasSubstr("RE2 has no lookahead"));
  problem = CheckSuiteRegex("ab{2000}");
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->offset, 2u);
}

TEST(SuiteRegexTest, HintsForPcreHabits) {
  const std::pair<const char*, const char*> cases[] = {
      {"(?<!a)b", "lookbehind"},          {"(?<x>a)", "(?P<name>...)"},
      {"a*+", "possessive"},              {"(?>a)", "atomic"},
      {"(a)\\2", "backreferences"},       {"\\K", "\\K"},
      {"a\\Z", "use \\z"},                {"(?|a)", "branch-reset"},
      {"\\pL{200}", "KiB a suite pattern may use"}};
  for (const auto& [regex, hint] : cases) {
    auto problem = CheckSuiteRegex(regex);
    ASSERT_TRUE(problem) << regex;
    EXPECT_THAT(problem->message, HasSubstr(hint)) << regex;
  }
}

TEST(SuiteRegexTest, RejectsEmptyMatchesAndRepeatedNames) {
  EXPECT_THAT(CheckSuiteRegex("x*")->message, HasSubstr("matches the empty string"));
  auto twice = CheckSuiteRegex("(?P<v>a) (?P<v>b)");
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->offset, 9u);
}

}  // namespace
}  // namespace hilt
