// The run's console (ConsoleSession) on the devices' ConsoleCapture and
// ConsoleTyper: capture from before power-on, paced typing against echoes,
// and a console that stays away too long reported as a lab failure.
#ifndef HILT_RUNNER_CAPTURE_SESSION_H_
#define HILT_RUNNER_CAPTURE_SESSION_H_

#include <memory>
#include <string>

#include "harness/devices/clock.h"
#include "harness/devices/console.h"
#include "harness/runner/run_parts.h"

namespace hilt {

// Opens `console` and starts capturing into `raw_path` (console.raw), which
// takes at most `raw_cap` bytes (0: no cap). The console's own error when it
// cannot be opened: before the board is powered.
StatusOr<std::unique_ptr<ConsoleSession>> StartCaptureSession(std::unique_ptr<Console> console,
                                                             Clock* clock, const std::string& raw_path,
                                                             uint64_t raw_cap = 0);

}  // namespace hilt

#endif  // HILT_RUNNER_CAPTURE_SESSION_H_
