// `hilt repro --lab L --suite S [--runs N]`: runs a suite on one board again
// and again until the board fails or N runs passed, then prints the flake
// rate with its 95 % Wilson interval and each stage's time spread. The
// failing run's folder is kept; passing runs' folders are removed unless
// --keep-all. The board stays locked for the whole series.
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "harness/cli/command_error.h"
#include "harness/cli/commands.h"
#include "harness/core/exit_code.h"
#include "harness/core/repro_stats.h"
#include "harness/core/yaml_doc.h"
#include "harness/core/suite_loader.h"
#include "harness/runner/board_run.h"
#include "harness/runner/history.h"
#include "harness/runner/lab_session.h"
#include "harness/runner/run_epilogue.h"
#include "harness/runner/signals.h"

namespace hilt::cli {
namespace {

namespace fs = std::filesystem;

struct ReproArgs {
  std::string lab;
  std::string suite;
  std::string board;
  std::string type;           // first free board of this type
  std::string wait = "0s";
  std::string out;
  std::string db;
  std::string firmware;
  int runs = 20;
  bool keep_all = false;
  bool no_history = false;
  bool keep_image = false;    // keep sd.img in the kept run folders
};

// One run of the series in `run_dir`; the verdict and exit code of hilt run.
RunResult OneRun(const LabSession& session, const Suite& suite, const std::string& run_dir,
                 const std::atomic<bool>* cancel) {
  BoardRunOptions options;
  options.run_dir = run_dir;
  options.cancel = cancel;
  options.recover_from = session.recover_from;
  std::string step;
  auto ran = RunSuiteOnBoard(session, suite, options, &step);
  return ran.ok() ? *ran : SetupFailure(ran.status(), step);
}

int Repro(const ReproArgs& args) {
  auto wait = ParseDuration(args.wait);
  if (!wait.ok()) return ReportFailure("repro", wait.status().Prefixed("--wait"));
  auto suite = LoadSuiteFile(args.suite);
  if (!suite.ok()) return ReportFailure("repro", suite.status());
  ScopedCancelOnSignals signals;
  std::atomic<bool>* cancel = CancelFlag();
  auto session = OpenLabSession(args.lab, BoardChoice{args.board, args.type}, *wait, cancel, &std::cerr);
  if (!session.ok()) return ReportFailure("repro", session.status());
  const LabConfig& lab = (*session)->lab;
  const BoardConfig& board = *(*session)->board;
  const std::string base = args.out.empty()
      ? lab.state_dir + "/repro/" + board.name + "-" + suite->name + "-" + UtcStamp()
      : args.out;
  std::error_code ec;
  fs::create_directories(base, ec);
  if (ec) return ReportFailure("repro", Status::LabFailure("cannot create " + base + ": " + ec.message()));
  std::fprintf(stderr, "hilt repro: board %s, suite %s, up to %d runs in %s\n", board.name.c_str(),
               suite->name.c_str(), args.runs, base.c_str());

  ReproStats stats;
  int exit_code = kExitPass;
  std::string kept;
  for (int i = 1; i <= args.runs && !cancel->load(); ++i) {
    const std::string run_dir = fmt::format("{}/run-{:03}", base, i);
    fs::create_directories(run_dir, ec);
    const int64_t started = static_cast<int64_t>(std::time(nullptr));
    RunResult result = OneRun(**session, *suite, run_dir, cancel);
    EpilogueOptions epilogue;
    if (!args.no_history) epilogue.history_db = args.db.empty() ? DefaultHistoryPath(lab.state_dir) : args.db;
    epilogue.board = board.name;
    epilogue.suite = suite->name;
    epilogue.firmware = args.firmware;
    epilogue.started_at = started;
    const EpilogueResult after = FinishRunFolder(run_dir, result.verdict, epilogue);
    if (!args.keep_image) DropCardImage(run_dir);
    for (const std::string& w : after.warnings) {
      std::fprintf(stderr, "hilt repro: warning: %s\n", w.c_str());
    }
    stats.Add(result.verdict);
    const Verdict& v = result.verdict;
    std::printf("run %d: %s%s%s\n", i, OutcomeName(v.outcome),
                v.failed_stage.empty() ? "" : (" at " + v.failed_stage).c_str(),
                v.total ? fmt::format(" ({:.3f}s)", ToSeconds(*v.total)).c_str() : "");
    std::fflush(stdout);
    if (v.outcome == Outcome::kPass) {
      if (!args.keep_all) fs::remove_all(run_dir, ec);
      continue;
    }
    kept = run_dir;
    exit_code = result.exit_code;
    break;
  }
  std::printf("%s", stats.Summary().c_str());
  if (!kept.empty()) std::printf("failing run kept in %s\n", kept.c_str());
  if (cancel->load() && exit_code == kExitPass) exit_code = kExitLabFailed;
  return exit_code;
}

}  // namespace

void AddReproCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ReproArgs>();
  CLI::App* cmd = app.add_subcommand(
      "repro",
      "Run a suite on one board until it fails or --runs runs passed, to reproduce a flaky\n"
      "boot. Prints each run's verdict, then the flake rate with its 95% Wilson interval\n"
      "(lab errors are not counted) and each stage's min/median/max time. The failing run's\n"
      "folder is kept; passing runs' folders are removed unless --keep-all.\n"
      "Exit: 0 no failure in N runs, 1 the board failed, 2 bad usage, 3 the lab failed.");
  cmd->add_option("--lab", args->lab, "lab config")->required();
  cmd->add_option("--suite", args->suite, "suite YAML")->required();
  cmd->add_option("--runs,-n", args->runs, "at most this many runs (default 20)")
      ->check(CLI::Range(1, 100000));
  CLI::Option* board = cmd->add_option("--board", args->board, "board of the lab (default: its only board)");
  cmd->add_option("--type", args->type,
                  "the first free board of this type, tried in the lab config's order; the\n"
                  "whole series runs on it")
      ->excludes(board);
  cmd->add_option("--wait", args->wait,
                  "wait this long for a busy board (with --type: for any board of the type)");
  cmd->add_option("--out", args->out,
                  "folder of the run folders (default <state-dir>/repro/<board>-<suite>-<time>)");
  cmd->add_option("--db", args->db, "history database (default <state-dir>/history.sqlite)");
  cmd->add_flag("--no-history", args->no_history, "do not record the runs in the history");
  cmd->add_option("--firmware", args->firmware, "firmware revision to record (e.g. git describe)");
  cmd->add_flag("--keep-all", args->keep_all, "keep the passing runs' folders too");
  cmd->add_flag("--keep-image", args->keep_image, "keep the card image sd.img in the kept run folders");
  cmd->callback([args, exit_code] { *exit_code = Repro(*args); });
}

}  // namespace hilt::cli
