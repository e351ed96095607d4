// The run state machine: one board, one suite, from source to verdict.
//
//   services → build → image → power off → mux host → block device → flash →
//   power off → mux dut → console capture → power on → check → power off →
//   mux host → reports
//
// Whatever happens — a failed step, an exception, SIGINT/SIGTERM seen
// through the cancel flag — the cleanup runs: the board is powered off, the
// card goes back to the host, the console is drained into the logs and
// result.json says what happened. Lab faults are exit 3 with verdict
// "error", never 1: a board is only failed on what it printed.
#ifndef HILT_RUNNER_RUN_H_
#define HILT_RUNNER_RUN_H_

#include <atomic>
#include <chrono>
#include <ostream>
#include <string>

#include "harness/core/suite.h"
#include "harness/core/verdict.h"
#include "harness/devices/clock.h"
#include "harness/devices/power_switch.h"
#include "harness/devices/sd_mux.h"
#include "harness/runner/lab_config.h"
#include "harness/runner/run_parts.h"

namespace hilt {

struct RunRequest {
  const LabConfig* lab = nullptr;
  const BoardConfig* board = nullptr;
  const Suite* suite = nullptr;
  std::string run_dir;  // exists; every file of the run goes here
  const std::atomic<bool>* cancel = nullptr;
  std::ostream* progress = nullptr;  // one line per step for the person watching
  // Set when the board's last holder died without its cleanup (BoardLock::
  // stale_holder): the run first powers the board off and moves the card to
  // the host, before services' first use and the build, so a board a killed
  // run left powered is not left so for the length of a build.
  std::string recover_from;
  // How often the boot loop drains the console and ticks the checker; a
  // cancel is noticed within about this long.
  Nanos poll{std::chrono::milliseconds(20)};
};

struct RunDeps {
  Clock* clock = nullptr;
  PowerSwitch* power = nullptr;
  SdMux* mux = nullptr;
  LabSteps* steps = nullptr;
  RunRecorder* recorder = nullptr;
  ServiceSet* services = nullptr;  // may be null
};

struct RunResult {
  Verdict verdict;
  int exit_code = 3;
  std::string stopped_at;  // the step that failed; empty when the run completed
};

RunResult ExecuteRun(const RunRequest& request, const RunDeps& deps);

}  // namespace hilt

#endif  // HILT_RUNNER_RUN_H_
