#include "harness/devices/clock.h"

#include <chrono>
#include <thread>

namespace hilt {

Nanos SteadyClock::Now() const {
  return std::chrono::duration_cast<Nanos>(std::chrono::steady_clock::now().time_since_epoch());
}

void SteadyClock::SleepFor(Nanos d) { std::this_thread::sleep_for(d); }

}  // namespace hilt
