#include "harness/runner/history.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/core/atomic_file.h"

namespace hilt {

namespace {

using nlohmann::json;

constexpr int kSchemaVersion = 1;
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS runs(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at INTEGER NOT NULL,
  board TEXT NOT NULL,
  suite TEXT NOT NULL,
  firmware TEXT NOT NULL DEFAULT '',
  verdict TEXT NOT NULL,
  failed_stage TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  total REAL,
  run_dir TEXT NOT NULL DEFAULT '',
  regressions TEXT NOT NULL DEFAULT '[]');
CREATE INDEX IF NOT EXISTS runs_by_board_suite ON runs(board, suite, id);
CREATE INDEX IF NOT EXISTS runs_by_time ON runs(started_at);
CREATE TABLE IF NOT EXISTS stage_times(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  stage TEXT NOT NULL,
  status TEXT NOT NULL,
  t REAL,
  duration REAL,
  PRIMARY KEY(run_id, position));
)sql";

// A prepared statement, finalized on every path.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  void Bind(int i, const std::string& s) { sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT); }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void Bind(int i, const std::optional<double>& v) {
    if (v) sqlite3_bind_double(stmt_, i, *v); else sqlite3_bind_null(stmt_, i);
  }
  int Step() { return sqlite3_step(stmt_); }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string Text(int col) {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : "";
  }
  int64_t Int(int col) { return sqlite3_column_int64(stmt_, col); }
  std::optional<double> Real(int col) {
    if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_double(stmt_, col);
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

json RegressionsJson(const Regressions& rs) {
  json out = json::array();
  for (const Regression& r : rs) {
    json j = {{"kind", r.kind}, {"stage", r.stage}, {"message", r.message}};
    if (r.kind == "slow-stage") {
      j["seconds"] = r.seconds;
      j["median"] = r.median;
      j["mad"] = r.mad;
      j["threshold"] = r.threshold;
      j["samples"] = r.samples;
    } else {
      j["previous_run_id"] = r.previous_run_id;
    }
    out.push_back(std::move(j));
  }
  return out;
}

Regressions RegressionsFromJson(const std::string& text) {
  Regressions out;
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return out;
  for (const json& e : j) {
    if (!e.is_object()) continue;
    Regression r;
    r.kind = e.value("kind", "");
    r.stage = e.value("stage", "");
    r.message = e.value("message", "");
    r.seconds = e.value("seconds", 0.0);
    r.median = e.value("median", 0.0);
    r.mad = e.value("mad", 0.0);
    r.threshold = e.value("threshold", 0.0);
    r.samples = e.value("samples", 0);
    r.previous_run_id = e.value("previous_run_id", int64_t{0});
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<double> Secs(const std::optional<Nanos>& t) {
  if (!t) return std::nullopt;
  return ToSeconds(*t);
}

}  // namespace

std::string DefaultHistoryPath(const std::string& state_dir) {
  return state_dir + "/history.sqlite";
}

std::string RegressionsToJson(const Regressions& rs) {
  return RegressionsJson(rs).dump(-1, ' ', false, json::error_handler_t::replace);
}

Status AnnotateResultJson(const std::string& path, const Regressions& regressions,
                          const std::vector<std::string>& warnings) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read '" + path + "'");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  json result = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!result.is_object()) return Status::InvalidInput("'" + path + "' is not a JSON object");
  result["regressions"] = RegressionsJson(regressions);
  if (!warnings.empty()) {
    json& w = result["warnings"];
    if (!w.is_array()) w = json::array();
    for (const std::string& s : warnings) w.push_back(s);
  }
  return WriteFileAtomically(path, result.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

HistoryRecord RecordFromVerdict(const Verdict& v, const std::string& board,
                                const std::string& suite, const std::string& firmware,
                                const std::string& run_dir, int64_t started_at) {
  HistoryRecord r;
  r.started_at = started_at;
  r.board = board;
  r.suite = suite;
  r.firmware = firmware;
  r.verdict = OutcomeName(v.outcome);
  r.failed_stage = v.failed_stage;
  r.reason = v.reason;
  r.total = v.timed ? Secs(v.total) : std::nullopt;
  r.run_dir = run_dir;
  for (const StageResult& s : v.stages) {
    r.stages.push_back({s.name, StageStatusName(s.status), v.timed ? Secs(s.t) : std::nullopt,
                        v.timed ? Secs(s.duration) : std::nullopt});
  }
  return r;
}

Status History::Error(const std::string& what) const {
  const int code = sqlite3_errcode(db_);
  std::string msg = fmt::format("history database '{}': {}: {}", path_, what, sqlite3_errmsg(db_));
  if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) {
    msg += " (the file is damaged or not a history database: move it aside and hilt starts a "
           "new one, or pass --db)";
  } else if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
    msg += " (another process holds it locked for longer than the busy timeout)";
  } else if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM) {
    msg += " (check the folder exists and is writable)";
  }
  return Status::LabFailure(msg);
}

Status History::Exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return Error(sql);
  return Status::Ok();
}

// Switching a new database to WAL takes an exclusive lock, and SQLite answers
// SQLITE_BUSY at once, without calling the busy handler, while another
// connection holds a lock on it (several boards finishing their first runs
// together). So the switch is retried here, within the same busy timeout.
Status History::EnableWal(Nanos busy_timeout) {
  const auto deadline = std::chrono::steady_clock::now() + busy_timeout;
  for (;;) {
    const int rc = sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return Status::Ok();
    if (rc != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline) {
      return Error("PRAGMA journal_mode=WAL");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

static Status OpenWith(const std::string& path, int flags, Nanos busy_timeout, sqlite3** out) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    if (rc == SQLITE_CANTOPEN && !(flags & SQLITE_OPEN_CREATE)) {
      return Status::NotFound(fmt::format("history database '{}' cannot be opened: {}", path, msg));
    }
    return Status::LabFailure(fmt::format("history database '{}' cannot be opened: {} (check "
                                          "the folder exists and is writable)", path, msg));
  }
  sqlite3_busy_timeout(db, static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(busy_timeout).count()));
  sqlite3_extended_result_codes(db, 0);
  *out = db;
  return Status::Ok();
}

StatusOr<std::unique_ptr<History>> History::Open(const std::string& path, Nanos busy_timeout) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  sqlite3* db = nullptr;
  HILT_RETURN_IF_ERROR(OpenWith(
      path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, busy_timeout, &db));
  std::unique_ptr<History> h(new History(db, path));
  HILT_RETURN_IF_ERROR(h->EnableWal(busy_timeout));
  HILT_RETURN_IF_ERROR(h->Exec("PRAGMA synchronous=NORMAL"));
  HILT_RETURN_IF_ERROR(h->Exec("PRAGMA foreign_keys=ON"));
  HILT_RETURN_IF_ERROR(h->EnsureSchema());
  return h;
}

StatusOr<std::unique_ptr<History>> History::OpenReadOnly(const std::string& path, Nanos busy_timeout) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::NotFound(fmt::format("history database '{}' does not exist (no run has been "
                                        "recorded there yet; give --db or --lab)", path));
  }
  sqlite3* db = nullptr;
  HILT_RETURN_IF_ERROR(OpenWith(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, busy_timeout, &db));
  std::unique_ptr<History> h(new History(db, path));
  Stmt check(db, "SELECT count(*) FROM runs");
  if (!check.ok()) return h->Error("not a hilt history database");
  return h;
}

History::~History() { sqlite3_close(db_); }

Status History::EnsureSchema() {
  HILT_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  int64_t v = 0;
  {
    Stmt version(db_, "PRAGMA user_version");
    if (!version.ok() || version.Step() != SQLITE_ROW) {
      Status s = Error("reading the schema version");
      (void)Exec("ROLLBACK");
      return s;
    }
    v = version.Int(0);
  }
  if (v > kSchemaVersion) {
    (void)Exec("ROLLBACK");
    return Status::LabFailure(fmt::format("history database '{}' has schema {}, newer than this "
                                          "hilt knows ({}): use a newer hilt or another --db",
                                          path_, v, kSchemaVersion));
  }
  if (sqlite3_exec(db_, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) {
    Status s = Error("creating the tables");
    (void)Exec("ROLLBACK");
    return s;
  }
  HILT_RETURN_IF_ERROR(Exec(fmt::format("PRAGMA user_version={}", kSchemaVersion).c_str()));
  return Exec("COMMIT");
}

Status History::LoadStages(std::vector<HistoryRecord>* runs) {
  Stmt q(db_, "SELECT stage, status, t, duration FROM stage_times WHERE run_id=? ORDER BY position");
  if (!q.ok()) return Error("reading stage times");
  for (HistoryRecord& r : *runs) {
    q.Reset();
    q.Bind(1, r.id);
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) r.stages.push_back({q.Text(0), q.Text(1), q.Real(2), q.Real(3)});
    if (rc != SQLITE_DONE) return Error("reading stage times");
  }
  return Status::Ok();
}

namespace {
constexpr const char* kRunColumns =
    "id, started_at, board, suite, firmware, verdict, failed_stage, reason, total, run_dir, regressions";

HistoryRecord ReadRun(Stmt& q) {
  HistoryRecord r;
  r.id = q.Int(0);
  r.started_at = q.Int(1);
  r.board = q.Text(2);
  r.suite = q.Text(3);
  r.firmware = q.Text(4);
  r.verdict = q.Text(5);
  r.failed_stage = q.Text(6);
  r.reason = q.Text(7);
  r.total = q.Real(8);
  r.run_dir = q.Text(9);
  r.regressions = RegressionsFromJson(q.Text(10));
  return r;
}
}  // namespace

StatusOr<std::vector<HistoryRecord>> History::Past(const HistoryRecord& run,
                                                   const RegressionPolicy& policy) {
  // The newest runs of this board and suite: enough to hold `window` passing
  // runs among failures, bounded so a long failing streak stays cheap.
  const std::string sql = fmt::format(
      "SELECT {} FROM runs WHERE board=? AND suite=? ORDER BY id DESC LIMIT ?", kRunColumns);
  Stmt q(db_, sql.c_str());
  if (!q.ok()) return Error("reading earlier runs");
  q.Bind(1, run.board);
  q.Bind(2, run.suite);
  q.Bind(3, static_cast<int64_t>(std::max(policy.window, 1)) * 4);
  std::vector<HistoryRecord> past;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) past.push_back(ReadRun(q));
  if (rc != SQLITE_DONE) return Error("reading earlier runs");
  HILT_RETURN_IF_ERROR(LoadStages(&past));
  return past;
}

Status History::Insert(HistoryRecord* run) {
  Stmt ins(db_,
           "INSERT INTO runs(started_at, board, suite, firmware, verdict, failed_stage, reason, "
           "total, run_dir, regressions) VALUES(?,?,?,?,?,?,?,?,?,?)");
  if (!ins.ok()) return Error("preparing the insert");
  ins.Bind(1, run->started_at);
  ins.Bind(2, run->board);
  ins.Bind(3, run->suite);
  ins.Bind(4, run->firmware);
  ins.Bind(5, run->verdict);
  ins.Bind(6, run->failed_stage);
  ins.Bind(7, run->reason);
  ins.Bind(8, run->total);
  ins.Bind(9, run->run_dir);
  ins.Bind(10, RegressionsToJson(run->regressions));
  if (ins.Step() != SQLITE_DONE) return Error("inserting the run");
  run->id = sqlite3_last_insert_rowid(db_);
  Stmt one(db_, "INSERT INTO stage_times(run_id, position, stage, status, t, duration) VALUES(?,?,?,?,?,?)");
  if (!one.ok()) return Error("preparing the stage insert");
  for (size_t i = 0; i < run->stages.size(); ++i) {
    const StageTime& s = run->stages[i];
    one.Reset();
    one.Bind(1, run->id);
    one.Bind(2, static_cast<int64_t>(i));
    one.Bind(3, s.stage);
    one.Bind(4, s.status);
    one.Bind(5, s.t);
    one.Bind(6, s.duration);
    if (one.Step() != SQLITE_DONE) return Error("inserting stage times");
  }
  return Status::Ok();
}

StatusOr<Regressions> History::Record(HistoryRecord* run, const RegressionPolicy& policy) {
  // The busy timeout waits for the write lock; a writer that still loses a
  // race (SQLITE_BUSY on a snapshot upgrade) retries the whole transaction.
  Status last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    last = Exec("BEGIN IMMEDIATE");
    if (!last.ok()) {
      if (sqlite3_errcode(db_) == SQLITE_BUSY) continue;
      return last;
    }
    auto past = Past(*run, policy);
    Status s = past.status();
    if (s.ok()) {
      run->regressions = DetectRegressions(*run, *past, policy);
      s = Insert(run);
    }
    if (s.ok()) s = Exec("COMMIT");
    if (s.ok()) return run->regressions;
    const bool busy = sqlite3_errcode(db_) == SQLITE_BUSY;
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    last = s;
    if (!busy) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(50 * (attempt + 1)));
  }
  return last;
}

StatusOr<std::vector<HistoryRecord>> History::Query(const HistoryQuery& query) {
  const std::string sql = fmt::format(
      "SELECT {} FROM runs WHERE (?1 = '' OR board = ?1) AND (?2 = '' OR suite = ?2) AND "
      "started_at >= ?3 ORDER BY id DESC LIMIT ?4",
      kRunColumns);
  Stmt q(db_, sql.c_str());
  if (!q.ok()) return Error("reading runs");
  q.Bind(1, query.board);
  q.Bind(2, query.suite);
  q.Bind(3, query.since.value_or(INT64_MIN));
  q.Bind(4, static_cast<int64_t>(query.limit));
  std::vector<HistoryRecord> runs;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) runs.push_back(ReadRun(q));
  if (rc != SQLITE_DONE) return Error("reading runs");
  HILT_RETURN_IF_ERROR(LoadStages(&runs));
  return runs;
}

}  // namespace hilt
