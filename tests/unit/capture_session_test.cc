#include "harness/runner/capture_session.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/unit/fake_console.h"

namespace hilt {
namespace {

using namespace std::chrono_literals;

// The runner waits on the capture, not on a sleep: AwaitBytes returns as the
// bytes arrive, long before its timeout, and Drain then has them.
TEST(CaptureSessionTest, AwaitBytesReturnsWhenTheBoardPrints) {
  auto console = std::make_unique<FakeConsole>();
  FakeConsole* fake = console.get();
  SteadyClock clock;
  auto session = StartCaptureSession(std::move(console), &clock, "");
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  std::thread board([&] {
    std::this_thread::sleep_for(50ms);
    fake->Push({"=> "});
  });
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE((*session)->AwaitBytes(30s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  board.join();
  std::vector<StampedBytes> out;
  (*session)->Drain(&out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].bytes, "=> ");
  EXPECT_TRUE((*session)->Stop().ok());
}

}  // namespace
}  // namespace hilt
