// A TEST HOOK for the failure drills (tests/integration/drills_*_test.sh),
// inert unless the environment asks for it. It lets a drill stop `hilt run`
// in a named state and know it is there before it sends a signal, instead
// of sleeping and hoping.
//
//   HILT_TEST_PAUSE_AT=<point>    the point to pause at (first time only)
//   HILT_TEST_PAUSE_FILE=<path>   hilt writes "<point> <pid>\n" here, then
//                                 waits until the file is removed, the run
//                                 is cancelled (SIGINT/SIGTERM) or 60 s pass
//
// Points (in run order): locked, services, build, image, power-off,
// mux-host, block-device, flash, flash-write (after the first chunk),
// mux-dut, checker, console, power-on, boot, typing, cleanup, reports,
// epilogue. Unset (every real run), DrillPoint costs one getenv.
#ifndef HILT_RUNNER_DRILL_POINT_H_
#define HILT_RUNNER_DRILL_POINT_H_

#include <atomic>
#include <string_view>

namespace hilt {

void DrillPoint(std::string_view point, const std::atomic<bool>* cancel);

}  // namespace hilt

#endif  // HILT_RUNNER_DRILL_POINT_H_
