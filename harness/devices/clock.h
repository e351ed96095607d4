// Clock: where the runner and the devices get time from, so tests can drive
// time by hand instead of sleeping.
#ifndef HILT_DEVICES_CLOCK_H_
#define HILT_DEVICES_CLOCK_H_

#include <mutex>

#include "harness/core/timestamp.h"

namespace hilt {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time; only differences are meaningful.
  virtual Nanos Now() const = 0;
  virtual void SleepFor(Nanos d) = 0;
};

// The real one: std::chrono::steady_clock.
class SteadyClock final : public Clock {
 public:
  Nanos Now() const override;
  void SleepFor(Nanos d) override;
};

// For tests: time moves only when told to; SleepFor advances it at once.
class ManualClock final : public Clock {
 public:
  Nanos Now() const override {
    std::lock_guard lock(mu_);
    return now_;
  }
  void SleepFor(Nanos d) override { Advance(d); }
  void Advance(Nanos d) {
    std::lock_guard lock(mu_);
    now_ += d;
  }

 private:
  mutable std::mutex mu_;
  Nanos now_{0};
};

}  // namespace hilt

#endif  // HILT_DEVICES_CLOCK_H_
