#include "harness/core/log_replay.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

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

// A long log with the stages spread through it (most in the part the
// excerpt cuts), hostile bytes, CRLF, lone CRs and lines longer than
// console.log's 8192-byte cut; `fail_at` >= 0 puts a fail line there and a
// copy of it later.
std::string HostileLog(uint32_t seed, int fail_at) {
  std::mt19937 rng(seed);
  const std::vector<std::string> stages = {"Jump to BL", "NOTICE:  BL2: v2.10.0",
                                           "NOTICE:  BL31: v2.10.0", "BPI-R4> "};
  std::string log;
  for (int i = 0; i < 4000; ++i) {
    if (i % 1000 == 999) log += stages[static_cast<size_t>(i / 1000)] + "\r\n";
    if (i == fail_at || (fail_at >= 0 && i == fail_at + 500)) log += "ERROR: fell over\n";
    switch (rng() % 8) {
      case 0: for (int k = rng() % 40; k > 0; --k) log += static_cast<char>(rng()); break;
      case 1: log += std::string(9000 + rng() % 100, 'L'); break;
      case 2: log += "progress 10%\rprogress 90%"; break;
      default: log += "probe of dev@" + std::to_string(rng()) + " done"; break;
    }
    log += (rng() % 2) ? "\n" : "\r\n";
  }
  log += "BPI-R4> ";
  return log;
}

// The raw log as a timed console.log, every line at t.
std::string AsTimedLog(const std::string& log, Nanos t) {
  std::istringstream raw(log);
  std::ostringstream timed;
  ConsoleLogWriter w(&timed);
  for (std::string part; std::getline(raw, part);) w.Append(part + "\n", t);
  EXPECT_TRUE(w.Finish().ok());
  return timed.str();
}

void ExpectSameLines(const std::vector<ExcerptLine>& a, const std::vector<ExcerptLine>& b,
                     const char* part) {
  ASSERT_EQ(a.size(), b.size()) << part;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].number, b[i].number) << part << " " << i;
    EXPECT_EQ(a[i].t, b[i].t) << part << " " << i;
    EXPECT_EQ(a[i].text, b[i].text) << part << " " << i;
    EXPECT_EQ(a[i].stage, b[i].stage) << part << " " << i;
    EXPECT_EQ(a[i].failure, b[i].failure) << part << " " << i;
  }
}

// The excerpt built during the replay is the one report.html used to read
// back from the console.log written, line for line.
TEST(LogReplayTest, ExcerptBuiltInThePassEqualsTheOneReadBackFromConsoleLog) {
  StatusOr<Suite> suite = LoadSuiteString(
      "suite: t\n"
      "fail: ['ERROR: fell']\n"
      "stages:\n"
      "  - {name: bootrom, expect: 'Jump to BL'}\n"
      "  - {name: bl2, expect: 'BL2: v\\S+'}\n"
      "  - {name: bl31, expect: 'BL31: v\\S+'}\n"
      "  - {name: prompt, expect: 'BPI-R4>'}\n",
      "t.yaml");
  ASSERT_TRUE(suite.ok()) << suite.status().ToString();
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("hilt_excerpt_" + std::to_string(getpid()) + ".log")).string();
  const ExcerptLimits limits{/*head_bytes=*/4096, /*tail_bytes=*/8192};
  int pinned_seen = 0;
  for (int fail_at : {-1, 1500, 3990}) {
    for (LogFormat format : {LogFormat::kRaw, LogFormat::kTimed}) {
      std::string log = HostileLog(static_cast<uint32_t>(fail_at + 7), fail_at);
      if (format == LogFormat::kTimed) log = AsTimedLog(log, milliseconds(1));
      std::istringstream in(log);
      std::ofstream file(path, std::ios::binary | std::ios::trunc);
      ConsoleLogWriter writer(&file);
      ReplayStats stats;
      ConsoleExcerpt one_pass;
      StatusOr<Verdict> v = ReplayLog(*suite, &in, format, &writer, &stats, &one_pass, limits);
      ASSERT_TRUE(v.ok());
      ASSERT_TRUE(writer.Finish().ok());
      file.close();
      EXPECT_EQ(v->outcome, fail_at >= 0 ? Outcome::kFail : Outcome::kPass) << v->reason;
      StatusOr<ConsoleExcerpt> read_back = ReadConsoleExcerpt(path, LogFormat::kTimed, *v, limits);
      ASSERT_TRUE(read_back.ok());
      EXPECT_EQ(one_pass.total_lines, read_back->total_lines);
      EXPECT_EQ(one_pass.total_bytes, read_back->total_bytes);
      EXPECT_EQ(one_pass.omitted_lines, read_back->omitted_lines);
      ExpectSameLines(one_pass.head, read_back->head, "head");
      ExpectSameLines(one_pass.pinned, read_back->pinned, "pinned");
      ExpectSameLines(one_pass.tail, read_back->tail, "tail");
      pinned_seen += static_cast<int>(one_pass.pinned.size());
    }
  }
  std::filesystem::remove(path);
  EXPECT_GT(pinned_seen, 6);  // the cut middle's stage and failure lines were kept
}

// With an excerpt, console.log is written from the checker's splitter
// (plain whole lines copied without a scan); without one, from the raw
// feed. The two files are the same bytes, for hostile logs raw and timed.
TEST(LogReplayTest, ConsoleLogFromTheSplitterEqualsTheOneFromTheFeed) {
  StatusOr<Suite> suite = LoadSuiteString(
      "suite: t\n"
      "fail: ['ERROR: fell']\n"
      "stages:\n"
      "  - {name: bootrom, expect: 'Jump to BL'}\n"
      "  - {name: prompt, expect: 'BPI-R4>'}\n",
      "t.yaml");
  ASSERT_TRUE(suite.ok()) << suite.status().ToString();
  std::mt19937 rng(3);
  for (int round = 0; round < 4; ++round) {
    std::string log = HostileLog(static_cast<uint32_t>(round), round % 2 == 0 ? -1 : 2000);
    for (int k = 0; k < 3000; ++k) {  // backslashes, UTF-8, lone CRs, CR CR LF
      static const char* const kBits[] = {"a\\b\r\n", "caf\xc3\xa9\n", "x\ry\n", "z\r\r\n", "\xc2\x85\n", "q\n"};
      log.insert(rng() % log.size(), kBits[rng() % 6]);
    }
    for (LogFormat format : {LogFormat::kRaw, LogFormat::kTimed}) {
      const std::string input = format == LogFormat::kTimed ? AsTimedLog(log, milliseconds(3)) : log;
      std::string files[2];
      for (int with_excerpt : {0, 1}) {
        std::istringstream in(input);
        std::ostringstream out;
        ConsoleLogWriter writer(&out);
        ReplayStats stats;
        ConsoleExcerpt excerpt;
        StatusOr<Verdict> v = ReplayLog(*suite, &in, format, &writer, &stats,
                                        with_excerpt != 0 ? &excerpt : nullptr, ExcerptLimits{});
        ASSERT_TRUE(v.ok());
        ASSERT_TRUE(writer.Finish().ok());
        files[with_excerpt] = out.str();
      }
      ASSERT_GT(files[0].size(), log.size() / 2);
      EXPECT_TRUE(files[0] == files[1]) << "round " << round << (format == LogFormat::kTimed ? " timed" : " raw");
    }
  }
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
