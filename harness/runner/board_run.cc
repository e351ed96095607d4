#include "harness/runner/board_run.h"

#include <cstdio>
#include <filesystem>

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
  SteadyClock clock;
  auto power = MakePowerSwitch(board, lab.timeouts, &clock);
  if (!power.ok()) return (*failed_step = "power", power.status());
  auto mux = MakeSdMux(board, lab.timeouts);
  if (!mux.ok()) return (*failed_step = "mux", mux.status());
  auto recorder = ReportRecorder::Create(options.run_dir, suite.name, lab.limits.console_log);
  if (!recorder.ok()) return (*failed_step = "reports", recorder.status());
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
