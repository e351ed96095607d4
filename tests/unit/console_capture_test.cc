#include "harness/devices/console_capture.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>
#include <fstream>
#include <sstream>

#include "tests/unit/fake_console.h"

namespace hilt {
namespace {

using namespace std::chrono_literals;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::filesystem::path RawPath() {
  auto dir = std::filesystem::temp_directory_path() / ("hilt_capture_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir / (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".raw");
}

// Drains until `bytes` bytes have been received, or 5 s pass.
std::vector<CapturedChunk> DrainUntil(ConsoleCapture& cap, size_t bytes) {
  std::vector<CapturedChunk> out;
  size_t got = 0;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (got < bytes && std::chrono::steady_clock::now() < deadline) {
    size_t before = out.size();
    cap.WaitForData(&out, 100ms);
    for (size_t i = before; i < out.size(); ++i) got += out[i].bytes.size();
  }
  return out;
}

void WaitDrained(const FakeConsole& console) {
  for (int i = 0; i < 5000 && !console.drained(); ++i) std::this_thread::sleep_for(1ms);
}

std::string Join(const std::vector<CapturedChunk>& chunks) {
  std::string s;
  for (const auto& c : chunks) s += c.bytes;
  return s;
}

TEST(ConsoleCaptureTest, StampsChunksSincePowerOnAndWritesRawFile) {
  FakeConsole console;
  ManualClock clock;
  console.set_clock(&clock);
  clock.Advance(7s);
  auto raw = RawPath();
  ConsoleCapture cap(&console, &clock, raw.string());
  ASSERT_TRUE(cap.Start().ok());
  console.Push({"noise"});
  auto early = DrainUntil(cap, 5);
  ASSERT_EQ(early.size(), 1u);
  EXPECT_EQ(early[0].t, 0ns);  // before power-on

  cap.MarkPowerOn();
  console.Push({.bytes = "F0: 102B 0000\r\n", .advance = 30ms});
  console.Push({.bytes = "NOTICE:  BL2: v2.9\r\n", .advance = 400ms});
  auto chunks = DrainUntil(cap, 15 + 20);
  cap.Stop();
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].t, 30ms);
  EXPECT_EQ(chunks[1].t, 430ms);
  EXPECT_EQ(chunks[1].bytes, "NOTICE:  BL2: v2.9\r\n");
  EXPECT_EQ(ReadFile(raw), "noiseF0: 102B 0000\r\nNOTICE:  BL2: v2.9\r\n");
  EXPECT_EQ(cap.bytes_received(), 40u);
  EXPECT_TRUE(cap.Gaps().empty());
  EXPECT_TRUE(cap.raw_status().ok());
}

TEST(ConsoleCaptureTest, AFullDiskIsALabFailureAndTheCheckerStillGetsTheBytes) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  FakeConsole console;
  SteadyClock clock;
  ConsoleCapture cap(&console, &clock, "/dev/full");  // every write: ENOSPC
  ASSERT_TRUE(cap.Start().ok());
  console.Push({"NOTICE:  BL2\r\n"});
  console.Push({"NOTICE:  BL31\r\n"});
  auto chunks = DrainUntil(cap, 28);
  cap.Stop();
  EXPECT_EQ(Join(chunks), "NOTICE:  BL2\r\nNOTICE:  BL31\r\n");
  Status s = cap.raw_status();
  EXPECT_EQ(s.code(), Status::Code::kLabFailure);
  EXPECT_NE(s.message().find("No space left on device"), std::string::npos) << s.message();
}

TEST(ConsoleCaptureTest, BytesAlreadyOnTheirWayAreReadAtStop) {
  // The board printed up to its power cut; those bytes sit in the socket's
  // buffer when the run stops the capture. They were sent: keep them.
  FakeConsole console;
  SteadyClock clock;
  auto raw = RawPath();
  ConsoleCapture cap(&console, &clock, raw.string());
  ASSERT_TRUE(cap.Start().ok());
  for (int i = 0; i < 20; ++i) console.Push({"line " + std::to_string(i) + "\r\n"});
  cap.Stop();
  std::string want;
  for (int i = 0; i < 20; ++i) want += "line " + std::to_string(i) + "\r\n";
  EXPECT_EQ(ReadFile(raw), want);
  std::vector<CapturedChunk> chunks;
  cap.WaitForData(&chunks, 0ms);
  EXPECT_EQ(Join(chunks), want);
}

TEST(ConsoleCaptureTest, RawFileStopsAtItsCapTheCheckerStillGetsEverything) {
  FakeConsole console;
  ManualClock clock;
  auto raw = RawPath();
  ConsoleCaptureOptions options;
  options.max_raw_bytes = 10;
  ConsoleCapture cap(&console, &clock, raw.string(), options);
  ASSERT_TRUE(cap.Start().ok());
  console.Push({"0123456"});
  console.Push({"789abcdef"});
  console.Push({"ghij"});
  auto chunks = DrainUntil(cap, 20);
  cap.Stop();
  EXPECT_EQ(Join(chunks), "0123456789abcdefghij");
  EXPECT_EQ(ReadFile(raw), "0123456789");  // exactly the first 10 bytes, nothing after
  EXPECT_EQ(cap.raw_cap().admitted(), 10u);
  EXPECT_EQ(cap.raw_cap().dropped(), 10u);
  EXPECT_EQ(cap.raw_cap().Note("console.raw"),
            "console.raw capped at 10 bytes of console output (lab limits.console-log); the 10 bytes the "
            "board sent after that were not written");
  EXPECT_TRUE(cap.raw_status().ok());  // a cap is not a lab failure
}

TEST(ConsoleCaptureTest, VanishingConsoleIsReopenedGapRecordedNoByteLost) {
  FakeConsole console;
  ManualClock clock;
  console.set_clock(&clock);
  auto raw = RawPath();
  ConsoleCaptureOptions opt;
  opt.reopen_initial = 1ms;
  opt.reopen_max = 4ms;
  ConsoleCapture cap(&console, &clock, raw.string(), opt);
  ASSERT_TRUE(cap.Start().ok());
  cap.MarkPowerOn();
  console.Push({.bytes = "hello ", .advance = 1s});
  console.Push({.bytes = "partial ", .vanish = true, .open_failures = 3, .advance = 1s});
  console.Push({.bytes = "world", .advance = 2s});
  auto chunks = DrainUntil(cap, 19);
  WaitDrained(console);
  cap.Stop();
  EXPECT_EQ(Join(chunks), "hello partial world");
  EXPECT_EQ(ReadFile(raw), "hello partial world");
  EXPECT_EQ(console.opens(), 1 + 4);  // the first, three failures, the reopen
  auto gaps = cap.Gaps();
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].start, 2s);
  EXPECT_EQ(gaps[0].end, 2s);  // the manual clock did not move while closed
  EXPECT_EQ(gaps[0].reason, "fake: device vanished");
  EXPECT_EQ(chunks.back().t, 4s);
}

TEST(ConsoleCaptureTest, GapStillOpenAtStopIsClosed) {
  FakeConsole console;
  ManualClock clock;
  ConsoleCaptureOptions opt;
  opt.reopen_initial = 1ms;
  opt.reopen_max = 1s;
  ConsoleCapture cap(&console, &clock, "", opt);
  ASSERT_TRUE(cap.Start().ok());
  cap.MarkPowerOn();
  console.Push({.bytes = "x", .vanish = true, .open_failures = 1000000});
  DrainUntil(cap, 1);
  std::this_thread::sleep_for(20ms);  // now in back-off, up to 1 s
  clock.Advance(3s);
  auto t0 = std::chrono::steady_clock::now();
  cap.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 300ms);  // Stop interrupts the back-off
  auto gaps = cap.Gaps();
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].end, 3s);
}

TEST(ConsoleCaptureTest, QueueCapSkipsQueuedBytesButNeverRawBytes) {
  FakeConsole console;
  ManualClock clock;
  auto raw = RawPath();
  ConsoleCaptureOptions opt;
  opt.max_queued_bytes = 10;
  ConsoleCapture cap(&console, &clock, raw.string(), opt);
  ASSERT_TRUE(cap.Start().ok());
  console.Push({"0123456789"});
  console.Push({"abc"});  // over the cap: not queued
  WaitDrained(console);
  std::this_thread::sleep_for(10ms);
  std::vector<CapturedChunk> first;
  ASSERT_TRUE(cap.WaitForData(&first, 1s));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].bytes, "0123456789");
  console.Push({"xyz"});
  auto next = DrainUntil(cap, 3);
  cap.Stop();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].bytes, "xyz");
  EXPECT_EQ(next[0].lost_before, 3u);
  EXPECT_EQ(cap.bytes_lost_from_queue(), 3u);
  EXPECT_EQ(ReadFile(raw), "0123456789abcxyz");
}

TEST(ConsoleCaptureTest, StartFailsWhenConsoleCannotOpen) {
  FakeConsole console;
  console.set_open_failures(1);
  ManualClock clock;
  ConsoleCapture cap(&console, &clock, "");
  Status s = cap.Start();
  EXPECT_EQ(s.code(), Status::Code::kLabFailure);
  EXPECT_EQ(s.message(), "console fake: fake: no such device");
  std::vector<CapturedChunk> out;
  EXPECT_FALSE(cap.WaitForData(&out, 10ms));
}

TEST(ConsoleCaptureTest, UnwritableRawFileFailsStart) {
  FakeConsole console;
  ManualClock clock;
  ConsoleCapture cap(&console, &clock, "/nonexistent/dir/console.raw");
  Status s = cap.Start();
  EXPECT_EQ(s.code(), Status::Code::kLabFailure);
  EXPECT_NE(s.message().find("/nonexistent/dir/console.raw"), std::string::npos);
}

TEST(ConsoleCaptureTest, StopIsPromptWithRealClock) {
  FakeConsole console;
  SteadyClock clock;
  ConsoleCapture cap(&console, &clock, "");
  ASSERT_TRUE(cap.Start().ok());
  std::this_thread::sleep_for(20ms);
  auto t0 = std::chrono::steady_clock::now();
  cap.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 300ms);
  std::vector<CapturedChunk> out;
  EXPECT_FALSE(cap.WaitForData(&out, 1s));  // stopped and empty: at once
}

// A console whose Read blocks for its whole timeout unless interrupted, like
// a poll() on a quiet socket; bytes can be made to arrive later.
class BlockingConsole final : public Console {
 public:
  explicit BlockingConsole(Nanos lag) : lag_(lag) {}
  Status Open() override { return Status::Ok(); }
  Status Read(std::string* out, Nanos timeout) override {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [this] { return woken_ || !pending_.empty(); });
    woken_ = false;
    *out += pending_;
    pending_.clear();
    return Status::Ok();
  }
  Status Write(std::string_view) override { return Status::Ok(); }
  void Close() override {}
  void Interrupt() override {
    std::lock_guard lock(mu_);
    woken_ = true;
    cv_.notify_all();
  }
  Nanos DeliveryLag() const override { return lag_; }
  std::string Describe() const override { return "blocking fake"; }
  void Arrive(const std::string& bytes) {
    std::lock_guard lock(mu_);
    pending_ += bytes;
    cv_.notify_all();
  }

 private:
  Nanos lag_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
  std::string pending_;
};

TEST(ConsoleCaptureTest, StopInterruptsTheReadInsteadOfWaitingItOut) {
  BlockingConsole console(0ms);
  SteadyClock clock;
  ConsoleCaptureOptions options;
  options.read_timeout = 30s;  // without the wake-up, Stop would take this long
  ConsoleCapture cap(&console, &clock, "", options);
  ASSERT_TRUE(cap.Start().ok());
  console.Arrive("BPI-R4> ");
  std::vector<CapturedChunk> chunks = DrainUntil(cap, 8);
  auto t0 = std::chrono::steady_clock::now();
  cap.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_EQ(Join(chunks), "BPI-R4> ");
}

TEST(ConsoleCaptureTest, FinalDrainWaitsOutTheConsolesDeliveryLag) {
  // A USB adapter may hand over bytes the board sent before the power cut a
  // while after it: they arrive after Stop() began, within the lag.
  BlockingConsole console(800ms);
  SteadyClock clock;
  ConsoleCapture cap(&console, &clock, "");
  ASSERT_TRUE(cap.Start().ok());
  std::thread late([&] {
    std::this_thread::sleep_for(100ms);
    console.Arrive("late\r\n");
  });
  cap.Stop();  // its wake-up cuts the first drain read short: that is no quiet
  late.join();
  std::vector<CapturedChunk> chunks;
  cap.WaitForData(&chunks, 0ms);
  EXPECT_EQ(Join(chunks), "late\r\n");
}

TEST(ConsoleCaptureTest, FinalDrainOfALaglessConsoleEndsWhenNothingIsPending) {
  BlockingConsole console(0ms);
  SteadyClock clock;
  ConsoleCaptureOptions options;
  options.read_timeout = 30s;
  options.final_drain = 30s;
  ConsoleCapture cap(&console, &clock, "", options);
  ASSERT_TRUE(cap.Start().ok());
  std::this_thread::sleep_for(10ms);
  console.Arrive("pending at the power cut");
  auto t0 = std::chrono::steady_clock::now();
  cap.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  std::vector<CapturedChunk> chunks;
  cap.WaitForData(&chunks, 0ms);
  EXPECT_EQ(Join(chunks), "pending at the power cut");
}

TEST(ConsoleCaptureTest, WaitForPendingWakesOnArrivalAndLeavesTheChunks) {
  FakeConsole console;
  SteadyClock clock;
  ConsoleCapture cap(&console, &clock, "");
  ASSERT_TRUE(cap.Start().ok());
  EXPECT_FALSE(cap.WaitForPending(20ms));
  std::thread later([&] {
    std::this_thread::sleep_for(50ms);
    console.Push({"=> "});
  });
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(cap.WaitForPending(30s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  later.join();
  std::vector<CapturedChunk> chunks;
  EXPECT_TRUE(cap.WaitForData(&chunks, 0ms));
  EXPECT_EQ(Join(chunks), "=> ");
  cap.Stop();
  EXPECT_FALSE(cap.WaitForPending(30s));  // stopped and empty: at once
}

}  // namespace
}  // namespace hilt
