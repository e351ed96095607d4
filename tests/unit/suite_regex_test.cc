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

// Valid as UTF-8 but not as the bytes the checker matches: rejected at load,
// with the offset of the escape (the suite_loader fuzzer found \555 passing
// the loader and failing the checker).
TEST(SuiteRegexTest, RejectsEscapesOfCharactersAboveAByte) {
  for (const char* regex : {"BL31: v\\555d+", "a\\x{100}", "\\x{263a}"}) {
    auto problem = CheckSuiteRegex(regex);
    ASSERT_TRUE(problem) << regex;
    EXPECT_THAT(problem->message, HasSubstr("console bytes")) << regex;
    EXPECT_EQ(problem->offset, std::string(regex).find('\\')) << regex;
  }
  EXPECT_FALSE(CheckSuiteRegex("caf\xc3\xa9 \\x{e9} \\377"));  // UTF-8 text, bytes up to 0xFF
}

TEST(SuiteRegexTest, RejectsEmptyMatchesAndRepeatedNames) {
  EXPECT_THAT(CheckSuiteRegex("x*")->message, HasSubstr("matches the empty string"));
  auto twice = CheckSuiteRegex("(?P<v>a) (?P<v>b)");
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->offset, 9u);
}

}  // namespace
}  // namespace hilt
