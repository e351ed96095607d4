#include "harness/runner/history.h"

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/unit/test_dir.h"

namespace hilt {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

class HistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshTestDir("hilt-history");
    db_ = (dir_ / "history.sqlite").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  static HistoryRecord Run(const std::string& board, const std::string& verdict, double bl2,
                           int64_t at = 1000) {
    Verdict v;
    v.outcome = verdict == "pass" ? Outcome::kPass : verdict == "fail" ? Outcome::kFail : Outcome::kError;
    if (v.outcome != Outcome::kPass) v.failed_stage = "bl2";
    StageResult s;
    s.name = "bl2";
    s.status = v.outcome == Outcome::kPass ? StageStatus::kPass : StageStatus::kFail;
    s.t = milliseconds(static_cast<int>(bl2 * 1000));
    s.duration = s.t;
    v.stages = {s};
    v.total = s.t;
    return RecordFromVerdict(v, board, "suite<1>", "fw'1", "/runs/x", at);
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(HistoryTest, RecordsRunsAndQueriesThemNewestFirstWithFilters) {
  auto h = History::Open(db_);
  ASSERT_TRUE(h.ok()) << h.status().message();
  HistoryRecord a = Run("b1", "pass", 1.0, 100);
  HistoryRecord b = Run("b2", "fail", 2.0, 200);
  ASSERT_TRUE((*h)->Record(&a).ok());
  ASSERT_TRUE((*h)->Record(&b).ok());
  EXPECT_GT(b.id, a.id);
  auto all = (*h)->Query({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].board, "b2");
  EXPECT_EQ((*all)[0].verdict, "fail");
  EXPECT_EQ((*all)[0].failed_stage, "bl2");
  EXPECT_EQ((*all)[0].suite, "suite<1>");
  EXPECT_EQ((*all)[0].firmware, "fw'1");
  ASSERT_EQ((*all)[0].stages.size(), 1u);
  EXPECT_DOUBLE_EQ(*(*all)[0].stages[0].duration, 2.0);
  HistoryQuery q;
  q.board = "b1";
  EXPECT_EQ((*h)->Query(q)->size(), 1u);
  q = {};
  q.since = 150;
  EXPECT_EQ((*h)->Query(q)->size(), 1u);
  q = {};
  q.limit = 1;
  EXPECT_EQ((*h)->Query(q)->size(), 1u);
}

TEST_F(HistoryTest, FlagsRegressionsAndStoresThem) {
  auto h = History::Open(db_);
  ASSERT_TRUE(h.ok());
  for (int i = 0; i < 5; ++i) {
    HistoryRecord r = Run("b", "pass", 1.0 + 0.01 * i);
    auto flags = (*h)->Record(&r);
    ASSERT_TRUE(flags.ok());
    EXPECT_TRUE(flags->empty());
  }
  HistoryRecord slow = Run("b", "pass", 3.0);
  auto flags = (*h)->Record(&slow);
  ASSERT_TRUE(flags.ok());
  ASSERT_EQ(flags->size(), 1u);
  EXPECT_EQ((*flags)[0].kind, "slow-stage");
  HistoryRecord failed = Run("b", "fail", 1.0);
  flags = (*h)->Record(&failed);
  ASSERT_TRUE(flags.ok());
  ASSERT_EQ(flags->size(), 1u);
  EXPECT_EQ((*flags)[0].kind, "new-failure");
  EXPECT_EQ((*flags)[0].previous_run_id, slow.id);
  auto back = (*h)->Query({});
  ASSERT_EQ((*back)[0].regressions.size(), 1u);
  EXPECT_EQ((*back)[0].regressions[0].kind, "new-failure");
  EXPECT_EQ((*back)[1].regressions[0].stage, "bl2");
}

TEST_F(HistoryTest, ConcurrentWritersFromManyProcessesLoseNoRow) {
  constexpr int kProcs = 6, kRuns = 25;
  std::vector<pid_t> kids;
  for (int p = 0; p < kProcs; ++p) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int bad = 0;
      auto h = History::Open(db_);
      if (!h.ok()) _exit(10);
      for (int i = 0; i < kRuns; ++i) {
        HistoryRecord r = Run("board" + std::to_string(p), "pass", 1.0);
        if (!(*h)->Record(&r).ok()) ++bad;
      }
      _exit(bad == 0 ? 0 : 11);
    }
    kids.push_back(pid);
  }
  // And threads of this process at the same time, each with its own handle.
  std::vector<std::thread> threads;
  std::atomic<int> thread_failures{0};
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      auto h = History::Open(db_);
      if (!h.ok()) { ++thread_failures; return; }
      for (int i = 0; i < kRuns; ++i) {
        HistoryRecord r = Run("thread" + std::to_string(t), "pass", 1.0);
        if (!(*h)->Record(&r).ok()) ++thread_failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (pid_t pid : kids) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "writer exit " << status;
  }
  EXPECT_EQ(thread_failures, 0);
  auto h = History::Open(db_);
  ASSERT_TRUE(h.ok());
  HistoryQuery q;
  q.limit = 100000;
  auto all = (*h)->Query(q);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), static_cast<size_t>((kProcs + 2) * kRuns));
  for (const auto& r : *all) EXPECT_EQ(r.stages.size(), 1u);
}

TEST_F(HistoryTest, CorruptFileIsAClearLabError) {
  {
    std::ofstream f(db_, std::ios::binary);
    f << std::string(8192, '\x5a');
  }
  auto h = History::Open(db_);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), Status::Code::kLabFailure);
  EXPECT_NE(h.status().message().find(db_), std::string::npos);
  EXPECT_NE(h.status().message().find("move it aside"), std::string::npos);
  auto ro = History::OpenReadOnly(db_);
  EXPECT_FALSE(ro.ok());
}

TEST_F(HistoryTest, LockedDatabaseTimesOutWithAClearError) {
  auto h = History::Open(db_);
  ASSERT_TRUE(h.ok());
  auto holder = History::Open(db_);
  ASSERT_TRUE(holder.ok());
  // Hold the write lock from another connection.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto short_wait = History::Open(db_, milliseconds(100));
  EXPECT_FALSE(short_wait.ok());
  if (!short_wait.ok()) {
    EXPECT_NE(short_wait.status().message().find("locked"), std::string::npos);
  }
  sqlite3_exec(raw, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
}

TEST_F(HistoryTest, MissingDatabaseReadOnlyIsNotFound) {
  auto h = History::OpenReadOnly((dir_ / "none.sqlite").string());
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), Status::Code::kNotFound);
}

TEST_F(HistoryTest, AnnotateResultJsonAddsRegressionsAndWarnings) {
  const std::string path = (dir_ / "result.json").string();
  {
    std::ofstream f(path);
    f << R"({"verdict": "pass", "stages": []})";
  }
  Regression r;
  r.kind = "slow-stage";
  r.stage = "bl2";
  r.message = "slow";
  ASSERT_TRUE(AnnotateResultJson(path, {r}, {"history: locked"}).ok());
  std::ifstream in(path);
  auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["verdict"], "pass");
  ASSERT_EQ(j["regressions"].size(), 1u);
  EXPECT_EQ(j["regressions"][0]["kind"], "slow-stage");
  EXPECT_EQ(j["warnings"][0], "history: locked");
}

}  // namespace
}  // namespace hilt
