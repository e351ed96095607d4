// Time in hilt: nanoseconds since a run's origin (power-on in live runs, the
// first byte in replays of untimed logs). A plain duration, so arithmetic and
// comparisons need no conversions and a manual clock can drive tests.
#ifndef HILT_CORE_TIMESTAMP_H_
#define HILT_CORE_TIMESTAMP_H_

#include <chrono>

namespace hilt {

using Nanos = std::chrono::nanoseconds;

inline double ToSeconds(Nanos t) { return std::chrono::duration<double>(t).count(); }

}  // namespace hilt

#endif  // HILT_CORE_TIMESTAMP_H_
