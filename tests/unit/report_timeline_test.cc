#include "harness/core/report_timeline.h"

#include <gtest/gtest.h>

namespace hilt {
namespace {

using std::chrono::milliseconds;

StageResult Stage(const char* name, StageStatus status, std::optional<Nanos> t,
                  std::optional<Nanos> budget = std::nullopt) {
  StageResult s;
  s.name = name;
  s.status = status;
  s.t = t;
  s.budget = budget;
  return s;
}

TEST(ReportTimelineTest, BarsRunFromThePreviousStageAndScaleToTheLongest) {
  Verdict v;
  v.outcome = Outcome::kPass;
  v.stages = {Stage("bootrom", StageStatus::kPass, milliseconds(500), milliseconds(1000)),
              Stage("bl2", StageStatus::kPass, milliseconds(1500)),
              Stage("prompt", StageStatus::kPass, milliseconds(2000))};
  v.total = milliseconds(2000);
  TimelineLayout l = LayoutTimeline(v, 400);
  ASSERT_EQ(l.rows.size(), 3u);
  EXPECT_DOUBLE_EQ(l.seconds, 2.0);
  EXPECT_DOUBLE_EQ(l.rows[0].width, 100);       // 0.5 s of 2 s over 400 px
  EXPECT_DOUBLE_EQ(l.rows[0].budget_width, 200);
  EXPECT_DOUBLE_EQ(l.rows[1].start, 0.5);
  EXPECT_DOUBLE_EQ(l.rows[1].width, 200);
  EXPECT_DOUBLE_EQ(l.rows[2].x - l.rows[1].x, 200);
  EXPECT_DOUBLE_EQ(l.rows[2].width, 100);
}

TEST(ReportTimelineTest, BudgetWiderThanTheRunWidensTheScale) {
  Verdict v;
  v.stages = {Stage("bootrom", StageStatus::kPass, milliseconds(1000), milliseconds(4000))};
  v.total = milliseconds(1000);
  TimelineLayout l = LayoutTimeline(v, 400);
  EXPECT_DOUBLE_EQ(l.seconds, 4.0);
  EXPECT_DOUBLE_EQ(l.rows[0].width, 100);
  EXPECT_DOUBLE_EQ(l.rows[0].budget_width, 400);
}

TEST(ReportTimelineTest, FailedStageWithoutMatchRunsToTheVerdictAndIsMarked) {
  Verdict v;
  v.outcome = Outcome::kFail;
  v.failed_stage = "bl31";
  v.stages = {Stage("bl2", StageStatus::kPass, milliseconds(1000)),
              Stage("bl31", StageStatus::kFail, std::nullopt, milliseconds(2000)),
              Stage("uboot", StageStatus::kNotReached, std::nullopt)};
  v.total = milliseconds(3000);
  TimelineLayout l = LayoutTimeline(v, 300);
  EXPECT_TRUE(l.rows[1].has_bar);
  EXPECT_TRUE(l.rows[1].open_ended);
  EXPECT_DOUBLE_EQ(l.rows[1].end, 3.0);
  EXPECT_DOUBLE_EQ(l.rows[1].width, 200);
  EXPECT_FALSE(l.rows[2].has_bar);
  const std::string svg = TimelineSvg(v);
  EXPECT_NE(svg.find("class=\"bar fail\""), std::string::npos);
  EXPECT_NE(svg.find("url(#hatch)"), std::string::npos);
  EXPECT_NE(svg.find("not reached"), std::string::npos);
  EXPECT_NE(svg.find("class=\"budget\""), std::string::npos);
  // Only the reached stages' budgets are drawn (bl31's), not uboot's.
  v.stages[2].budget = milliseconds(9000);
  size_t budgets = 0;
  const std::string svg2 = TimelineSvg(v);
  for (size_t p = svg2.find("class=\"budget\""); p != std::string::npos;
       p = svg2.find("class=\"budget\"", p + 1)) {
    ++budgets;
  }
  EXPECT_EQ(budgets, 1u);
}

TEST(ReportTimelineTest, UntimedVerdictDrawsNothing) {
  Verdict v;
  v.timed = false;
  v.stages = {Stage("bl2", StageStatus::kPass, milliseconds(1000))};
  EXPECT_TRUE(LayoutTimeline(v).rows.empty());
  EXPECT_EQ(TimelineSvg(v), "");
}

TEST(ReportTimelineTest, StageNamesAreEscaped) {
  Verdict v;
  v.stages = {Stage("<b>&\"x", StageStatus::kPass, milliseconds(10))};
  v.total = milliseconds(10);
  const std::string svg = TimelineSvg(v);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;b&gt;&amp;&quot;x"), std::string::npos);
}

}  // namespace
}  // namespace hilt
