#include "fixtures/sim/uart_pacer.h"

#include <gtest/gtest.h>

namespace hilt::sim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(SimUartPacerTest, SendsAtTheBaudRate) {
  UartPacer p(115200, 1);  // 86.8 us a byte
  std::string out;
  p.Advance(Nanos{0}, &out);
  p.Text(std::string(100, 'x'));
  p.Advance(microseconds(868), &out);
  EXPECT_EQ(out.size(), 9u);  // 868 us / 86.8 us, rounded down
  p.Advance(milliseconds(100), &out);
  EXPECT_EQ(out.size(), 100u);
  EXPECT_TRUE(p.Idle());
}

TEST(SimUartPacerTest, SpeedupDividesPausesAndByteTime) {
  UartPacer p(115200, 10);
  std::string out;
  p.Pause(milliseconds(1000));
  p.Text("ab");
  p.Advance(milliseconds(99), &out);
  EXPECT_EQ(out, "");
  EXPECT_EQ(p.NextDeadline(), milliseconds(100));
  p.Advance(milliseconds(101), &out);
  EXPECT_EQ(out, "ab");
}

TEST(SimUartPacerTest, ActionsRunInOrderAndMayQueueMore) {
  UartPacer p(115200, 1000);
  std::string out;
  p.Text("a");
  p.Then([&] { p.Text("c"); });
  p.Text("b");
  p.Advance(milliseconds(1), &out);
  EXPECT_EQ(out, "abc");
}

TEST(SimUartPacerTest, ClearDropsTheRestOfALine) {
  UartPacer p(115200, 1);
  std::string out;
  p.Text("0123456789");
  p.Advance(microseconds(87 * 3), &out);
  EXPECT_EQ(out, "012");
  p.Clear();
  p.Advance(milliseconds(10), &out);
  EXPECT_EQ(out, "012");
  EXPECT_FALSE(p.NextDeadline().has_value());
}

TEST(SimUartPacerTest, AnIdleLineStartsAtTheLatestTime) {
  UartPacer p(115200, 1);
  std::string out;
  p.Advance(milliseconds(500), &out);
  p.Text("xy");
  p.Advance(milliseconds(500), &out);
  EXPECT_EQ(out, "");  // not sent back in the past
  p.Advance(milliseconds(500) + microseconds(200), &out);
  EXPECT_EQ(out, "xy");
}

}  // namespace
}  // namespace hilt::sim
