#include "harness/core/repro_stats.h"

#include <gtest/gtest.h>

namespace hilt {
namespace {

using std::chrono::milliseconds;

Verdict MakeRun(Outcome outcome, int bl2_ms) {
  Verdict v;
  v.outcome = outcome;
  StageResult bl2;
  bl2.name = "bl2";
  bl2.status = outcome == Outcome::kPass ? StageStatus::kPass : StageStatus::kFail;
  bl2.duration = milliseconds(bl2_ms);
  StageResult boot;
  boot.name = "bootrom";
  boot.status = StageStatus::kPass;
  boot.duration = milliseconds(400);
  v.stages = {boot, bl2};
  return v;
}

TEST(ReproStatsTest, FlakeRateExcludesLabErrorsAndUsesWilson) {
  ReproStats s;
  for (int i = 0; i < 19; ++i) s.Add(MakeRun(Outcome::kPass, 100));
  s.Add(MakeRun(Outcome::kFail, 100));
  s.Add(MakeRun(Outcome::kError, 100));
  EXPECT_EQ(s.runs(), 21);
  EXPECT_EQ(s.failures(), 1);
  EXPECT_EQ(s.errors(), 1);
  EXPECT_DOUBLE_EQ(s.flake_rate(), 0.05);
  EXPECT_NEAR(s.flake_interval().low, 0.00888, 1e-5);  // 1 of 20
  EXPECT_NEAR(s.flake_interval().high, 0.23613, 1e-5);
  const std::string summary = s.Summary();
  EXPECT_NE(summary.find("flake rate: 5.0% (1 of 20)"), std::string::npos) << summary;
  EXPECT_NE(summary.find("[0.9%, 23.6%]"), std::string::npos) << summary;
}

TEST(ReproStatsTest, SpreadOfPassedStagesInSuiteOrder) {
  ReproStats s;
  s.Add(MakeRun(Outcome::kPass, 100));
  s.Add(MakeRun(Outcome::kPass, 300));
  s.Add(MakeRun(Outcome::kPass, 200));
  s.Add(MakeRun(Outcome::kPass, 250));
  s.Add(MakeRun(Outcome::kFail, 9000));  // a failed stage's time is no sample
  auto spread = s.Spread();
  ASSERT_EQ(spread.size(), 2u);
  EXPECT_EQ(spread[0].stage, "bootrom");
  EXPECT_EQ(spread[0].samples, 5);
  EXPECT_EQ(spread[1].stage, "bl2");
  EXPECT_EQ(spread[1].samples, 4);
  EXPECT_DOUBLE_EQ(spread[1].min, 0.1);
  EXPECT_DOUBLE_EQ(spread[1].median, 0.225);
  EXPECT_DOUBLE_EQ(spread[1].max, 0.3);
}

TEST(ReproStatsTest, NoJudgedRunsNoRate) {
  ReproStats s;
  s.Add(MakeRun(Outcome::kError, 1));
  EXPECT_EQ(s.flake_rate(), 0);
  EXPECT_EQ(s.Summary().find("flake rate"), std::string::npos);
}

}  // namespace
}  // namespace hilt
