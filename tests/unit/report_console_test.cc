#include "harness/core/report_console.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/core/line_splitter.h"

namespace hilt {
namespace {

using std::chrono::milliseconds;

Verdict TwoStages() {
  Verdict v;
  v.outcome = Outcome::kFail;
  v.failed_stage = "bl31";
  v.reason = "'ERROR:   BL2: Failed to load image id 5 (-2)' at 1.200s (fail pattern 'ERROR')";
  StageResult bl2;
  bl2.name = "bl2";
  bl2.status = StageStatus::kPass;
  bl2.t = milliseconds(1000);
  bl2.line = "NOTICE:  BL2: v2.10.0";
  StageResult bl31;
  bl31.name = "bl31";
  bl31.status = StageStatus::kFail;
  v.stages = {bl2, bl31};
  return v;
}

TEST(ReportConsoleTest, FindsMarkersAndFailureLinesWithTimes) {
  Verdict v = TwoStages();
  ConsoleExcerptBuilder b(v, {});
  b.Feed("F0: 102B 0000\r\n", milliseconds(10));
  b.Feed("\x1b[0mNOTICE:  BL2: v2.10.0\r\n", milliseconds(1000));
  b.Feed("ERROR:   BL2: Failed to load image id 5 (-2)\r\n", milliseconds(1200));
  ConsoleExcerpt c = b.Finish();
  ASSERT_EQ(c.head.size(), 3u);
  EXPECT_EQ(c.head[0].stage, -1);
  EXPECT_EQ(c.head[1].text, "NOTICE:  BL2: v2.10.0");  // colour escape dropped
  EXPECT_EQ(c.head[1].stage, 0);
  EXPECT_EQ(*c.head[1].t, milliseconds(1000));
  EXPECT_TRUE(c.head[2].failure);
  EXPECT_FALSE(c.head[0].failure);
  EXPECT_FALSE(c.cut());
}

TEST(ReportConsoleTest, LineSplitAcrossFeedsKeepsItsFirstTime) {
  Verdict v;
  ConsoleExcerptBuilder b(v, {});
  b.Feed("hel", milliseconds(5));
  b.Feed("lo\nwor", milliseconds(7));
  b.Feed("ld\n", milliseconds(9));
  ConsoleExcerpt c = b.Finish();
  ASSERT_EQ(c.head.size(), 2u);
  EXPECT_EQ(c.head[0].text, "hello");
  EXPECT_EQ(*c.head[0].t, milliseconds(5));
  EXPECT_EQ(c.head[1].text, "world");
  EXPECT_EQ(*c.head[1].t, milliseconds(7));
}

TEST(ReportConsoleTest, LongLogKeepsHeadTailAndPinsMarkersFromTheMiddle) {
  Verdict v = TwoStages();
  ConsoleExcerptBuilder b(v, {/*head_bytes=*/1000, /*tail_bytes=*/1000});
  std::string noise(99, 'x');
  for (int i = 0; i < 5000; ++i) {
    if (i == 2500) b.Feed("NOTICE:  BL2: v2.10.0\n", std::nullopt);
    b.Feed(noise + "\n", std::nullopt);
  }
  ConsoleExcerpt c = b.Finish();
  EXPECT_EQ(c.total_lines, 5001u);
  EXPECT_EQ(c.head.size(), 10u);
  EXPECT_EQ(c.tail.size(), 10u);
  ASSERT_EQ(c.pinned.size(), 1u);
  EXPECT_EQ(c.pinned[0].stage, 0);
  EXPECT_EQ(c.pinned[0].number, 2501u);
  EXPECT_EQ(c.omitted_lines, 5001u - 21u);
  EXPECT_TRUE(c.cut());
}

// Once nothing is left to mark, the tail is the longest suffix of lines
// that fits in tail_bytes (a line counts its LF), whatever the lengths and
// the feeds: checked against that definition, line by line.
TEST(ReportConsoleTest, TailIsTheLongestSuffixThatFits) {
  std::mt19937 rng(5);
  for (int round = 0; round < 40; ++round) {
    Verdict v;  // no stage lines, no reason: nothing to mark
    const ExcerptLimits limits{/*head_bytes=*/100 + rng() % 300, /*tail_bytes=*/50 + rng() % 2000};
    ConsoleExcerptBuilder b(v, limits);
    std::vector<std::string> lines;
    std::string feed;
    const int count = 1 + static_cast<int>(rng() % 400);
    for (int i = 0; i < count; ++i) {
      std::string line(rng() % 90, 'a');
      for (char& c : line) c = static_cast<char>('a' + rng() % 26);
      lines.push_back(line);
      feed += line + "\n";
      if (rng() % 5 == 0) {
        b.Feed(feed, std::nullopt);
        feed.clear();
      }
    }
    b.Feed(feed, std::nullopt);
    const ConsoleExcerpt c = b.Finish();
    size_t head = 0, used = 0;
    while (head < lines.size() && used + lines[head].size() + 1 <= limits.head_bytes) {
      used += lines[head++].size() + 1;
    }
    size_t first = lines.size();
    used = 0;
    while (first > head && used + lines[first - 1].size() + 1 <= limits.tail_bytes) {
      used += lines[--first].size() + 1;
    }
    ASSERT_EQ(c.head.size(), head) << "round " << round;
    ASSERT_EQ(c.tail.size(), lines.size() - first) << "round " << round;
    for (size_t i = 0; i < c.tail.size(); ++i) {
      ASSERT_EQ(c.tail[i].text, lines[first + i]);
      ASSERT_EQ(c.tail[i].number, first + i + 1);
    }
    EXPECT_EQ(c.omitted_lines, first - head);
    EXPECT_TRUE(c.pinned.empty());
  }
}

// Beside a checker, a stage not matched yet is waited for, not skipped:
// its line is compared once the checker has set it.
TEST(ReportConsoleTest, LiveVerdictWaitsForStagesNotYetMatched) {
  Verdict live = TwoStages();
  live.outcome = Outcome::kPass;
  live.reason.clear();
  live.stages[0].line.clear();
  live.stages[1].status = StageStatus::kNotReached;
  ConsoleExcerptBuilder b =
      ConsoleExcerptBuilder::Live(live, {/*head_bytes=*/300, /*tail_bytes=*/300});
  const std::string noise(99, 'x');
  for (int i = 0; i < 20; ++i) b.Feed(noise + "\n", std::nullopt);  // classified: no stage yet
  live.stages[0].line = "NOTICE:  BL2: v2.10.0";  // the checker matches it...
  b.Feed("NOTICE:  BL2: v2.10.0\n", std::nullopt);
  for (int i = 0; i < 20; ++i) b.Feed(noise + "\n", std::nullopt);
  live.stages[1].line = "NOTICE:  BL31: v2.10.0";
  b.Feed("NOTICE:  BL31: v2.10.0\n", std::nullopt);
  for (int i = 0; i < 20; ++i) b.Feed(noise + "\n", std::nullopt);
  b.SetFinal();
  ConsoleExcerpt c = b.Finish();
  ASSERT_EQ(c.pinned.size(), 2u);
  EXPECT_EQ(c.pinned[0].stage, 0);
  EXPECT_EQ(c.pinned[1].stage, 1);
  EXPECT_FALSE(c.pinned[1].failure);
}

// Head lines are classified while the verdict is live (before any reason);
// their failure flags come from the final verdict.
TEST(ReportConsoleTest, LiveHeadLinesGetTheFinalVerdictsFailureFlags) {
  Verdict live;
  ConsoleExcerptBuilder b =
      ConsoleExcerptBuilder::Live(live, {/*head_bytes=*/300, /*tail_bytes=*/300});
  b.Feed("ERROR:   BL2: Failed to load image id 5 (-2)\n", std::nullopt);
  const std::string noise(99, 'x');
  for (int i = 0; i < 20; ++i) b.Feed(noise + "\n", std::nullopt);
  Verdict final_verdict = TwoStages();
  ConsoleExcerpt c = b.Finish(&final_verdict);
  ASSERT_FALSE(c.head.empty());
  EXPECT_TRUE(c.head[0].failure);
  EXPECT_FALSE(c.head[1].failure);
}

void ExpectSame(const std::vector<ExcerptLine>& a, const std::vector<ExcerptLine>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].number, b[i].number) << i;
    EXPECT_EQ(a[i].t, b[i].t) << i;
    EXPECT_EQ(a[i].text, b[i].text) << i;
    EXPECT_EQ(a[i].stage, b[i].stage) << i;
    EXPECT_EQ(a[i].failure, b[i].failure) << i;
  }
}

// Lines split elsewhere (a checker's splitter) and given between BeginChunk
// and EndChunk make the excerpt Feed makes; the tail, one buffer compacted
// many times over, keeps exactly the last lines that fit.
TEST(ReportConsoleTest, LinesFromAnotherSplitterMakeTheSameExcerptAsFeed) {
  Verdict v = TwoStages();
  std::mt19937 rng(11);
  std::vector<std::string> chunks;
  for (int i = 0; i < 3000; ++i) {
    std::string chunk(rng() % 200, 'x');
    for (auto& c : chunk) {
      const unsigned r = rng() % 30;
      c = r == 0 ? '\n' : r == 1 ? '\r' : r == 2 ? '\x1b' : static_cast<char>('a' + r);
    }
    if (i == 1500) chunk += "\nNOTICE:  BL2: v2.10.0\n";
    chunks.push_back(chunk);
  }
  const ExcerptLimits limits{/*head_bytes=*/2000, /*tail_bytes=*/5000};
  ConsoleExcerptBuilder fed(v, limits);
  ConsoleExcerptBuilder tapped(v, limits);
  LineSplitter splitter;
  Nanos t{0};
  for (const std::string& chunk : chunks) {
    t += Nanos(1000);
    fed.Feed(chunk, t);
    if (chunk.empty()) continue;  // Feed ignores empty chunks
    tapped.BeginChunk(t);
    splitter.Feed(chunk, &tapped);
    tapped.EndChunk(!splitter.partial().empty());
  }
  splitter.Finish(&tapped);
  ConsoleExcerpt a = fed.Finish();
  ConsoleExcerpt b = tapped.Finish();
  EXPECT_EQ(a.total_lines, b.total_lines);
  EXPECT_EQ(a.total_bytes, b.total_bytes);
  EXPECT_EQ(a.omitted_lines, b.omitted_lines);
  ExpectSame(a.head, b.head);
  ExpectSame(a.pinned, b.pinned);
  ExpectSame(a.tail, b.tail);
  ASSERT_EQ(a.pinned.size(), 1u);
  // The tail is the longest run of last lines within tail_bytes.
  size_t used = 0;
  for (const ExcerptLine& line : a.tail) used += line.text.size() + 1;
  EXPECT_LE(used, limits.tail_bytes);
  EXPECT_EQ(a.tail.back().number, a.total_lines);
}

}  // namespace
}  // namespace hilt
