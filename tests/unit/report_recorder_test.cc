#include "harness/runner/report_recorder.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/unit/test_dir.h"

namespace hilt {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ReportRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshTestDir("hilt_recorder");
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ReportRecorderTest, UncappedLogHasEveryLineAndNoNote) {
  auto rec = ReportRecorder::Create(dir_.string(), "s");
  ASSERT_TRUE(rec.ok());
  (*rec)->Console("one\ntwo\n", 1s);
  Verdict v;
  v.outcome = Outcome::kPass;
  ASSERT_TRUE((*rec)->Finish(v).ok());
  EXPECT_EQ(ReadFile(dir_ / "console.log"), "[    1.000000] one\n[    1.000000] two\n");
  auto json = nlohmann::json::parse(ReadFile(dir_ / "result.json"));
  EXPECT_TRUE(json["notes"].empty());
}

TEST_F(ReportRecorderTest, CappedLogEndsWithAMarkerAndResultJsonSaysHowMuchWasLeftOut) {
  auto rec = ReportRecorder::Create(dir_.string(), "s", 16);
  ASSERT_TRUE(rec.ok());
  (*rec)->Console("0123456789\n", 1s);
  (*rec)->Console("abcdefghij\n", 2s);      // 5 of these fit
  for (int i = 0; i < 1000; ++i) (*rec)->Console(std::string(1000, 'z'), 3s);
  Verdict v;
  v.outcome = Outcome::kFail;
  v.notes.push_back("console.raw capped at 16 bytes");
  ASSERT_TRUE((*rec)->Finish(v).ok());
  std::string log = ReadFile(dir_ / "console.log");
  EXPECT_EQ(log,
            "[    1.000000] 0123456789\n"
            "[    2.000000] abcde\\\n"
            "[    2.000000] ### hilt: console log capped at 16 bytes (lab limits.console-log); what the "
            "board sent after this is not logged, see result.json notes\n");
  auto json = nlohmann::json::parse(ReadFile(dir_ / "result.json"));
  ASSERT_EQ(json["notes"].size(), 2u);
  EXPECT_EQ(json["notes"][0], "console.raw capped at 16 bytes");
  EXPECT_EQ(json["notes"][1],
            "console.log capped at 16 bytes of console output (lab limits.console-log); the 1000006 bytes "
            "the board sent after that were not written");
}

TEST_F(ReportRecorderTest, ResultJsonIsWrittenFirstJunitAfter) {
  auto rec = ReportRecorder::Create(dir_.string(), "s");
  ASSERT_TRUE(rec.ok());
  Verdict v;
  v.outcome = Outcome::kPass;
  ASSERT_TRUE((*rec)->Finish(v).ok());
  EXPECT_TRUE(fs::exists(dir_ / "result.json"));
  EXPECT_FALSE(fs::exists(dir_ / "junit.xml")) << "junit.xml must not delay the verdict";
  ASSERT_TRUE((*rec)->FinishOthers(v).ok());
  std::string junit = ReadFile(dir_ / "junit.xml");
  EXPECT_NE(junit.find("<testsuite"), std::string::npos) << junit;
}

}  // namespace
}  // namespace hilt
