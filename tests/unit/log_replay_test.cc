#include "harness/core/log_replay.h"

#include <sstream>

#include <gtest/gtest.h>

#include "harness/core/suite_loader.h"

namespace hilt {
namespace {

using std::chrono::milliseconds;

Suite TwoStages() {
  StatusOr<Suite> suite = LoadSuiteString(
      "suite: t\n"
      "stages:\n"
      "  - {name: bootrom, expect: 'Jump to BL', within: 5s}\n"
      "  - {name: bl2, expect: 'BL2: v(?P<tfa>\\S+)', within: 2s}\n",
      "t.yaml");
  EXPECT_TRUE(suite.ok()) << suite.status().ToString();
  return *suite;
}

Verdict Replay(const Suite& suite, const std::string& log, LogFormat format,
               std::string* console_log = nullptr) {
  std::istringstream in(log);
  std::ostringstream out;
  ConsoleLogWriter writer(&out);
  ReplayStats stats;
  StatusOr<Verdict> v = ReplayLog(suite, &in, format, &writer, &stats);
  EXPECT_TRUE(v.ok());
  EXPECT_TRUE(writer.Finish().ok());
  if (console_log != nullptr) *console_log = out.str();
  return *v;
}

TEST(LogReplayTest, TimedLogIsJudgedByItsTimes) {
  Suite suite = TwoStages();
  Verdict fast = Replay(suite, "[    0.400000] Jump to BL\n[    1.000000] BL2: v2.10\n",
                        LogFormat::kTimed);
  EXPECT_EQ(fast.outcome, Outcome::kPass);
  EXPECT_TRUE(fast.timed);
  ASSERT_EQ(fast.stages.size(), 2u);
  EXPECT_EQ(fast.stages[1].t, milliseconds(1000));
  EXPECT_EQ(fast.facts.at("tfa"), "2.10");

  std::string slow = "[    0.400000] Jump to BL\n[    3.000000] BL2: v2.10\n";
  Verdict late = Replay(suite, slow, LogFormat::kTimed);
  EXPECT_EQ(late.outcome, Outcome::kFail);
  EXPECT_EQ(late.failed_stage, "bl2");
  // Read as raw, the same text has no times: budgets are not judged.
  Verdict untimed = Replay(suite, slow, LogFormat::kRaw);
  EXPECT_EQ(untimed.outcome, Outcome::kPass);
  EXPECT_FALSE(untimed.timed);
}

TEST(LogReplayTest, RawLogRoundTripsThroughConsoleLogToTheSameVerdict) {
  Suite suite = TwoStages();
  using namespace std::string_literals;
  std::string raw = "\xff\x00noise\r\nJump to BL\r\n\x1b[0mBL2: v2.10\r\n"s;
  std::string console_log;
  Verdict first = Replay(suite, raw, LogFormat::kRaw, &console_log);
  EXPECT_EQ(first.outcome, Outcome::kPass);
  EXPECT_EQ(DetectLogFormat(console_log, true), LogFormat::kTimed);
  Verdict again = Replay(suite, console_log, LogFormat::kTimed);
  EXPECT_EQ(again.outcome, Outcome::kPass);
  EXPECT_EQ(again.facts, first.facts);
}

TEST(LogReplayTest, EmptyLogFailsAtTheFirstStage) {
  Verdict v = Replay(TwoStages(), "", LogFormat::kRaw);
  EXPECT_EQ(v.outcome, Outcome::kFail);
  EXPECT_EQ(v.failed_stage, "bootrom");
  EXPECT_NE(v.reason.find("end of log before stage bootrom"), std::string::npos) << v.reason;
}

TEST(LogReplayTest, DetectStreamFormatRewinds) {
  std::istringstream in("[    0.100000] x\n");
  StatusOr<LogFormat> f = DetectStreamFormat(&in);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, LogFormat::kTimed);
  std::string all;
  std::getline(in, all);
  EXPECT_EQ(all, "[    0.100000] x");
}

}  // namespace
}  // namespace hilt
