// Block matching (BootChecker with block_matching, the default) must reach
// exactly the verdict of matching every line on its own: same outcome, stage,
// reason, matched lines, facts and actions, whatever the chunking.
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/core/boot_checker.h"
#include "harness/core/console_regex.h"

namespace hilt {
namespace {

using namespace std::chrono_literals;

Pattern P(std::string regex) { return Pattern{std::move(regex), {}}; }

Stage MakeStage(std::string name, std::string re) {
  Stage st;
  st.name = std::move(name);
  st.expect = P(std::move(re));
  return st;
}

// Patterns chosen to behave differently on a block than on a line: \s and
// [^x] can cross a '\n', ^ and $ anchor to a line, \A and \z to the text.
Suite TrickySuite() {
  Suite s;
  s.name = "tricky";
  s.timeout = 60s;
  s.fail = {P(R"(ERROR:\s{2,}\w)"), P(R"(^PANIC$)"), P(R"(abort[^!]*pc)"), P(R"(\Aboom)"),
            P(R"(bang\z)"), P(R"(\bOops\b)")};
  s.repeat_fails = {P("^F0: 102B 0000$")};
  s.stages = {MakeStage("bootrom", "^Jump to BL$"), MakeStage("bl2", R"(BL2:\s+v(?P<v>\d+))"),
              MakeStage("uboot", R"(U-Boot\s\d{4}$)"), MakeStage("prompt", "BPI-R4> ")};
  s.stages.back().interrupt = Interrupt{P(R"(autoboot:\s+\d)"), "\x03"};
  return s;
}

struct Outcomes {
  Verdict verdict;
  std::vector<std::string> actions;
};

Outcomes Replay(const Suite& suite, std::string_view log, size_t chunk, bool blocks) {
  BootChecker checker(suite, CheckerOptions{.judge_time = false, .external_facts = {},
                                            .block_matching = blocks});
  Outcomes run;
  std::vector<Action> actions;
  if (chunk == 0) chunk = log.size() + 1;
  for (size_t i = 0; i < log.size() && !checker.done(); i += chunk) {
    actions.clear();
    checker.Feed(log.substr(i, chunk), 0s, &actions);
    for (const Action& a : actions) run.actions.push_back(a.send + "|" + a.why);
  }
  checker.Finish(0s);
  run.verdict = checker.verdict();
  return run;
}

void ExpectSameVerdict(const Outcomes& a, const Outcomes& b, const std::string& what) {
  EXPECT_EQ(a.verdict.outcome, b.verdict.outcome) << what;
  EXPECT_EQ(a.verdict.failed_stage, b.verdict.failed_stage) << what;
  EXPECT_EQ(a.verdict.reason, b.verdict.reason) << what;
  EXPECT_EQ(a.verdict.facts, b.verdict.facts) << what;
  EXPECT_EQ(a.actions, b.actions) << what;
  ASSERT_EQ(a.verdict.stages.size(), b.verdict.stages.size());
  for (size_t i = 0; i < a.verdict.stages.size(); ++i) {
    EXPECT_EQ(a.verdict.stages[i].status, b.verdict.stages[i].status) << what << " stage " << i;
    EXPECT_EQ(a.verdict.stages[i].line, b.verdict.stages[i].line) << what << " stage " << i;
    EXPECT_EQ(a.verdict.stages[i].reason, b.verdict.stages[i].reason) << what << " stage " << i;
  }
}

// The block verdict for `log`, checked against line by line at several chunkings.
Verdict Check(const Suite& suite, const std::string& log,
              std::vector<size_t> chunks = {1, 7, 4096, 40000}) {
  // Same chunking on both sides: an interrupt's action names the partial
  // line as it was when the interrupt fired, which depends on the chunks.
  for (size_t chunk : chunks) {
    ExpectSameVerdict(Replay(suite, log, chunk, /*blocks=*/true),
                      Replay(suite, log, chunk, /*blocks=*/false), "chunk " + std::to_string(chunk));
  }
  const Outcomes reference = Replay(suite, log, 0, /*blocks=*/false);
  ExpectSameVerdict(Replay(suite, log, 0, /*blocks=*/true), reference, "whole");
  return reference.verdict;
}

const std::string kBoot = "Jump to BL\r\nNOTICE:  BL2: v2\r\nU-Boot 2024\r\n";

TEST(BlockRegexTest, RefusesWhatMeansSomethingElseInABlock) {
  EXPECT_TRUE(BlockSafeRegex(R"(^ERROR:\s+(?P<x>\d+)$)"));
  EXPECT_TRUE(BlockSafeRegex("(?i)oops"));
  EXPECT_FALSE(BlockSafeRegex(R"(\Aboot)"));
  EXPECT_FALSE(BlockSafeRegex(R"(end\z)"));
  EXPECT_FALSE(BlockSafeRegex("(?-m)^x"));
  EXPECT_FALSE(BlockSafeRegex("(?i-m:^x)"));
  EXPECT_EQ(BlockRegex("^x$"), "(?m)^x$");
  EXPECT_EQ(BlockRegex(R"(\Ax)"), "");
}

TEST(BootCheckerBlocksTest, CrossLineMatchesOfTheBlockDoNotCount) {
  // "ERROR:" ends a line and the next starts with spaces: \s{2,} would match
  // across the line end in the block, never in a line.
  const Suite suite = TrickySuite();
  const Verdict v = Check(suite, kBoot + "ERROR:\r\n   x\r\nabort now\r\npc : 0\r\nBPI-R4> ");
  EXPECT_EQ(v.outcome, Outcome::kPass) << v.reason;
}

TEST(BootCheckerBlocksTest, AnchorsMeanTheLine) {
  const Suite suite = TrickySuite();
  EXPECT_EQ(Check(suite, kBoot + "xPANIC\r\nPANICx\r\nBPI-R4> ").outcome, Outcome::kPass);
  const Verdict v = Check(suite, kBoot + "noise\r\nPANIC\r\nBPI-R4> ");
  EXPECT_EQ(v.failed_stage, "prompt");
  EXPECT_NE(v.reason.find("'PANIC' at line 5"), std::string::npos) << v.reason;
  // \A and \z are the line's ends too (these patterns are matched per line).
  EXPECT_EQ(Check(suite, kBoot + "noise\r\nboom here\r\nBPI-R4> ").failed_stage, "prompt");
  EXPECT_EQ(Check(suite, kBoot + "it went bang\r\nBPI-R4> ").failed_stage, "prompt");
  EXPECT_EQ(Check(suite, kBoot + "no boom\r\nbang!\r\nBPI-R4> ").outcome, Outcome::kPass);
  // ^...$ on a stage: "Jump to BL" must be a whole line.
  EXPECT_EQ(Check(suite, "Jump to BLx\r\nBPI-R4> ").failed_stage, "bootrom");
}

TEST(BootCheckerBlocksTest, FirstEventInTheStreamWinsInsideABlock) {
  const Suite suite = TrickySuite();
  // The stage line comes first: bl2 passes, then the fail line fails uboot.
  Verdict v = Check(suite, "Jump to BL\nBL2: v7\nOops\nU-Boot 2024\nBPI-R4> ");
  EXPECT_EQ(v.failed_stage, "uboot");
  EXPECT_EQ(v.facts.at("v"), "7");
  // The fail line comes first: bl2 fails.
  v = Check(suite, "Jump to BL\nOops\nBL2: v7\nU-Boot 2024\nBPI-R4> ");
  EXPECT_EQ(v.failed_stage, "bl2");
  // A reset loop inside one block.
  v = Check(suite, "F0: 102B 0000\nJump to BL\nF0: 102B 0000\n");
  EXPECT_EQ(v.failed_stage, "bl2");
  EXPECT_NE(v.reason.find("reset loop"), std::string::npos) << v.reason;
}

TEST(BootCheckerBlocksTest, FailLineAtEveryPlaceAroundABlockBoundary) {
  // LF line ends, so a block holds exactly the log's bytes and the fail line
  // moves across the kBlockBytes boundary: last line of one block, split
  // over the boundary, first line of the next.
  const Suite suite = TrickySuite();
  const std::string filler = "probe of mmc@11230000 done, status 0\n";
  std::string head = "Jump to BL\nNOTICE:  BL2: v2\nU-Boot 2024\n";
  while (head.size() + filler.size() < BootChecker::kBlockBytes - 40) head += filler;
  for (size_t pad = 0; pad < 80; ++pad) {
    const std::string log = head + std::string(pad, 'y') + "\nOops\nBPI-R4> ";
    const Verdict v = Check(suite, log, {4093, 40000});
    EXPECT_EQ(v.failed_stage, "prompt") << pad;
    EXPECT_NE(v.reason.find("'Oops'"), std::string::npos) << pad << v.reason;
  }
}

TEST(BootCheckerBlocksTest, LastLineOfASkippedBlockIsKept) {
  const Suite suite = TrickySuite();
  const Verdict v = Check(suite, kBoot + "one\r\ntwo\r\n\r\n");
  EXPECT_EQ(v.failed_stage, "prompt");
  EXPECT_NE(v.reason.find("last line: 'two'"), std::string::npos) << v.reason;
}

TEST(BootCheckerBlocksTest, RandomLogsOfTrickyFragments) {
  // Lines glued from fragments near every pattern; 600 logs, each compared
  // at several chunkings. Any difference is a bug in block matching.
  const std::vector<std::string> pieces = {
      "ERROR:", "  ", " x", "PANIC", "abort", "pc", "!", "boom", "bang", "Oops", "xOops",
      "F0: 102B 0000", "Jump to BL", "BL2: v3", "U-Boot 2024", "autoboot: 1", "BPI-R4> ",
      "\t", "\x1b[0m", "\b", "\r", "\n", "\r\n", "\n", "\r\n", "\xff", "é"};
  std::mt19937 rng(7988);
  const Suite suite = TrickySuite();
  int passes = 0;
  int fails = 0;
  for (int n = 0; n < 600; ++n) {
    // The stage lines in order, with random fragments between them (rarely
    // many: some logs pass, most fail somewhere).
    std::string log;
    for (const char* stage : {"Jump to BL\n", "BL2: v3\n", "U-Boot 2024\n", "BPI-R4> "}) {
      const size_t count = rng() % 8;
      for (size_t i = 0; i < count; ++i) log += pieces[rng() % pieces.size()];
      log += stage;
    }
    const Outcomes reference = Replay(suite, log, 0, false);
    if (reference.verdict.outcome == Outcome::kPass) ++passes;
    if (reference.verdict.outcome == Outcome::kFail) ++fails;
    ExpectSameVerdict(Replay(suite, log, 0, true), reference, log);
    ExpectSameVerdict(Replay(suite, log, 3, true), Replay(suite, log, 3, false), log);
    if (HasFailure()) break;
  }
  EXPECT_GT(passes, 0);  // both outcomes are exercised
  EXPECT_GT(fails, 0);
}

}  // namespace
}  // namespace hilt
