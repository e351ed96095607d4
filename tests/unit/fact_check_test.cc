#include "harness/core/fact_check.h"

#include <gtest/gtest.h>

namespace hilt {
namespace {

using Facts = std::map<std::string, std::string>;

CheckOutcome Eval(std::string_view text, const Facts& facts) {
  auto check = ParseFactCheck(text);
  EXPECT_TRUE(check.ok()) << check.status().message();
  if (!check.ok()) return {};
  return EvaluateFactCheck(*check, facts);
}

TEST(ParseFactCheckTest, NumberOperand) {
  auto c = ParseFactCheck("dram_mb >= 4096");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->fact, "dram_mb");
  EXPECT_EQ(c->op, FactCheck::Op::kGe);
  EXPECT_EQ(c->operand, "4096");
  EXPECT_FALSE(c->operand_is_fact);
  EXPECT_FALSE(c->operand_is_string);
  EXPECT_EQ(c->text, "dram_mb >= 4096");
  EXPECT_EQ(c->where.line, 0);
}

TEST(ParseFactCheckTest, EveryOperator) {
  const std::pair<const char*, FactCheck::Op> cases[] = {
      {"a == 1", FactCheck::Op::kEq}, {"a != 1", FactCheck::Op::kNe},
      {"a < 1", FactCheck::Op::kLt},  {"a <= 1", FactCheck::Op::kLe},
      {"a > 1", FactCheck::Op::kGt},  {"a >= 1", FactCheck::Op::kGe},
      {"a>=1", FactCheck::Op::kGe},   {"  a<1  ", FactCheck::Op::kLt}};
  for (const auto& [text, op] : cases) {
    auto c = ParseFactCheck(text);
    ASSERT_TRUE(c.ok()) << text << ": " << c.status().message();
    EXPECT_EQ(c->op, op) << text;
    EXPECT_EQ(c->operand, "1") << text;
  }
}

TEST(ParseFactCheckTest, QuotedStringsAndEscapes) {
  auto single = ParseFactCheck("uboot_version == '2024.04'");
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->operand, "2024.04");
  EXPECT_TRUE(single->operand_is_string);
  auto dbl = ParseFactCheck(R"(board == "BPI R4 \"x\" \\")");
  ASSERT_TRUE(dbl.ok()) << dbl.status().message();
  EXPECT_EQ(dbl->operand, R"(BPI R4 "x" \)");
}

TEST(ParseFactCheckTest, FactOperand) {
  auto c = ParseFactCheck("uboot_banner == build.uboot_banner");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->fact, "uboot_banner");
  EXPECT_EQ(c->operand, "build.uboot_banner");
  EXPECT_TRUE(c->operand_is_fact);
}

TEST(ParseFactCheckTest, RejectsBadText) {
  const char* bad[] = {"",          "dram_mb",       "dram_mb >=",     "dram_mb = 4096",
                       ">= 4096",   "dram_mb => 1",  "dram_mb >= 12x", "a == 'open",
                       "a == 1 2",  "1a == 1",       "a. == 1",        "a == b.",
                       "a ~= 1",    "a == 1e5",      "a == --1"};
  for (const char* text : bad) {
    auto c = ParseFactCheck(text);
    EXPECT_FALSE(c.ok()) << "accepted: '" << text << "'";
    if (!c.ok()) {
      EXPECT_EQ(c.status().code(), Status::Code::kInvalidInput);
      EXPECT_NE(c.status().message().find(text), std::string::npos) << c.status().message();
    }
  }
  EXPECT_NE(ParseFactCheck("a = 1").status().message().find("use '=='"), std::string::npos);
}

TEST(EvaluateFactCheckTest, NumbersCompareNumerically) {
  EXPECT_TRUE(Eval("dram_mb >= 4096", {{"dram_mb", "4096"}}).passed);
  EXPECT_TRUE(Eval("dram_mb >= 4096", {{"dram_mb", "8192"}}).passed);
  // As strings "512" > "4096"; as numbers it is smaller.
  EXPECT_FALSE(Eval("dram_mb >= 4096", {{"dram_mb", "512"}}).passed);
  EXPECT_TRUE(Eval("x == 10", {{"x", "10.0"}}).passed);
  EXPECT_TRUE(Eval("x < 2.5", {{"x", "2.25"}}).passed);
  EXPECT_TRUE(Eval("x > -3", {{"x", "-2"}}).passed);
  EXPECT_TRUE(Eval("x < -3", {{"x", "-4"}}).passed);
  EXPECT_TRUE(Eval("x == 0", {{"x", "-0"}}).passed);
  EXPECT_TRUE(Eval("x != 5", {{"x", "6"}}).passed);
}

TEST(EvaluateFactCheckTest, HexAndLargeIntegers) {
  EXPECT_TRUE(Eval("addr == 0x40000000", {{"addr", "1073741824"}}).passed);
  EXPECT_TRUE(Eval("addr >= 0x1F", {{"addr", "0x20"}}).passed);
  // Exact beyond double precision: these differ only in the last bit.
  EXPECT_TRUE(Eval("x > 18446744073709551614", {{"x", "0xFFFFFFFFFFFFFFFF"}}).passed);
  EXPECT_FALSE(Eval("x == 9007199254740993", {{"x", "9007199254740992"}}).passed);
}

TEST(EvaluateFactCheckTest, StringsCompareLexicographically) {
  EXPECT_TRUE(Eval("uboot_version == '2024.04'", {{"uboot_version", "2024.04"}}).passed);
  EXPECT_FALSE(Eval("uboot_version == '2024.04'", {{"uboot_version", "2023.10"}}).passed);
  EXPECT_TRUE(Eval("v < 'b'", {{"v", "abc"}}).passed);
  EXPECT_TRUE(Eval("v >= 'rc1'", {{"v", "rc2"}}).passed);
  // One side is not a number: lexicographic, so "10" < "9".
  EXPECT_TRUE(Eval("v < w", {{"v", "10"}, {"w", "9x"}}).passed);
}

TEST(EvaluateFactCheckTest, QuotedOperandNeverComparesAsNumber) {
  // Numerically 2024.1 == 2024.10; as versions they differ.
  EXPECT_FALSE(Eval("uboot_version == '2024.10'", {{"uboot_version", "2024.1"}}).passed);
  EXPECT_TRUE(Eval("uboot_version == 2024.10", {{"uboot_version", "2024.1"}}).passed);
}

TEST(EvaluateFactCheckTest, FactAgainstFact) {
  Facts facts = {{"uboot_banner", "U-Boot 2024.04"}, {"build.uboot_banner", "U-Boot 2024.04"}};
  EXPECT_TRUE(Eval("uboot_banner == build.uboot_banner", facts).passed);
  facts["build.uboot_banner"] = "U-Boot 2024.07";
  CheckOutcome out = Eval("uboot_banner == build.uboot_banner", facts);
  EXPECT_FALSE(out.passed);
  EXPECT_EQ(out.message,
            "uboot_banner == build.uboot_banner failed: uboot_banner is 'U-Boot 2024.04', "
            "build.uboot_banner is 'U-Boot 2024.07'");
}

TEST(EvaluateFactCheckTest, MessagesNameTheCheckAndValues) {
  EXPECT_EQ(Eval("dram_mb >= 4096", {{"dram_mb", "0"}}).message,
            "dram_mb >= 4096 failed: dram_mb is 0");
  EXPECT_EQ(Eval("dram_mb >= 4096", {{"dram_mb", "8192"}}).message,
            "dram_mb >= 4096 passed: dram_mb is 8192");
  EXPECT_EQ(Eval("uboot_version == '2024.04'", {{"uboot_version", "2023.10"}}).message,
            "uboot_version == '2024.04' failed: uboot_version is '2023.10'");
}

TEST(EvaluateFactCheckTest, MissingFactFails) {
  CheckOutcome out = Eval("dram_mb >= 4096", {});
  EXPECT_FALSE(out.passed);
  EXPECT_EQ(out.message, "dram_mb >= 4096 failed: dram_mb was never captured");
  out = Eval("a == build.b", {{"a", "1"}});
  EXPECT_FALSE(out.passed);
  EXPECT_NE(out.message.find("build.b was never captured (not supplied by the build)"),
            std::string::npos)
      << out.message;
  // A missing fact fails even an operator that an empty string would satisfy.
  EXPECT_FALSE(Eval("a != 'x'", {}).passed);
}

TEST(IsFactNameTest, Names) {
  EXPECT_TRUE(IsFactName("dram_mb"));
  EXPECT_TRUE(IsFactName("_x1"));
  EXPECT_TRUE(IsFactName("build.uboot_banner"));
  EXPECT_FALSE(IsFactName(""));
  EXPECT_FALSE(IsFactName("1x"));
  EXPECT_FALSE(IsFactName("a-b"));
  EXPECT_FALSE(IsFactName("a..b"));
  EXPECT_FALSE(IsFactName(".a"));
}

}  // namespace
}  // namespace hilt
