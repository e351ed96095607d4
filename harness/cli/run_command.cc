// `hilt run --lab L --suite S`: the whole run for one board (run.h).
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "harness/cli/command_error.h"
#include "harness/cli/commands.h"
#include "harness/core/exit_code.h"
#include "harness/core/yaml_doc.h"
#include "harness/core/result_json.h"
#include "harness/core/suite_loader.h"
#include "harness/runner/board_run.h"
#include "harness/runner/drill_point.h"
#include "harness/runner/lab_session.h"
#include "harness/runner/run.h"
#include "harness/runner/history.h"
#include "harness/runner/run_epilogue.h"
#include "harness/runner/signals.h"

namespace hilt::cli {
namespace {

struct RunArgs {
  std::string lab;
  std::string suite;
  std::string out;
  std::string board;
  std::string type;           // first free board of this type
  std::string wait = "0s";
  std::string db;             // history database (default <state-dir>/history.sqlite)
  bool no_history = false;
  std::string firmware;       // revision recorded in the history and the report
  RegressionPolicy policy;
  bool bisect = false;        // exit 0 good, 1 bad, 125 build failed, 128 lab fault
  bool keep_image = false;    // keep sd.img in the run folder
};

// git bisect run: 0 good, 1-124 bad, 125 skip (this commit cannot be
// tested: its build or image failed), >127 abort (the lab is broken; going
// on would mark commits bad for the lab's faults).
int BisectExit(const RunResult& r) {
  if (r.exit_code == kExitPass || r.exit_code == kExitBoardFailed) return r.exit_code;
  if (r.stopped_at == "build" || r.stopped_at == "image") return kExitBisectSkip;
  return 128;
}

// For failures after the run folder exists but before the run starts: the
// folder still gets a result.json saying why.
int FailInRunDir(const Status& s, const std::string& run_dir, const std::string& suite, const std::string& step) {
  (void)WriteResultJson(run_dir + "/result.json", SetupFailure(s, step).verdict, suite);
  std::fprintf(stderr, "hilt run: %s\nhilt run: results in %s\n", s.message().c_str(), run_dir.c_str());
  return ExitCodeFor(s);
}

int Run(const RunArgs& args) {
  auto wait = ParseDuration(args.wait);
  if (!wait.ok()) return ReportFailure("run", wait.status().Prefixed("--wait"));
  auto suite = LoadSuiteFile(args.suite);
  if (!suite.ok()) return ReportFailure("run", suite.status());

  ScopedCancelOnSignals signals;
  std::atomic<bool>* cancel = CancelFlag();
  auto session = OpenLabSession(args.lab, BoardChoice{args.board, args.type}, *wait, cancel, &std::cerr);
  if (!session.ok()) return ReportFailure("run", session.status());
  DrillPoint("locked", cancel);
  const LabConfig& lab = (*session)->lab;
  const BoardConfig& board = *(*session)->board;

  std::string run_dir = args.out.empty()
      ? lab.state_dir + "/runs/" + board.name + "-" + suite->name + "-" + UtcStamp()
      : args.out;
  std::error_code ec;
  std::filesystem::create_directories(run_dir, ec);
  if (ec) return ReportFailure("run", Status::LabFailure("cannot create run folder " + run_dir + ": " + ec.message()));
  run_dir = std::filesystem::canonical(run_dir, ec).string();
  std::fprintf(stderr, "hilt: board %s, suite %s, run folder %s\n", board.name.c_str(), suite->name.c_str(),
               run_dir.c_str());

  BoardRunOptions options;
  options.run_dir = run_dir;
  options.cancel = cancel;
  options.progress = &std::cerr;
  options.recover_from = (*session)->recover_from;
  const int64_t started = static_cast<int64_t>(std::time(nullptr));
  std::string failed_step;
  auto ran = RunSuiteOnBoard(**session, *suite, options, &failed_step);
  if (!ran.ok()) return FailInRunDir(ran.status(), run_dir, suite->name, failed_step);
  const RunResult& result = *ran;
  EpilogueOptions epilogue;
  if (!args.no_history) epilogue.history_db = args.db.empty() ? DefaultHistoryPath(lab.state_dir) : args.db;
  epilogue.policy = args.policy;
  epilogue.board = board.name;
  epilogue.suite = suite->name;
  epilogue.firmware = args.firmware;
  epilogue.started_at = started;
  // result.json is written: a signal from here on no longer changes the
  // verdict; the history and report.html are finished quickly regardless.
  DrillPoint("epilogue", cancel);
  EpilogueResult after = FinishRunFolder(run_dir, result.verdict, epilogue);
  if (!args.keep_image) DropCardImage(run_dir);
  for (const Regression& r : after.regressions) {
    std::fprintf(stderr, "hilt: regression (%s): %s\n", r.kind.c_str(), r.message.c_str());
  }
  for (const std::string& w : after.warnings) std::fprintf(stderr, "hilt: warning: %s\n", w.c_str());
  std::fprintf(stderr, "hilt: results in %s\n", run_dir.c_str());
  return args.bisect ? BisectExit(result) : result.exit_code;
}

}  // namespace

void AddRunCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Build, image, flash, power-cycle and check one board against a suite.\n"
      "Steps: services, build, image, power off, mux to host, flash, mux to board, capture the\n"
      "console, power on, check; then always power off and mux back to the host. Writes\n"
      "console.raw, console.log, result.json, junit.xml, report.html, build.log, image.log and\n"
      "flash.log to the run folder (the card image sd.img only with --keep-image).\n"
      "Exit: 0 pass, 1 the board failed the suite, 2 bad usage/suite/lab config,\n"
      "3 the lab failed (build, power, mux, console, flash, a service, or SIGINT/SIGTERM).");
  cmd->add_option("--lab", args->lab, "lab config (e.g. lab/sim.yaml)")->required();
  cmd->add_option("--suite", args->suite, "suite YAML (e.g. suites/bpi-r4-sd-boot.yaml)")->required();
  cmd->add_option("--out", args->out,
                  "run folder (default <state-dir>/runs/<board>-<suite>-<UTC time>)");
  CLI::Option* board = cmd->add_option("--board", args->board, "board of the lab (default: its only board)");
  cmd->add_option("--type", args->type,
                  "the first free board of this type (e.g. bpi-r4), tried in the lab config's order")
      ->excludes(board);
  cmd->add_option("--wait", args->wait,
                  "wait this long for a busy board, or with --type for any board of the type to\n"
                  "free up (e.g. 10m), instead of failing at once");
  cmd->add_option("--db", args->db, "run history database (default <state-dir>/history.sqlite)");
  cmd->add_flag("--no-history", args->no_history, "do not record the run in the history");
  cmd->add_option("--firmware", args->firmware,
                  "firmware revision to record with the run (e.g. $(git describe --always))");
  cmd->add_option("--regression-k", args->policy.k,
                  "slow-stage flag above median + K*MAD of recent passing runs (default 4)");
  cmd->add_option("--regression-window", args->policy.window,
                  "passing runs in the regression baseline (default 20)");
  cmd->add_option("--regression-min-samples", args->policy.min_samples,
                  "judge slow stages only with this many baseline runs (default 5)");
  cmd->add_flag("--keep-image", args->keep_image,
                "keep the card image sd.img (sparse, 4000 MiB apparent) in the run folder");
  cmd->add_flag("--bisect", args->bisect,
                "exit for git bisect run: 0 good, 1 bad, 125 build or image failed (skip), "
                "128 the lab failed (abort)");
  cmd->callback([args, exit_code] {
    const int rc = Run(*args);
    // Under --bisect only good, bad and skip may reach git; anything else
    // (bad usage, a lab fault before the run) aborts the bisection.
    *exit_code = !args->bisect || rc == kExitPass || rc == kExitBoardFailed ||
                         rc == kExitBisectSkip ? rc : 128;
  });
}

}  // namespace hilt::cli
