#include "fixtures/sim/fault.h"

#include <gtest/gtest.h>

namespace hilt::sim {
namespace {

TEST(SimFaultTest, ParsesEveryNamedFault) {
  for (Fault f : {Fault::kNone, Fault::kDramFail, Fault::kResetLoop, Fault::kHangInUboot, Fault::kUartNoise,
                  Fault::kSlowBoot}) {
    auto spec = ParseFaultSpec(FaultName(f));
    ASSERT_TRUE(spec.ok()) << FaultName(f);
    EXPECT_EQ(spec->fixed, f);
  }
  EXPECT_EQ(ParseFaultSpec("")->fixed, Fault::kNone);
}

TEST(SimFaultTest, RejectsUnknownNamesAndBadProbabilities) {
  auto bad = ParseFaultSpec("dram-explode");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidInput);
  EXPECT_NE(bad.status().message().find("dram-explode"), std::string::npos);
  EXPECT_FALSE(ParseFaultSpec("flaky:").ok());
  EXPECT_FALSE(ParseFaultSpec("flaky:1.5").ok());
  EXPECT_FALSE(ParseFaultSpec("flaky:0.3x").ok());
  EXPECT_FALSE(ParseFaultSpec("flaky:nan").ok());
}

TEST(SimFaultTest, FlakyFailsAtAboutItsProbabilityWithFailingFaultsOnly) {
  auto spec = ParseFaultSpec("flaky:0.25");
  ASSERT_TRUE(spec.ok());
  FaultPicker picker(*spec, 123);
  int bad = 0;
  for (int i = 0; i < 4000; ++i) {
    Fault f = picker.Pick();
    EXPECT_NE(f, Fault::kUartNoise);
    if (f != Fault::kNone) ++bad;
  }
  EXPECT_NEAR(bad / 4000.0, 0.25, 0.04);
}

TEST(SimFaultTest, FloodsTakeARate) {
  auto flood = ParseFaultSpec("flood");
  ASSERT_TRUE(flood.ok());
  EXPECT_EQ(flood->fixed, Fault::kFlood);
  EXPECT_EQ(flood->flood_rate, 10e6);
  auto slow = ParseFaultSpec("flood:250k");
  ASSERT_TRUE(slow.ok());
  EXPECT_EQ(slow->flood_rate, 250e3);
  auto line = ParseFaultSpec("endless-line:2M");
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->fixed, Fault::kEndlessLine);
  EXPECT_EQ(line->flood_rate, 2e6);
  EXPECT_EQ(ParseFaultSpec(line->ToString())->flood_rate, 2e6);
  EXPECT_FALSE(ParseFaultSpec("flood:").ok());
  EXPECT_FALSE(ParseFaultSpec("flood:0").ok());
  EXPECT_FALSE(ParseFaultSpec("flood:10G").ok());
  EXPECT_FALSE(ParseFaultSpec("endless-line:fast").ok());
}

TEST(SimFaultTest, FixedFaultEveryTime) {
  FaultPicker picker(*ParseFaultSpec("reset-loop"), 1);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(picker.Pick(), Fault::kResetLoop);
}

}  // namespace
}  // namespace hilt::sim
