#include "harness/devices/console_typer.h"

#include <gtest/gtest.h>

#include "tests/unit/fake_console.h"

namespace hilt {
namespace {

using namespace std::chrono_literals;

TEST(ConsoleTyperTest, SendsInChunksAndWaitsForEchoes) {
  FakeConsole console;
  console.set_echo(true);
  ManualClock clock;
  ConsoleCapture cap(&console, &clock, "");
  ASSERT_TRUE(cap.Start().ok());
  SteadyClock steady;
  ConsoleTyper typer(&console, &cap, &steady);
  std::vector<CapturedChunk> drained;
  const std::string line = "setenv bootcmd 'mmc dev 0; load mmc 0:5 0x46000000 fitImage'";
  Status s = typer.TypeLine(line, &drained);
  cap.Stop();
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto writes = console.writes();
  ASSERT_EQ(writes.size(), (line.size() + 15) / 16 + 1);
  for (size_t i = 0; i + 1 < writes.size(); ++i) EXPECT_EQ(writes[i], line.substr(i * 16, 16));
  EXPECT_EQ(writes.back(), "\n");
  std::string seen;
  for (const auto& c : drained) seen += c.bytes;
  EXPECT_EQ(seen, line);  // the echoes, handed back for the checker
}

// Echoes only what it is told to, then nothing: time moves on a manual clock.
class StingySource final : public ChunkSource {
 public:
  StingySource(ManualClock* clock, std::vector<std::string> echoes) : clock_(clock), echoes_(std::move(echoes)) {}
  bool WaitForData(std::vector<CapturedChunk>* out, Nanos timeout) override {
    if (next_ < echoes_.size()) {
      out->push_back(CapturedChunk{clock_->Now(), echoes_[next_++]});
      return true;
    }
    clock_->Advance(timeout);
    return false;
  }

 private:
  ManualClock* clock_;
  std::vector<std::string> echoes_;
  size_t next_ = 0;
};

TEST(ConsoleTyperTest, StopsAtTheFirstMissingEchoWithoutSendingMore) {
  FakeConsole console;
  ASSERT_TRUE(console.Open().ok());
  ManualClock clock;
  // The board echoes the first chunk split in two reads with noise, then hangs.
  StingySource source(&clock, {"\r\nBPI-R4> print", "env bootcm"});
  ConsoleTyper typer(&console, &source, &clock, TyperOptions{.chunk_bytes = 8});
  std::vector<CapturedChunk> drained;
  Status s = typer.TypeLine("printenv bootcmd", &drained);
  EXPECT_EQ(s.code(), Status::Code::kTimeout);
  EXPECT_NE(s.message().find("no echo of ' bootcmd'"), std::string::npos) << s.message();
  EXPECT_EQ(console.written(), "printenv bootcmd");  // no newline after a lost echo
  EXPECT_EQ(drained.size(), 2u);
}

TEST(ConsoleTyperTest, NoEchoAtAllTimesOutOnFirstChunk) {
  FakeConsole console;
  ASSERT_TRUE(console.Open().ok());
  ManualClock clock;
  StingySource source(&clock, {});
  ConsoleTyper typer(&console, &source, &clock);
  std::vector<CapturedChunk> drained;
  Status s = typer.TypeLine("version and more than sixteen", &drained);
  EXPECT_EQ(s.code(), Status::Code::kTimeout);
  EXPECT_EQ(console.written(), "version and more");
  EXPECT_EQ(clock.Now(), 2s);
}

TEST(ConsoleTyperTest, WriteFailureIsLabFailure) {
  FakeConsole console;  // never opened: writes fail
  ManualClock clock;
  StingySource source(&clock, {});
  ConsoleTyper typer(&console, &source, &clock);
  std::vector<CapturedChunk> drained;
  EXPECT_EQ(typer.TypeLine("x", &drained).code(), Status::Code::kLabFailure);
}

}  // namespace
}  // namespace hilt
