#include "harness/runner/board_run.h"

#include <cstdio>
#include <filesystem>

#include "harness/core/exit_code.h"
#include "harness/devices/clock.h"
#include "harness/runner/build_lock.h"
#include "harness/runner/device_factory.h"
#include "harness/runner/lab_services.h"
#include "harness/runner/real_parts.h"
#include "harness/runner/report_recorder.h"

namespace hilt {

StatusOr<RunResult> RunSuiteOnBoard(const LabSession& session, const Suite& suite,
                                    const BoardRunOptions& options, std::string* failed_step) {
  const LabConfig& lab = session.lab;
  const BoardConfig& board = *session.board;
  auto fail = [failed_step](const char* step, const Status& status) {
    *failed_step = step;
    return status;
  };
  SteadyClock clock;
  auto power = MakePowerSwitch(board, lab.timeouts, &clock);
  if (!power.ok()) return fail("power", power.status());
  auto mux = MakeSdMux(board, lab.timeouts);
  if (!mux.ok()) return fail("mux", mux.status());
  auto recorder = ReportRecorder::Create(options.run_dir, suite.name, lab.limits.console_log);
  if (!recorder.ok()) return fail("reports", recorder.status());
  RealLabSteps real_steps(&lab, &board, &clock, options.run_dir);
  // Runs of one lab share ${BUILD_DIR}: they build and image one at a time.
  BuildLockedSteps steps(&real_steps, lab.state_dir + "/build.lock", options.progress);
  LabServices services(board.services, options.run_dir + "/services.log");

  RunRequest req;
  req.lab = &lab;
  req.board = &board;
  req.suite = &suite;
  req.run_dir = options.run_dir;
  req.cancel = options.cancel;
  req.progress = options.progress;
  req.recover_from = options.recover_from;
  RunDeps deps{&clock, power->get(), mux->get(), &steps, recorder->get(),
               board.services.empty() ? nullptr : &services};
  return ExecuteRun(req, deps);
}

RunResult SetupFailure(const Status& status, const std::string& step) {
  RunResult failed;
  failed.verdict.outcome = Outcome::kError;
  failed.verdict.failed_stage = step;
  failed.verdict.reason = status.message();
  failed.verdict.infra_errors.push_back(step + ": " + status.message());
  failed.exit_code = ExitCodeFor(status);
  failed.stopped_at = step;
  return failed;
}

void DropCardImage(const std::string& run_dir) {
  const std::string image = run_dir + "/sd.img";
  std::error_code ec;
  if (!std::filesystem::remove(image, ec) || ec) return;
  std::FILE* log = std::fopen((run_dir + "/image.log").c_str(), "a");
  if (!log) return;
  std::fprintf(log, "sd.img removed after the run (--keep-image keeps it)\n");
  std::fclose(log);
}

}  // namespace hilt
