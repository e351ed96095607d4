// `hilt history`: past runs from the SQLite run history (history.h).
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/cli/commands.h"
#include "harness/core/exit_code.h"
#include "harness/core/log_text.h"
#include "harness/core/timestamp.h"
#include "harness/runner/history.h"
#include "harness/runner/lab_config.h"

namespace hilt::cli {
namespace {

using nlohmann::json;

struct HistoryArgs {
  std::string db;
  std::string lab;
  std::string board;
  std::string suite;
  double days = 0;
  int limit = 50;
  bool as_json = false;
};

std::string UtcTime(int64_t unix_seconds) {
  return FormatUtc(static_cast<std::time_t>(unix_seconds), "%Y-%m-%d %H:%M:%SZ");
}

// Board, suite and firmware names come from lab configs and suites; keep
// the terminal safe whatever they hold.
std::string Safe(const std::string& s) { return PrintableExcerpt(s, 60); }

std::string Secs(const std::optional<double>& s) { return s ? fmt::format("{:.3f}", *s) : "-"; }

StatusOr<std::string> DbPath(const HistoryArgs& args) {
  if (!args.db.empty()) return args.db;
  if (!args.lab.empty()) {
    StatusOr<LabConfig> lab = LoadLabConfigFile(args.lab);
    if (!lab.ok()) return lab.status();
    return DefaultHistoryPath(lab->state_dir);
  }
  if (const char* state = std::getenv("HILT_STATE_DIR"); state && *state) {
    return DefaultHistoryPath(state);
  }
  return Status::InvalidInput(
      "no history database: give --lab LAB (its <state-dir>/history.sqlite), --db FILE, or "
      "set HILT_STATE_DIR");
}

json ToJson(const HistoryRecord& r) {
  json stages = json::array();
  for (const StageTime& s : r.stages) {
    stages.push_back({{"name", s.stage}, {"status", s.status},
                      {"t", s.t ? json(*s.t) : json(nullptr)},
                      {"duration", s.duration ? json(*s.duration) : json(nullptr)}});
  }
  return {{"id", r.id},
          {"started_at", UtcTime(r.started_at)},
          {"board", r.board},
          {"suite", r.suite},
          {"firmware", r.firmware},
          {"verdict", r.verdict},
          {"failed_stage", r.failed_stage.empty() ? json(nullptr) : json(r.failed_stage)},
          {"reason", r.reason},
          {"total", r.total ? json(*r.total) : json(nullptr)},
          {"run_dir", r.run_dir},
          {"stages", std::move(stages)},
          {"regressions", json::parse(RegressionsToJson(r.regressions))}};
}

void PrintTable(const std::vector<HistoryRecord>& runs) {
  if (runs.empty()) {
    std::cout << "no runs\n";
    return;
  }
  std::cout << fmt::format("{:>5}  {:<20}  {:<12}  {:<18}  {:<12}  {:<7}  {:<10}  {:>8}  {}\n",
                           "id", "time (UTC)", "board", "suite", "firmware", "verdict",
                           "failed", "total", "stages (s)");
  for (const HistoryRecord& r : runs) {
    std::string stages;
    for (const StageTime& s : r.stages) {
      if (!stages.empty()) stages += " ";
      stages += Safe(s.stage) + "=" + (s.duration ? fmt::format("{:.3f}", *s.duration) : "-");
    }
    std::string flags;
    for (const Regression& g : r.regressions) flags += " [" + g.kind + " " + Safe(g.stage) + "]";
    std::cout << fmt::format("{:>5}  {:<20}  {:<12}  {:<18}  {:<12}  {:<7}  {:<10}  {:>8}  {}{}\n",
                             r.id, UtcTime(r.started_at), Safe(r.board), Safe(r.suite),
                             r.firmware.empty() ? "-" : Safe(r.firmware), r.verdict,
                             r.failed_stage.empty() ? "-" : Safe(r.failed_stage), Secs(r.total),
                             stages, flags);
  }
}

Status RunHistory(const HistoryArgs& args) {
  StatusOr<std::string> path = DbPath(args);
  if (!path.ok()) return path.status();
  auto history = History::OpenReadOnly(*path);
  if (!history.ok()) return history.status();
  HistoryQuery query;
  query.board = args.board;
  query.suite = args.suite;
  query.limit = args.limit;
  if (args.days > 0) query.since = static_cast<int64_t>(std::time(nullptr) - args.days * 86400);
  auto runs = (*history)->Query(query);
  if (!runs.ok()) return runs.status();
  if (args.as_json) {
    json out = json::array();
    for (const HistoryRecord& r : *runs) out.push_back(ToJson(r));
    std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  } else {
    PrintTable(*runs);
  }
  return Status::Ok();
}

}  // namespace

void AddHistoryCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<HistoryArgs>();
  CLI::App* cmd = app.add_subcommand(
      "history",
      "List past runs from a lab's run history (SQLite), newest first: time, board, suite,\n"
      "firmware, verdict, failed stage, total and per-stage times, and the regressions\n"
      "flagged when each run was recorded (slow-stage, new-failure). The database is\n"
      "<state-dir>/history.sqlite of the lab: give --lab, or --db, or set HILT_STATE_DIR.\n"
      "Exit: 0, or 2 for bad usage or a missing database, 3 if it cannot be read.");
  cmd->add_option("--db", args->db, "history database (overrides --lab)");
  cmd->add_option("--lab", args->lab,
                  "lab config: its <state-dir>/history.sqlite (default $HILT_STATE_DIR/history.sqlite)");
  cmd->add_option("--board", args->board, "only this board");
  cmd->add_option("--suite", args->suite, "only this suite (its name, as in result.json)");
  cmd->add_option("--days", args->days, "only runs started in the last N days")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--limit", args->limit, "at most N runs (default 50)")
      ->check(CLI::Range(1, 1000000));
  cmd->add_flag("--json", args->as_json, "print a JSON array instead of a table");
  cmd->callback([args, exit_code] {
    Status status = RunHistory(*args);
    if (!status.ok()) {
      std::cerr << "hilt history: " << status.message() << "\n";
      *exit_code = ExitCodeFor(status);
    }
  });
}

}  // namespace hilt::cli
