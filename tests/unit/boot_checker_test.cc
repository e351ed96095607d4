#include "harness/core/boot_checker.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hilt {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using namespace std::chrono_literals;
using namespace std::string_literals;

Pattern P(std::string regex) { return Pattern{std::move(regex), {}}; }

// The BPI-R4 suite of DESIGN.md, built in code so these tests do not depend
// on the loader.
Suite BpiSuite() {
  Suite s;
  s.name = "bpi-r4-test";
  s.timeout = 60s;
  s.fail = {P(R"(ERROR:\s{2,})"), P(R"(### ERROR ### Please RESET the board ###)"),
            P(R"(Card did not respond to voltage select)")};
  s.repeat_fails = {P("F0: 102B 0000"), P(R"(U-Boot \d{4}\.\d{2})")};
  auto stage = [](std::string name, std::string re, std::optional<Nanos> within) {
    Stage st;
    st.name = std::move(name);
    st.expect = P(std::move(re));
    st.within = within;
    return st;
  };
  s.stages.push_back(stage("bootrom", "Jump to BL", 5s));
  s.stages.push_back(stage("bl2", R"(NOTICE:\s+BL2: v(?P<tfa_version>\d+\.\d+(\.\d+)?))", 2s));
  Stage dram = stage("dram", R"(EMI: Detected DRAM size: (?P<dram_mb>\d+)\s*MB)", 5s);
  FactCheck check;
  check.fact = "dram_mb";
  check.op = FactCheck::Op::kGe;
  check.operand = "4096";
  check.text = "dram_mb >= 4096";
  dram.checks.push_back(check);
  s.stages.push_back(dram);
  s.stages.push_back(stage("bl31", R"(NOTICE:\s+BL31: v\d+\.\d+)", 3s));
  s.stages.push_back(
      stage("uboot", R"(U-Boot (?P<uboot_version>\d{4}\.\d{2}\S*) \((?P<uboot_date>[^)]+)\))", 5s));
  Stage prompt = stage("prompt", "BPI-R4> ", 15s);
  prompt.interrupt = Interrupt{P("Hit any key to stop autoboot"), "\x03"};
  s.stages.push_back(prompt);
  return s;
}

PromptTest MakeTest(std::string name, std::string send, std::optional<std::string> expect,
                std::vector<std::string> fail = {}, Nanos timeout = 10s) {
  PromptTest t;
  t.name = std::move(name);
  t.send = std::move(send);
  if (expect) t.expect = P(*expect);
  for (auto& f : fail) t.fail.push_back(P(f));
  t.timeout = timeout;
  return t;
}

std::string ReadLog(const std::string& name) {
  std::ifstream in(std::string(HILT_SOURCE_DIR) + "/tests/data/logs/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_FALSE(ss.str().empty()) << name;
  return ss.str();
}

// Untimed replay of `log` in chunks of `chunk` bytes (0: whole).
Verdict Replay(const Suite& suite, std::string_view log, size_t chunk = 0,
               std::vector<Action>* actions = nullptr) {
  BootChecker checker(suite, CheckerOptions{.judge_time = false, .external_facts = {}});
  std::vector<Action> scratch;
  if (chunk == 0) chunk = log.size() + 1;
  for (size_t i = 0; i < log.size() && !checker.done(); i += chunk) {
    checker.Feed(log.substr(i, chunk), 0s, actions ? actions : &scratch);
  }
  checker.Finish(0s);
  EXPECT_TRUE(checker.done());
  return checker.verdict();
}

std::vector<std::string> Statuses(const Verdict& v) {
  std::vector<std::string> out;
  for (const auto& s : v.stages) out.push_back(s.name + ":" + StageStatusName(s.status));
  return out;
}

TEST(BootCheckerTest, SeedLogPassesAndCapturesFacts) {
  const Suite suite = BpiSuite();
  const Verdict v = Replay(suite, ReadLog("seed-good.log"));
  EXPECT_EQ(v.outcome, Outcome::kPass) << v.reason;
  EXPECT_THAT(v.failed_stage, IsEmpty());
  EXPECT_THAT(Statuses(v), ElementsAre("bootrom:pass", "bl2:pass", "dram:pass", "bl31:pass",
                                       "uboot:pass", "prompt:pass"));
  EXPECT_EQ(v.facts.at("tfa_version"), "2.10.0");
  EXPECT_EQ(v.facts.at("dram_mb"), "4096");
  EXPECT_EQ(v.facts.at("uboot_version"), "2024.04");
  EXPECT_EQ(v.facts.at("uboot_date"), "Apr 02 2024 - 10:58:58 +0000");
  EXPECT_EQ(v.stages[1].line, "NOTICE:  BL2: v2.10.0   (release):");
  EXPECT_FALSE(v.timed);
}

TEST(BootCheckerTest, SameVerdictWhateverTheChunking) {
  const Suite suite = BpiSuite();
  for (const char* name : {"seed-good.log", "noisy-good.log", "reset-loop.log", "dram-0mb.log",
                           "hang-in-uboot.log"}) {
    const std::string log = ReadLog(name);
    const Verdict whole = Replay(suite, log);
    for (size_t chunk : {1, 2, 3, 13, 64}) {
      const Verdict v = Replay(suite, log, chunk);
      EXPECT_EQ(v.outcome, whole.outcome) << name << " chunk " << chunk;
      EXPECT_EQ(v.failed_stage, whole.failed_stage) << name << " chunk " << chunk;
      EXPECT_EQ(v.reason, whole.reason) << name << " chunk " << chunk;
      EXPECT_EQ(Statuses(v), Statuses(whole)) << name << " chunk " << chunk;
      EXPECT_EQ(v.facts, whole.facts) << name << " chunk " << chunk;
    }
  }
}

TEST(BootCheckerTest, NoiseAnsiAndAutobootCountdownStillPass) {
  std::vector<Action> actions;
  const Verdict v = Replay(BpiSuite(), ReadLog("noisy-good.log"), 5, &actions);
  EXPECT_EQ(v.outcome, Outcome::kPass) << v.reason;
  EXPECT_EQ(v.stages[1].line, "NOTICE:  BL2: v2.10.0   (release):");  // colours stripped
  ASSERT_EQ(actions.size(), 1u);  // the interrupt, once, though the countdown goes on
  EXPECT_EQ(actions[0].send, "\x03");
}

TEST(BootCheckerTest, InvalidUtf8DoesNotStopAMatch) {
  Suite suite = BpiSuite();
  suite.stages.resize(1);
  suite.stages[0].expect = P("Jump.*BL");
  const Verdict v = Replay(suite, "\x80\xfe garbage\r\nJump \xc3\x28 to BL\r\n"s);
  EXPECT_EQ(v.outcome, Outcome::kPass) << v.reason;
  EXPECT_EQ(v.stages[0].line, "Jump \\xc3( to BL");  // printable in the verdict
}

TEST(BootCheckerTest, FailPatternFailsTheAwaitedStageWithTheLine) {
  const Verdict v = Replay(BpiSuite(), ReadLog("fip-without-bl33.log"));
  EXPECT_EQ(v.outcome, Outcome::kFail);
  EXPECT_EQ(v.failed_stage, "bl31");
  EXPECT_THAT(v.reason, HasSubstr("'ERROR:   BL2: Failed to load image id 5 (-2)' at line"));
  EXPECT_THAT(Statuses(v), ElementsAre("bootrom:pass", "bl2:pass", "dram:pass", "bl31:fail",
                                       "uboot:not-reached", "prompt:not-reached"));
  EXPECT_EQ(v.stages[3].reason, v.reason);
}

TEST(BootCheckerTest, FailedCheckNamesTheValues) {
  const Verdict v = Replay(BpiSuite(), ReadLog("dram-0mb.log"));
  EXPECT_EQ(v.failed_stage, "dram");
  EXPECT_THAT(v.reason, HasSubstr("dram_mb >= 4096"));
  EXPECT_THAT(v.reason, HasSubstr("0"));
  EXPECT_EQ(v.facts.at("dram_mb"), "0");
  EXPECT_EQ(v.stages[2].status, StageStatus::kFail);
}

TEST(BootCheckerTest, CheckSeesExternalFacts) {
  Suite suite = BpiSuite();
  FactCheck check;
  check.fact = "uboot_version";
  check.op = FactCheck::Op::kEq;
  check.operand = "build.uboot_version";
  check.operand_is_fact = true;
  check.text = "uboot_version == build.uboot_version";
  suite.stages[4].checks.push_back(check);
  for (const auto& [built, outcome] : {std::pair{"2024.04", Outcome::kPass},
                                       std::pair{"2025.01", Outcome::kFail}}) {
    BootChecker checker(suite, CheckerOptions{false, {{"build.uboot_version", built}}});
    std::vector<Action> actions;
    checker.Feed(ReadLog("seed-good.log"), 0s, &actions);
    checker.Finish(0s);
    EXPECT_EQ(checker.verdict().outcome, outcome) << built << ": " << checker.verdict().reason;
    if (outcome == Outcome::kFail) {
      EXPECT_EQ(checker.verdict().failed_stage, "uboot");
    }
  }
}

TEST(BootCheckerTest, ResetLoop) {
  const Verdict v = Replay(BpiSuite(), ReadLog("reset-loop.log"));
  EXPECT_EQ(v.failed_stage, "dram");
  EXPECT_THAT(v.reason, HasSubstr("reset loop: 'F0: 102B 0000' seen again at line 23 (first at line 1)"));
}

TEST(BootCheckerTest, ResetLoopReasonGivesTimesWhenTimed) {
  const Suite suite = BpiSuite();
  BootChecker checker(suite, CheckerOptions{});
  std::vector<Action> actions;
  checker.Feed("F0: 102B 0000\r\nJump to BL\r\n", 100ms, &actions);
  checker.Feed("F0: 102B 0000\r\n", 1200ms, &actions);
  ASSERT_TRUE(checker.done());
  EXPECT_EQ(checker.verdict().failed_stage, "bl2");
  EXPECT_EQ(checker.verdict().reason, "reset loop: 'F0: 102B 0000' seen again at 1.20s (first at 0.10s)");
}

TEST(BootCheckerTest, HangInUBootFailsAtThePrompt) {
  const Verdict v = Replay(BpiSuite(), ReadLog("hang-in-uboot.log"));
  EXPECT_EQ(v.failed_stage, "prompt");
  EXPECT_EQ(v.reason, "end of log before stage prompt (last line: 'MMC:   mmc@11230000: 0')");
}

TEST(BootCheckerTest, PromptWithoutNewlineMatchesAtOnce) {
  const Suite suite = BpiSuite();
  BootChecker checker(suite, CheckerOptions{});
  std::vector<Action> actions;
  const std::string log = ReadLog("seed-good.log");
  for (size_t i = 0; i < log.size(); ++i) checker.Feed(log.substr(i, 1), 1s, &actions);
  EXPECT_TRUE(checker.done());  // no Finish, no newline: the partial line matched
  EXPECT_EQ(checker.verdict().outcome, Outcome::kPass) << checker.verdict().reason;
  EXPECT_EQ(checker.verdict().stages.back().line, "BPI-R4> ");
}

TEST(BootCheckerTest, LongPartialLineIsTriedOnTickOnly) {
  const Suite suite = BpiSuite();
  BootChecker checker(suite, CheckerOptions{});
  std::vector<Action> actions;
  checker.Feed(ReadLog("hang-in-uboot.log"), 1s, &actions);
  // A prompt after 300 bytes of unfinished line: too long to retry on every
  // Feed (1-byte chunks would make that quadratic), so it waits for Tick.
  const std::string tail = std::string(300, '.') + "BPI-R4> ";
  for (char c : tail) checker.Feed(std::string_view(&c, 1), 2s, &actions);
  EXPECT_FALSE(checker.done());
  checker.Tick(2500ms, &actions);
  ASSERT_TRUE(checker.done());
  EXPECT_EQ(checker.verdict().outcome, Outcome::kPass) << checker.verdict().reason;
  EXPECT_EQ(checker.verdict().stages.back().t, 2s);  // when the bytes arrived, not the tick
}

TEST(BootCheckerTest, BudgetsWithTimestamps) {
  const Suite suite = BpiSuite();
  {
    BootChecker checker(suite, CheckerOptions{});
    std::vector<Action> actions;
    checker.Feed("F0: 102B 0000\r\nJump to BL\r\n", 410ms, &actions);
    checker.Feed("NOTICE:  BL2: v2.10.0\r\n", 2300ms, &actions);  // within 2s of bootrom
    EXPECT_FALSE(checker.done());
    EXPECT_EQ(checker.verdict().stages[1].duration, 1890ms);
    EXPECT_EQ(checker.verdict().stages[1].budget, 2s);
    checker.Tick(7300ms, &actions);  // dram: 5s from bl2 ends at 7.3s exactly: still in time
    EXPECT_FALSE(checker.done());
    checker.Tick(7301ms, &actions);
    ASSERT_TRUE(checker.done());
    EXPECT_EQ(checker.verdict().failed_stage, "dram");
    EXPECT_EQ(checker.verdict().reason,
              "dram not reached within 5s after bl2 at 2.30s (last line: 'NOTICE:  BL2: v2.10.0')");
    EXPECT_EQ(checker.verdict().total, 7300ms);
  }
  {
    // Bytes that arrive after the budget are too late, even if they match.
    BootChecker checker(suite, CheckerOptions{});
    std::vector<Action> actions;
    checker.Feed("Jump to BL\r\n", 1s, &actions);
    checker.Feed("NOTICE:  BL2: v2.10.0\r\n", 3500ms, &actions);
    EXPECT_EQ(checker.verdict().failed_stage, "bl2");
    EXPECT_THAT(checker.verdict().reason, HasSubstr("not reached within 2s after bootrom at 1.00s"));
  }
}

TEST(BootCheckerTest, UntimedModeJudgesNoBudgets) {
  const Suite suite = BpiSuite();
  BootChecker checker(suite, CheckerOptions{.judge_time = false, .external_facts = {}});
  std::vector<Action> actions;
  checker.Feed("Jump to BL\r\n", 1s, &actions);
  checker.Tick(1h, &actions);
  checker.Feed(ReadLog("seed-good.log"), 2h, &actions);
  EXPECT_EQ(checker.verdict().outcome, Outcome::kPass) << checker.verdict().reason;
  EXPECT_FALSE(checker.verdict().timed);
}

TEST(BootCheckerTest, SuiteTimeout) {
  Suite suite = BpiSuite();
  suite.timeout = 3s;
  for (auto& st : suite.stages) st.within.reset();
  BootChecker checker(suite, CheckerOptions{});
  std::vector<Action> actions;
  checker.Feed("Jump to BL\r\nNOTICE:  BL2: v2.10.0\r\n", 1s, &actions);
  checker.Tick(3001ms, &actions);
  ASSERT_TRUE(checker.done());
  EXPECT_EQ(checker.verdict().failed_stage, "dram");
  EXPECT_THAT(checker.verdict().reason, HasSubstr("suite timeout 3s expired while waiting for stage dram"));
}

TEST(BootCheckerTest, InterruptOnPartialLineIsSentOnce) {
  const Suite suite = BpiSuite();
  BootChecker checker(suite, CheckerOptions{});
  std::vector<Action> actions;
  std::string boot = ReadLog("hang-in-uboot.log");
  checker.Feed(boot, 1s, &actions);
  EXPECT_THAT(actions, IsEmpty());
  checker.Feed("Hit any key to stop autoboot:  3", 2s, &actions);
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].send, "\x03");
  checker.Feed("\b\b\b 2\b\b\b 0\r\n", 3s, &actions);
  EXPECT_EQ(actions.size(), 1u);
  checker.Feed("BPI-R4> ", 3s, &actions);
  EXPECT_EQ(checker.verdict().outcome, Outcome::kPass);
}

std::string AtPrompt() { return ReadLog("seed-good.log"); }

TEST(BootCheckerTest, PromptTestsLive) {
  Suite suite = BpiSuite();
  suite.tests = {MakeTest("version", "version", R"(U-Boot 2024\.04)"),
                 MakeTest("echo", "echo hilt-ok", "^hilt-ok$")};
  BootChecker checker(suite, CheckerOptions{});
  std::vector<Action> actions;
  checker.Feed(AtPrompt(), 1s, &actions);
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].send, "version\n");
  // The board echoes on the prompt's line, answers (printing its banner again,
  // which is no reset after the prompt), and prompts again.
  checker.Feed("version\r\nU-Boot 2024.04 (Apr 02 2024 - 10:58:58 +0000)\r\n\r\nBPI-R4> ", 2s,
               &actions);
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[1].send, "echo hilt-ok\n");
  EXPECT_FALSE(checker.done());
  // The echo line contains hilt-ok too but is not output: only the answer counts.
  checker.Feed("echo hilt-ok\r\nhilt-ok\r\nBPI-R4> ", 2500ms, &actions);
  ASSERT_TRUE(checker.done());
  const Verdict& v = checker.verdict();
  EXPECT_EQ(v.outcome, Outcome::kPass) << v.reason;
  EXPECT_EQ(v.tests[0].status, StageStatus::kPass);
  EXPECT_EQ(v.tests[0].output, "U-Boot 2024.04 (Apr 02 2024 - 10:58:58 +0000)");
  EXPECT_EQ(v.tests[0].duration, 1s);
  EXPECT_EQ(v.tests[1].output, "hilt-ok");
}

TEST(BootCheckerTest, PromptTestsReplaySegmentsTheSameWay) {
  Suite suite = BpiSuite();
  suite.tests = {MakeTest("version", "version", R"(U-Boot 2024\.04)")};
  const std::string log = ReadLog("good-with-version.log");
  for (size_t chunk : {0, 1, 7}) {
    const Verdict v = Replay(suite, log, chunk);
    EXPECT_EQ(v.outcome, Outcome::kPass) << v.reason;
    EXPECT_THAT(v.tests[0].output, HasSubstr("GNU ld"));
    EXPECT_THAT(v.tests[0].output, ::testing::Not(HasSubstr("BPI-R4>")));
  }
  // Expecting the echo alone fails: the echo line is not output.
  suite.tests = {MakeTest("echo-only", "version", "^BPI-R4> version$")};
  EXPECT_EQ(Replay(suite, log).outcome, Outcome::kFail);
}

TEST(BootCheckerTest, PromptTestFailures) {
  Suite suite = BpiSuite();
  const std::string answer = "version\r\nU-Boot 2023.10 (Oct 02 2023)\r\nBPI-R4> ";
  {
    suite.tests = {MakeTest("version", "version", R"(U-Boot 2024\.04)")};
    BootChecker checker(suite, CheckerOptions{});
    std::vector<Action> actions;
    checker.Feed(AtPrompt(), 1s, &actions);
    checker.Feed(answer, 2s, &actions);
    EXPECT_EQ(checker.verdict().failed_stage, "version");
    EXPECT_EQ(checker.verdict().reason,
              "'U-Boot 2024\\.04' not in the output of 'version' "
              "(first line: 'U-Boot 2023.10 (Oct 02 2023)')");
  }
  {
    suite.tests = {MakeTest("version", "version", std::nullopt, {"2023"})};
    BootChecker checker(suite, CheckerOptions{});
    std::vector<Action> actions;
    checker.Feed(AtPrompt(), 1s, &actions);
    checker.Feed(answer, 2s, &actions);
    EXPECT_EQ(checker.verdict().tests[0].status, StageStatus::kFail);
    EXPECT_THAT(checker.verdict().reason, HasSubstr("matches fail pattern '2023'"));
  }
  {
    suite.tests = {MakeTest("version", "version", "U-Boot", {}, 2s)};
    BootChecker checker(suite, CheckerOptions{});
    std::vector<Action> actions;
    checker.Feed(AtPrompt(), 1s, &actions);
    checker.Feed("version\r\nU-Boot", 2s, &actions);
    checker.Tick(3s, &actions);
    EXPECT_FALSE(checker.done());
    checker.Tick(3001ms, &actions);
    EXPECT_EQ(checker.verdict().failed_stage, "version");
    EXPECT_THAT(checker.verdict().reason, HasSubstr("no prompt within 2s after sending 'version'"));
  }
  {
    // A global fail pattern during a test fails that test.
    suite.tests = {MakeTest("mmc", "mmc rescan", std::nullopt)};
    BootChecker checker(suite, CheckerOptions{});
    std::vector<Action> actions;
    checker.Feed(AtPrompt(), 1s, &actions);
    checker.Feed("mmc rescan\r\nCard did not respond to voltage select! : -110\r\n", 2s, &actions);
    EXPECT_EQ(checker.verdict().failed_stage, "mmc");
    EXPECT_EQ(checker.verdict().tests[0].status, StageStatus::kFail);
  }
}

TEST(BootCheckerTest, TestsNotReachedFailTheVerdict) {
  Suite suite = BpiSuite();
  suite.tests = {MakeTest("version", "version", "U-Boot"), MakeTest("help", "help", "bootm")};
  const Verdict v = Replay(suite, ReadLog("seed-good.log"));
  EXPECT_EQ(v.outcome, Outcome::kFail);
  EXPECT_EQ(v.failed_stage, "version");
  EXPECT_THAT(v.reason, HasSubstr("end of log before test version ran"));
  EXPECT_EQ(v.tests[0].status, StageStatus::kNotReached);
  EXPECT_EQ(v.tests[1].status, StageStatus::kNotReached);
}

TEST(BootCheckerTest, LateBannerAfterPromptIsNoReset) {
  Suite suite = BpiSuite();
  suite.tests = {MakeTest("version", "version", R"(U-Boot 2024\.04)")};
  const Verdict v = Replay(suite, ReadLog("good-with-version.log"));
  EXPECT_EQ(v.outcome, Outcome::kPass) << v.reason;
}

TEST(BootCheckerTest, OverLongLinesAreBounded) {
  Suite suite = BpiSuite();
  std::string log = "Jump to BL\r\n" + std::string(1 << 20, 'x') + "NOTICE:  BL2: v2.10.0\r\n" +
                    "NOTICE:  BL2: v2.10.0\r\n";
  const Verdict v = Replay(suite, log, 4096);
  // The first BL2 line is beyond the cap and discarded; the second matches.
  EXPECT_EQ(v.stages[1].status, StageStatus::kPass);
  EXPECT_EQ(v.failed_stage, "dram");
}

TEST(BootCheckerTest, BadPatternIsAnErrorNotACrash) {
  Suite suite = BpiSuite();
  suite.fail.push_back(P("(unclosed"));
  BootChecker checker(suite, CheckerOptions{});
  EXPECT_TRUE(checker.done());
  EXPECT_EQ(checker.verdict().outcome, Outcome::kError);
  EXPECT_THAT(checker.verdict().reason, HasSubstr("(unclosed"));
}

TEST(BootCheckerTest, IgnoresInputOnceDone) {
  const Suite suite = BpiSuite();
  BootChecker checker(suite, CheckerOptions{});
  std::vector<Action> actions;
  checker.Feed(AtPrompt(), 1s, &actions);
  ASSERT_EQ(checker.verdict().outcome, Outcome::kPass);
  checker.Feed("### ERROR ### Please RESET the board ###\r\n", 2s, &actions);
  checker.Finish(3s);
  EXPECT_EQ(checker.verdict().outcome, Outcome::kPass);
}

// The tap gets every line of the checker's splitter, in order, also the
// lines after the verdict and the partial line at Finish.
TEST(BootCheckerTest, LineTapGetsEveryLineAlsoAfterTheVerdict) {
  struct Lines : LineSink {
    std::vector<std::string> got;
    void OnLine(std::string_view line, bool) override { got.emplace_back(line); }
  } tap;
  const Suite suite = BpiSuite();
  BootChecker checker(suite, CheckerOptions{});
  checker.set_line_tap(&tap);
  std::vector<Action> actions;
  checker.Feed("F0: 102B 0000\r\nJump \x1b[0mto BL\r\n### ERROR ### Please RESET the b", 1s,
               &actions);
  EXPECT_FALSE(checker.done());
  EXPECT_TRUE(checker.partial_open());
  checker.Feed("oard ###\r\nafter\r\nlast", 2s, &actions);
  EXPECT_TRUE(checker.done());
  checker.Feed(" words", 3s, &actions);
  checker.Finish(4s);
  EXPECT_THAT(tap.got, ElementsAre("F0: 102B 0000", "Jump to BL",
                                   "### ERROR ### Please RESET the board ###", "after",
                                   "last words"));
  EXPECT_EQ(checker.verdict().outcome, Outcome::kFail);
}

}  // namespace
}  // namespace hilt
