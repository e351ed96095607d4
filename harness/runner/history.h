// The run history: every run of a lab in one SQLite file (by default
// <state-dir>/history.sqlite), so nightly regressions show up and `hilt
// history` can list past runs.
//
// Several boards of a lab finish at once, each in its own hilt process: the
// database is in WAL mode with a busy timeout, and each run is judged and
// inserted in one BEGIN IMMEDIATE transaction (retried while another writer
// holds the lock), so no row is lost and each run is judged against a
// consistent past. A history that cannot be written (corrupt file, locked
// for longer than the timeout, read-only folder) is an error the caller
// reports as a warning: the run's own files are already written.
//
// Schema (user_version 1):
//   runs(id, started_at, board, suite, firmware, verdict, failed_stage,
//        reason, total, run_dir, regressions JSON)
//   stage_times(run_id, position, stage, status, t, duration)
#ifndef HILT_RUNNER_HISTORY_H_
#define HILT_RUNNER_HISTORY_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/status.h"
#include "harness/core/timestamp.h"
#include "harness/core/verdict.h"
#include "harness/runner/regression_detect.h"

struct sqlite3;

namespace hilt {

// <state_dir>/history.sqlite
std::string DefaultHistoryPath(const std::string& state_dir);

// The row for a finished run. `started_at`: Unix seconds.
HistoryRecord RecordFromVerdict(const Verdict& verdict, const std::string& board,
                                const std::string& suite, const std::string& firmware,
                                const std::string& run_dir, int64_t started_at);

// The regression flags as the JSON array result.json and --json carry:
// [{"kind", "stage", "message", "seconds", "median", "mad", "threshold",
//   "samples"} | {"kind": "new-failure", "stage", "message", "previous_run_id"}]
std::string RegressionsToJson(const Regressions& regressions);

// Adds "regressions" (and, when there are any, appends to "warnings") to an
// existing result.json, rewriting it atomically.
Status AnnotateResultJson(const std::string& path, const Regressions& regressions,
                          const std::vector<std::string>& warnings);

struct HistoryQuery {
  std::string board;         // empty: any
  std::string suite;         // empty: any
  std::optional<int64_t> since;  // Unix seconds; none: any time
  int limit = 50;            // newest first
};

class History {
 public:
  // Opens (creating if needed) the database at `path`. LabFailure naming the
  // file when it is not a database, is corrupt, or stays locked.
  static StatusOr<std::unique_ptr<History>> Open(const std::string& path,
                                                 Nanos busy_timeout = std::chrono::seconds(15));
  // Opens an existing database read-only (for `hilt history`); NotFound if
  // it does not exist.
  static StatusOr<std::unique_ptr<History>> OpenReadOnly(const std::string& path,
                                                         Nanos busy_timeout = std::chrono::seconds(15));
  ~History();
  History(const History&) = delete;
  History& operator=(const History&) = delete;

  // Judges `run` against the earlier runs of its board and suite, stores
  // the flags in run->regressions, inserts it and sets run->id.
  StatusOr<Regressions> Record(HistoryRecord* run, const RegressionPolicy& policy = {});

  // Runs newest first, with their stage times.
  StatusOr<std::vector<HistoryRecord>> Query(const HistoryQuery& query);

  const std::string& path() const { return path_; }

 private:
  History(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Exec(const char* sql);
  Status EnableWal(Nanos busy_timeout);
  Status Error(const std::string& what) const;
  Status EnsureSchema();
  StatusOr<std::vector<HistoryRecord>> Past(const HistoryRecord& run, const RegressionPolicy& policy);
  Status LoadStages(std::vector<HistoryRecord>* runs);
  Status Insert(HistoryRecord* run);

  sqlite3* db_;
  std::string path_;
};

}  // namespace hilt

#endif  // HILT_RUNNER_HISTORY_H_
