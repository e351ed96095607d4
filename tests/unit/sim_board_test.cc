#include "fixtures/sim/board.h"

#include <gtest/gtest.h>

#include <vector>

namespace hilt::sim {
namespace {

using std::chrono::milliseconds;

std::string Bl2Payload() {
  return std::string("\x1f code") + '\0' + "v2.9.1(release):abc" + '\0' + "Built : 12:34:56, Feb  2 2024" + '\0';
}
std::string Bl31Payload() { return std::string("\0", 1) + "v2.9.2(debug):xyz" + '\0' + "Built : 01:02:03, Mar  3 2024" + '\0'; }
std::string Bl33Payload() {
  return std::string("\0", 1) + "U-Boot 2099.01 (Jan 01 2099 - 00:00:00 +0000)" + '\0' + "TEST> " + '\0';
}

class FakeCard : public Card {
 public:
  std::optional<Bl2View> bl2 = Bl2View{Bl2Payload()};
  FipView fip{true, Bl31Payload(), Bl33Payload()};
  int bl2_reads = 0;
  StatusOr<std::optional<Bl2View>> ReadBl2() override {
    ++bl2_reads;
    return bl2;
  }
  StatusOr<FipView> ReadFip() override { return fip; }
  uint64_t SizeBytes() override { return 4000ull << 20; }
  std::string Describe() const override { return "fake"; }
};

class SimBoardTest : public ::testing::Test {
 protected:
  void Make(BoardOptions o = {}) {
    o.speedup = 100;
    board_ = std::make_unique<Board>(o, &card_, [this](const std::string& m) { log_.push_back(m); });
    board_->SetMux(MuxSide::kDut);
  }
  // Runs the board's time forward by `board_ms` of board time (at speedup 100).
  void Run(int board_ms) {
    for (int i = 0; i < board_ms / 100 + 1; ++i) {
      now_ += milliseconds(1);
      board_->Advance(now_, &out_);
    }
  }
  bool RunUntil(const std::string& text, int max_board_ms = 60000) {
    for (int i = 0; i < max_board_ms / 100; ++i) {
      now_ += milliseconds(1);
      board_->Advance(now_, &out_);
      if (out_.find(text) != std::string::npos) return true;
    }
    return false;
  }
  size_t Count(const std::string& text) const {
    size_t n = 0;
    for (size_t p = out_.find(text); p != std::string::npos; p = out_.find(text, p + 1)) ++n;
    return n;
  }

  FakeCard card_;
  std::unique_ptr<Board> board_;
  std::vector<std::string> log_;
  std::string out_;
  Nanos now_{0};
};

TEST_F(SimBoardTest, GoodBootPrintsTheSeedLogWithTheImagesStrings) {
  Make();
  board_->PowerOn(now_);
  ASSERT_TRUE(RunUntil("TEST> ")) << out_;
  const char* in_order[] = {"F0: 102B 0000\r\n",
                            "T0: 0000 0221 [0101]\r\nJump to BL\r\n",
                            "NOTICE:  BL2: v2.9.1(release):abc\r\n",
                            "NOTICE:  BL2: Built : 12:34:56, Feb  2 2024\r\n",
                            "NOTICE:  EMI: Detected DRAM size: 4096 MB\r\n",
                            "NOTICE:  BL2: Booting BL31\r\n",
                            "NOTICE:  BL31: v2.9.2(debug):xyz\r\n",
                            "U-Boot 2099.01 (Jan 01 2099 - 00:00:00 +0000)\r\n",
                            "DRAM:  4 GiB\r\n",
                            "eth0: ethernet@15100000\r\n",
                            "TEST> "};
  size_t pos = 0;
  for (const char* s : in_order) {
    size_t at = out_.find(s, pos);
    ASSERT_NE(at, std::string::npos) << "missing in order: " << s << "\n" << out_;
    pos = at;
  }
  EXPECT_EQ(board_->stage(), Stage::kPrompt);
}

TEST_F(SimBoardTest, UartPaceLimitsBytesPerSecond) {
  BoardOptions o;
  Make(o);
  board_->PowerOn(now_);
  // At 115200 baud / speedup 100, 10 ms of host time carries at most 11520 bytes
  // worth of 1.152 s, far more than the log; but the first 1.5 ms after power-on
  // fall in the BootROM's start delay (150 ms board time) and carry nothing.
  now_ += std::chrono::microseconds(1400);
  board_->Advance(now_, &out_);
  EXPECT_EQ(out_, "");
  now_ += std::chrono::microseconds(200);  // 1.6 ms: 10 ms of line time at most, ~115 bytes
  board_->Advance(now_, &out_);
  EXPECT_GT(out_.size(), 0u);
  EXPECT_LE(out_.size(), 120u);
}

TEST_F(SimBoardTest, NoBl2HeaderRepeatsTheBootRomBlockWithoutJump) {
  card_.bl2.reset();
  Make();
  board_->PowerOn(now_);
  Run(3500);
  EXPECT_GE(Count("F0: 102B 0000"), 3u);
  EXPECT_EQ(Count("Jump to BL"), 0u);
  EXPECT_GE(card_.bl2_reads, 3);
}

TEST_F(SimBoardTest, MuxOnHostMeansNoCardAtPowerOn) {
  Make();
  board_->SetMux(MuxSide::kHost);
  board_->PowerOn(now_);
  Run(2500);
  EXPECT_GE(Count("F0: 102B 0000"), 2u);
  EXPECT_EQ(Count("Jump to BL"), 0u);
  EXPECT_EQ(card_.bl2_reads, 0);
  // The BootROM retries: once the card is back, it boots.
  board_->SetMux(MuxSide::kDut);
  EXPECT_TRUE(RunUntil("TEST> "));
}

TEST_F(SimBoardTest, MissingBl33FailsToLoadImageId5ThenSilence) {
  card_.fip.bl33.reset();
  Make();
  board_->PowerOn(now_);
  ASSERT_TRUE(RunUntil("ERROR:   BL2: Failed to load image id 5 (-2)\r\n"));
  size_t len = out_.size();
  Run(20000);
  EXPECT_EQ(out_.size(), len);
  EXPECT_EQ(board_->stage(), Stage::kHalted);
}

TEST_F(SimBoardTest, MissingBl31OrCorruptTocFailsAtImageId3) {
  card_.fip.bl31.reset();
  Make();
  board_->PowerOn(now_);
  EXPECT_TRUE(RunUntil("Failed to load image id 3 (-2)"));
  EXPECT_EQ(Count("Booting BL31"), 0u);

  out_.clear();
  card_.fip = FipView{};
  board_->PowerOff();
  board_->PowerOn(now_);
  EXPECT_TRUE(RunUntil("Failed to load image id 3 (-2)"));
}

TEST_F(SimBoardTest, PowerOffStopsOutputAtOnce) {
  Make();
  board_->PowerOn(now_);
  ASSERT_TRUE(RunUntil("NOTICE:  BL2"));
  board_->PowerOff();
  size_t len = out_.size();
  Run(20000);
  EXPECT_EQ(out_.size(), len);
  EXPECT_EQ(board_->stage(), Stage::kOff);
}

TEST_F(SimBoardTest, DramFailShowsZeroSizeAndStops) {
  BoardOptions o;
  o.fault.fixed = Fault::kDramFail;
  Make(o);
  board_->PowerOn(now_);
  ASSERT_TRUE(RunUntil("EMI: Detected DRAM size: 0MB"));
  Run(20000);
  EXPECT_EQ(Count("complex R/W mem test failed"), 1u);
  EXPECT_EQ(Count("BL31"), 0u);
  EXPECT_EQ(board_->stage(), Stage::kHalted);
}

TEST_F(SimBoardTest, ResetLoopRepeatsBootRomAndBl2NeverUboot) {
  BoardOptions o;
  o.fault.fixed = Fault::kResetLoop;
  Make(o);
  board_->PowerOn(now_);
  Run(12000);
  EXPECT_GE(Count("F0: 102B 0000"), 2u);
  EXPECT_GE(Count("NOTICE:  BL2: v"), 2u);
  EXPECT_EQ(Count("U-Boot"), 0u);
}

TEST_F(SimBoardTest, HangInUbootStopsAfterTheBanner) {
  BoardOptions o;
  o.fault.fixed = Fault::kHangInUboot;
  Make(o);
  board_->PowerOn(now_);
  ASSERT_TRUE(RunUntil("U-Boot 2099.01"));
  Run(30000);
  EXPECT_EQ(Count("TEST> "), 0u);
  EXPECT_EQ(board_->stage(), Stage::kHalted);
}

TEST_F(SimBoardTest, FloodPrintsAtItsRateUntilPowerOff) {
  BoardOptions o;
  o.fault.fixed = Fault::kFlood;
  o.fault.flood_rate = 1e6;
  Make(o);
  board_->PowerOn(now_);
  ASSERT_TRUE(RunUntil("DRAM:  4 GiB\r\n"));
  ASSERT_TRUE(RunUntil("flood 000000: "));
  size_t start = out_.size();
  for (int i = 0; i < 100; ++i) {  // 100 ms of wall time at 1 MB/s
    now_ += milliseconds(1);
    board_->Advance(now_, &out_);
    ASSERT_TRUE(board_->NextDeadline().has_value());
    EXPECT_LE(*board_->NextDeadline() - now_, milliseconds(1));
  }
  EXPECT_NEAR(static_cast<double>(out_.size() - start), 100e3, 2e3);
  EXPECT_NE(out_.find("\r\nflood 000100: "), std::string::npos);
  EXPECT_EQ(Count("TEST> "), 0u);
  board_->PowerOff();
  size_t off = out_.size();
  Run(1000);
  EXPECT_EQ(out_.size(), off);
}

TEST_F(SimBoardTest, EndlessLineNeverSendsANewline) {
  BoardOptions o;
  o.fault.fixed = Fault::kEndlessLine;
  o.fault.flood_rate = 1e6;
  Make(o);
  board_->PowerOn(now_);
  ASSERT_TRUE(RunUntil("DRAM:  4 GiB\r\n"));
  size_t start = out_.size();
  for (int i = 0; i < 200; ++i) {
    now_ += milliseconds(1);
    board_->Advance(now_, &out_);
  }
  EXPECT_GT(out_.size() - start, 150000u);
  EXPECT_EQ(out_.find_first_not_of('x', out_.find("xxxx")), std::string::npos);
}

TEST_F(SimBoardTest, UartNoiseGarblesOnlyUnwatchedLines) {
  BoardOptions o;
  o.fault.fixed = Fault::kUartNoise;
  o.seed = 7;
  Make(o);
  board_->PowerOn(now_);
  ASSERT_TRUE(RunUntil("TEST> "));
  EXPECT_NE(out_.find_first_of(std::string("\xff\xfe\x80\xe0\x9c", 5)), std::string::npos);
  EXPECT_EQ(out_.find("MMC:   mmc@11230000: 0\r\nLoading Environment from nowhere... OK\r\nIn:    serial@11000000\r\n"
                      "Out:   serial@11000000\r\nErr:   serial@11000000"),
            std::string::npos);
  EXPECT_NE(out_.find("Jump to BL\r\n"), std::string::npos);
  EXPECT_NE(out_.find("EMI: Detected DRAM size: 4096 MB"), std::string::npos);
}

TEST_F(SimBoardTest, SlowBootTakesFiveTimesLongerInDram) {
  auto time_to = [this](Fault f) {
    BoardOptions o;
    o.fault.fixed = f;
    Make(o);
    out_.clear();
    Nanos start = now_;
    board_->PowerOn(now_);
    EXPECT_TRUE(RunUntil("Detected DRAM size"));
    return now_ - start;
  };
  Nanos normal = time_to(Fault::kNone);
  Nanos slow = time_to(Fault::kSlowBoot);
  EXPECT_GT(slow, normal * 4);
}

TEST_F(SimBoardTest, FlakyIsSeededAndMixesGoodAndBadBoots) {
  auto faults = [this](uint64_t seed) {
    BoardOptions o;
    o.fault.flaky_probability = 0.5;
    o.seed = seed;
    Make(o);
    std::string seen;
    for (int i = 0; i < 20; ++i) {
      board_->PowerOn(now_);
      seen += FaultName(board_->fault());
      seen += ',';
      board_->PowerOff();
    }
    return seen;
  };
  std::string a = faults(42);
  EXPECT_EQ(a, faults(42));
  EXPECT_NE(a.find("none"), std::string::npos);
  EXPECT_NE(a.find("dram-fail"), std::string::npos);
}

TEST_F(SimBoardTest, PromptEchoesAndResetBootsAgain) {
  Make();
  board_->PowerOn(now_);
  ASSERT_TRUE(RunUntil("TEST> "));
  board_->Input("version\r", now_);
  ASSERT_TRUE(RunUntil("GNU ld"));
  EXPECT_NE(out_.find("TEST> version\r\n\r\nU-Boot 2099.01"), std::string::npos);
  board_->Input("reset\r", now_);
  ASSERT_TRUE(RunUntil("resetting ...\r\n"));
  out_.clear();
  ASSERT_TRUE(RunUntil("TEST> "));
  EXPECT_EQ(Count("F0: 102B 0000"), 1u);
  EXPECT_EQ(board_->boots(), 2);
}

TEST_F(SimBoardTest, AutobootCountdownStoppedByAKey) {
  BoardOptions o;
  o.autoboot = 3;
  Make(o);
  board_->PowerOn(now_);
  ASSERT_TRUE(RunUntil("Hit any key to stop autoboot:  3 "));
  board_->Input("\x03", now_);
  ASSERT_TRUE(RunUntil("TEST> ", 2000));
  EXPECT_NE(out_.find("\b\b\b 0 \r\nTEST> "), std::string::npos);
  EXPECT_EQ(Count("sdboot"), 0u);
}

TEST_F(SimBoardTest, AutobootRunsBootcmdWhenNotStopped) {
  BoardOptions o;
  o.autoboot = 2;
  Make(o);
  board_->PowerOn(now_);
  ASSERT_TRUE(RunUntil("TEST> "));
  EXPECT_NE(out_.find("autoboot:  2 \b\b\b 1 \b\b\b 0 \r\n## Error: \"sdboot\" not defined\r\nTEST> "),
            std::string::npos)
      << out_;
}

TEST_F(SimBoardTest, BootMenuEscLeavesForThePrompt) {
  BoardOptions o;
  o.bootmenu = true;
  Make(o);
  board_->PowerOn(now_);
  ASSERT_TRUE(RunUntil("Press UP/DOWN to move"));
  EXPECT_EQ(board_->stage(), Stage::kMenu);
  board_->Input("\x1b", now_);
  ASSERT_TRUE(RunUntil("TEST> ", 2000));
  EXPECT_EQ(board_->stage(), Stage::kPrompt);
}

TEST_F(SimBoardTest, KeysTypedDuringUbootStartReachThePrompt) {
  Make();
  board_->PowerOn(now_);
  ASSERT_TRUE(RunUntil("CPU:   MediaTek"));
  board_->Input("echo hi\r", now_);
  ASSERT_TRUE(RunUntil("hi\r\nTEST> "));
}

}  // namespace
}  // namespace hilt::sim
