// One run of a suite on a locked board of a real lab: what `hilt run` and
// each run of `hilt repro` do between taking the board and writing the run
// folder's epilogue, so that both build under the lab's build lock, start
// the board's services and drive the same devices in the same order.
#ifndef HILT_RUNNER_BOARD_RUN_H_
#define HILT_RUNNER_BOARD_RUN_H_

#include <atomic>
#include <ostream>
#include <string>

#include "harness/core/status.h"
#include "harness/core/suite.h"
#include "harness/runner/lab_session.h"
#include "harness/runner/run.h"

namespace hilt {

struct BoardRunOptions {
  std::string run_dir;
  const std::atomic<bool>* cancel = nullptr;
  std::ostream* progress = nullptr;   // step lines and waits for the build lock; may be null
  std::string recover_from;           // the session's note of a dead holder (lab_session.h)
};

// Makes the board's power switch, mux, report recorder and lab steps and
// runs `suite` (ExecuteRun). A device that cannot even be made is an error
// before anything was touched; `*failed_step` ("power", "mux", "reports")
// then says which.
StatusOr<RunResult> RunSuiteOnBoard(const LabSession& session, const Suite& suite,
                                    const BoardRunOptions& options, std::string* failed_step);

// The result of a run that could not start: verdict error at `step`,
// naming why (result.json's reason and infra_errors), exit code of its class.
RunResult SetupFailure(const Status& status, const std::string& step);

// The card image is written to the board before the boot and needed by
// nothing after it: replay and repro read the console, history the results,
// and image.log names every part with its sha256. Though sparse (~1 MB on
// disk), it is 4000 MiB to any tool that does not know holes: a CI artifact
// upload, a plain cp, a zip. So a run folder does not keep it by default:
// this removes <run_dir>/sd.img and says so in image.log.
void DropCardImage(const std::string& run_dir);

}  // namespace hilt

#endif  // HILT_RUNNER_BOARD_RUN_H_
