// Time in hilt: nanoseconds since a run's origin (power-on in live runs, the
// first byte in replays of untimed logs). A plain duration, so arithmetic and
// comparisons need no conversions and a manual clock can drive tests.
#ifndef HILT_CORE_TIMESTAMP_H_
#define HILT_CORE_TIMESTAMP_H_

#include <chrono>
#include <ctime>
#include <string>

namespace hilt {

using Nanos = std::chrono::nanoseconds;

inline double ToSeconds(Nanos t) { return std::chrono::duration<double>(t).count(); }

// Wall-clock `t` in UTC with a strftime `format` (names of run folders, lock
// notes, history tables): one place for the gmtime_r/strftime dance.
inline std::string FormatUtc(std::time_t t, const char* format) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

}  // namespace hilt

#endif  // HILT_CORE_TIMESTAMP_H_
