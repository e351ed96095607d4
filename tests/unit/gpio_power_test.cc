#include "harness/devices/gpio_power.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "harness/devices/gpio_mux.h"

namespace hilt {
namespace {

using namespace std::chrono_literals;

// Records every level with the time it was set.
class FakeLine final : public GpioLine {
 public:
  struct Event {
    bool high;
    Nanos t;
  };
  FakeLine(Clock* clock, std::vector<Event>* events) : clock_(clock), events_(events) {}
  Status SetHigh(bool high) override {
    if (fail) return Status::LabFailure("fake line: EIO");
    events_->push_back({high, clock_->Now()});
    return Status::Ok();
  }
  std::string Describe() const override { return "fake line 3"; }
  bool fail = false;

 private:
  Clock* clock_;
  std::vector<Event>* events_;
};

TEST(GpioPowerTest, ActiveLowDrivesLowForOn) {
  ManualClock clock;
  std::vector<FakeLine::Event> events;
  GpioPower power(std::make_unique<FakeLine>(&clock, &events), {.active_low = true, .off_time = 0s}, &clock);
  EXPECT_TRUE(GpioPower::OffLevel(true));
  ASSERT_TRUE(power.On().ok());
  ASSERT_TRUE(power.Off().ok());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_FALSE(events[0].high);
  EXPECT_TRUE(events[1].high);
  EXPECT_EQ(power.Describe(), "gpio power fake line 3 active-low");
}

TEST(GpioPowerTest, ActiveHighDrivesHighForOn) {
  ManualClock clock;
  std::vector<FakeLine::Event> events;
  GpioPower power(std::make_unique<FakeLine>(&clock, &events), {.active_low = false, .off_time = 0s}, &clock);
  ASSERT_TRUE(power.On().ok());
  ASSERT_TRUE(power.Off().ok());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(events[0].high);
  EXPECT_FALSE(events[1].high);
}

TEST(GpioPowerTest, KeepsTheBoardOffForOffTimeBeforeOn) {
  ManualClock clock;
  std::vector<FakeLine::Event> events;
  GpioPower power(std::make_unique<FakeLine>(&clock, &events), {.active_low = false, .off_time = 2s}, &clock);
  ASSERT_TRUE(power.On().ok());  // off since construction at t=0
  EXPECT_EQ(events.back().t, 2s);
  clock.Advance(10s);
  ASSERT_TRUE(power.Off().ok());  // t=12
  clock.Advance(500ms);
  ASSERT_TRUE(power.On().ok());   // must wait until t=14
  EXPECT_EQ(events.back().t, 14s);
  ASSERT_TRUE(power.Off().ok());  // t=14
  clock.Advance(5s);
  ASSERT_TRUE(power.Off().ok());  // still off: the off time keeps counting from 14
  ASSERT_TRUE(power.On().ok());
  EXPECT_EQ(events.back().t, 19s);  // no extra wait
}

TEST(GpioPowerTest, LineFailureIsLabFailure) {
  ManualClock clock;
  std::vector<FakeLine::Event> events;
  auto line = std::make_unique<FakeLine>(&clock, &events);
  line->fail = true;
  GpioPower power(std::move(line), {.off_time = 0s}, &clock);
  Status s = power.On();
  EXPECT_EQ(s.code(), Status::Code::kLabFailure);
  EXPECT_EQ(s.message(), "power on: fake line: EIO");
}

TEST(GpioMuxTest, HostLevelIsConfigurable) {
  ManualClock clock;
  std::vector<FakeLine::Event> events;
  GpioMux mux(std::make_unique<FakeLine>(&clock, &events), /*host_high=*/false);
  ASSERT_TRUE(mux.Switch(MuxSide::kHost).ok());
  ASSERT_TRUE(mux.Switch(MuxSide::kDut).ok());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_FALSE(events[0].high);
  EXPECT_TRUE(events[1].high);
}

TEST(GpiodLineTest, MissingChipIsNotFound) {
  auto line = RequestGpioLine({.chip = "hilt-no-such-chip", .line = "3"});
  ASSERT_FALSE(line.ok());
  EXPECT_EQ(line.status().code(), Status::Code::kNotFound);
  EXPECT_NE(line.status().message().find("hilt-no-such-chip"), std::string::npos);
}

// The real libgpiod path needs a kernel GPIO chip (gpio-sim in CI kernels).
TEST(GpiodLineTest, RealChipRequestAndBusy) {
  bool any = false;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/dev", ec)) {
    any = any || e.path().filename().string().rfind("gpiochip", 0) == 0;
  }
  if (!any) GTEST_SKIP() << "no /dev/gpiochip*: kernel without gpio-sim";
  auto first = RequestGpioLine({.chip = "gpiochip0", .line = "0"});
  if (!first.ok()) GTEST_SKIP() << "gpiochip0 line 0 not usable here: " << first.status().ToString();
  ASSERT_TRUE((*first)->SetHigh(true).ok());
  auto second = RequestGpioLine({.chip = "gpiochip0", .line = "0"});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kLabFailure);
  EXPECT_NE(second.status().message().find("held by 'hilt'"), std::string::npos) << second.status().message();
}

}  // namespace
}  // namespace hilt
