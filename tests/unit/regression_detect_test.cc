#include "harness/runner/regression_detect.h"

#include <gtest/gtest.h>

namespace hilt {
namespace {

HistoryRecord Rec(const std::string& verdict, double bl2, const std::string& firmware = "fw1",
                  int64_t id = 0) {
  HistoryRecord r;
  r.id = id;
  r.board = "b";
  r.suite = "s";
  r.firmware = firmware;
  r.verdict = verdict;
  if (verdict == "fail") r.failed_stage = "bl31";
  r.stages = {{"bootrom", "pass", 0.5, 0.5}, {"bl2", "pass", 0.5 + bl2, bl2}};
  return r;
}

TEST(RegressionDetectTest, MedianOfOddAndEven) {
  EXPECT_DOUBLE_EQ(Median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(Median({4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(Median({}), 0);
}

TEST(RegressionDetectTest, FlagsAStageSlowerThanMedianPlusKMad) {
  // bl2 durations 1.0 .. 1.4: median 1.2, MAD 0.1; k = 4 → limit 1.6.
  std::vector<HistoryRecord> past;
  for (double d : {1.0, 1.1, 1.2, 1.3, 1.4}) past.push_back(Rec("pass", d));
  RegressionPolicy policy;
  EXPECT_TRUE(DetectRegressions(Rec("pass", 1.59), past, policy).empty());
  Regressions r = DetectRegressions(Rec("pass", 1.61), past, policy);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].kind, "slow-stage");
  EXPECT_EQ(r[0].stage, "bl2");
  EXPECT_DOUBLE_EQ(r[0].median, 1.2);
  EXPECT_NEAR(r[0].mad, 0.1, 1e-9);
  EXPECT_NEAR(r[0].threshold, 1.6, 1e-9);
  EXPECT_EQ(r[0].samples, 5);
  policy.k = 5;  // configurable: limit 1.7
  EXPECT_TRUE(DetectRegressions(Rec("pass", 1.61), past, policy).empty());
}

TEST(RegressionDetectTest, NeedsMinimumSamplesAndOnlyCountsPassingRunsInTheWindow) {
  std::vector<HistoryRecord> past;
  for (int i = 0; i < 4; ++i) past.push_back(Rec("pass", 1.0));
  RegressionPolicy policy;
  EXPECT_TRUE(DetectRegressions(Rec("pass", 9.0), past, policy).empty());  // 4 < 5
  past.insert(past.begin(), Rec("fail", 0.1));  // failures are no baseline
  EXPECT_TRUE(DetectRegressions(Rec("pass", 9.0), past, policy).empty());
  past.push_back(Rec("pass", 1.0));
  EXPECT_EQ(DetectRegressions(Rec("pass", 9.0), past, policy).size(), 1u);
  // A window of 3 passing runs of 30 s each (newest first) hides the old fast ones.
  std::vector<HistoryRecord> slow_recently;
  for (int i = 0; i < 3; ++i) slow_recently.push_back(Rec("pass", 30.0));
  for (int i = 0; i < 5; ++i) slow_recently.push_back(Rec("pass", 1.0));
  policy.window = 3;
  policy.min_samples = 3;
  EXPECT_TRUE(DetectRegressions(Rec("pass", 30.0), slow_recently, policy).empty());
}

TEST(RegressionDetectTest, ConstantTimesNeedTheFloorToBeExceeded) {
  std::vector<HistoryRecord> past(6, Rec("pass", 2.0));  // MAD 0
  RegressionPolicy policy;  // floor max(0.05 s, 5% of 2 s) = 0.1 s
  EXPECT_TRUE(DetectRegressions(Rec("pass", 2.09), past, policy).empty());
  EXPECT_EQ(DetectRegressions(Rec("pass", 2.11), past, policy).size(), 1u);
}

TEST(RegressionDetectTest, NewFailureAfterAPassSkippingLabErrors) {
  RegressionPolicy policy;
  std::vector<HistoryRecord> past = {Rec("error", 1, "fw2", 3), Rec("pass", 1, "fw1", 2)};
  Regressions r = DetectRegressions(Rec("fail", 1, "fw2"), past, policy);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].kind, "new-failure");
  EXPECT_EQ(r[0].stage, "bl31");
  EXPECT_EQ(r[0].previous_run_id, 2);
  EXPECT_NE(r[0].message.find("firmware fw2"), std::string::npos);
  EXPECT_NE(r[0].message.find("firmware fw1 passed"), std::string::npos);
  // Already failing before: not new.
  past = {Rec("fail", 1, "fw1", 4), Rec("pass", 1, "fw1", 2)};
  EXPECT_TRUE(DetectRegressions(Rec("fail", 1), past, policy).empty());
  // A lab error is never a new failure; no history: nothing to compare.
  EXPECT_TRUE(DetectRegressions(Rec("error", 1), {Rec("pass", 1)}, policy).empty());
  EXPECT_TRUE(DetectRegressions(Rec("fail", 1), {}, policy).empty());
}

}  // namespace
}  // namespace hilt
