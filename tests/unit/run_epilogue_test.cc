#include "harness/runner/run_epilogue.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/core/result_json.h"
#include "tests/unit/test_dir.h"

namespace hilt {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

class RunEpilogueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshTestDir("hilt-epilogue");
    fs::create_directories(dir_ / "run");
    run_ = (dir_ / "run").string();
    verdict_.outcome = Outcome::kFail;
    verdict_.failed_stage = "bl31";
    verdict_.reason = "bl31 not reached";
    StageResult s;
    s.name = "bl31";
    s.status = StageStatus::kFail;
    verdict_.stages = {s};
    verdict_.total = milliseconds(100);
    ASSERT_TRUE(WriteResultJson(run_ + "/result.json", verdict_, "suite").ok());
    options_.board = "b<1>";
    options_.suite = "suite";
    options_.firmware = "abc123";
  }
  void TearDown() override { fs::remove_all(dir_); }
  nlohmann::json Result() {
    std::ifstream in(run_ + "/result.json");
    return nlohmann::json::parse(in);
  }

  fs::path dir_;
  std::string run_;
  Verdict verdict_;
  EpilogueOptions options_;
};

TEST_F(RunEpilogueTest, RecordsTheRunAndFlagsANewFailureInResultJsonAndReport) {
  options_.history_db = (dir_ / "history.sqlite").string();
  Verdict pass;
  pass.outcome = Outcome::kPass;
  EpilogueResult first = FinishRunFolder(run_, pass, options_);
  EXPECT_TRUE(first.warnings.empty());
  EpilogueResult second = FinishRunFolder(run_, verdict_, options_);
  EXPECT_TRUE(second.warnings.empty());
  ASSERT_EQ(second.regressions.size(), 1u);
  auto r = Result();
  EXPECT_EQ(r["verdict"], "fail");
  ASSERT_EQ(r["regressions"].size(), 1u);
  EXPECT_EQ(r["regressions"][0]["kind"], "new-failure");
  std::ifstream in(run_ + "/report.html");
  std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("new-failure"), std::string::npos);
  EXPECT_NE(html.find("b&lt;1&gt;"), std::string::npos);
}

TEST_F(RunEpilogueTest, CorruptHistoryIsAWarningAndTheRunFilesStay) {
  options_.history_db = (dir_ / "history.sqlite").string();
  {
    std::ofstream f(options_.history_db);
    f << std::string(4096, 'x');
  }
  EpilogueResult result = FinishRunFolder(run_, verdict_, options_);
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_NE(result.warnings[0].find("history not updated"), std::string::npos);
  auto r = Result();
  EXPECT_EQ(r["verdict"], "fail");
  EXPECT_EQ(r["failed_stage"], "bl31");
  ASSERT_EQ(r["warnings"].size(), 1u);
  EXPECT_TRUE(fs::exists(run_ + "/report.html"));
}

}  // namespace
}  // namespace hilt
