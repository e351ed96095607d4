#include "harness/core/result_json.h"

#include <nlohmann/json.hpp>
#include <gtest/gtest.h>

namespace hilt {
namespace {

using std::chrono::milliseconds;
using nlohmann::json;

Verdict FailedAtDram() {
  Verdict v;
  v.outcome = Outcome::kFail;
  v.failed_stage = "dram";
  v.reason = "check failed: dram_mb >= 4096 (dram_mb = 2048)";
  v.stages.push_back({"bootrom", StageStatus::kPass, milliseconds(410), milliseconds(5000),
                      milliseconds(410), "Jump to BL", ""});
  v.stages.push_back({"dram", StageStatus::kFail, milliseconds(1200), std::nullopt,
                      milliseconds(790), "EMI: Detected DRAM size: 2048 MB", v.reason});
  v.stages.push_back({"bl31", StageStatus::kNotReached, std::nullopt, std::nullopt,
                      std::nullopt, "", ""});
  v.facts["dram_mb"] = "2048";
  v.total = milliseconds(1200);
  return v;
}

TEST(ResultJsonTest, HasTheDocumentedFields) {
  json r = json::parse(ResultJson(FailedAtDram(), "bpi-r4-sd-boot"));
  EXPECT_EQ(r["verdict"], "fail");
  EXPECT_EQ(r["failed_stage"], "dram");
  EXPECT_EQ(r["reason"], "check failed: dram_mb >= 4096 (dram_mb = 2048)");
  EXPECT_EQ(r["suite"], "bpi-r4-sd-boot");
  EXPECT_EQ(r["timed"], true);
  EXPECT_DOUBLE_EQ(r["total"].get<double>(), 1.2);
  ASSERT_EQ(r["stages"].size(), 3u);
  EXPECT_EQ(r["stages"][0]["name"], "bootrom");
  EXPECT_EQ(r["stages"][0]["status"], "pass");
  EXPECT_DOUBLE_EQ(r["stages"][0]["t"].get<double>(), 0.41);
  EXPECT_DOUBLE_EQ(r["stages"][0]["budget"].get<double>(), 5.0);
  EXPECT_DOUBLE_EQ(r["stages"][1]["duration"].get<double>(), 0.79);
  EXPECT_TRUE(r["stages"][1]["budget"].is_null());
  EXPECT_EQ(r["stages"][2]["status"], "not-reached");
  EXPECT_TRUE(r["stages"][2]["t"].is_null());
  EXPECT_EQ(r["facts"]["dram_mb"], "2048");
  EXPECT_TRUE(r["tests"].is_array());
  EXPECT_TRUE(r["infra_errors"].is_array());
}

TEST(ResultJsonTest, PassHasNullFailedStage) {
  Verdict v;
  v.outcome = Outcome::kPass;
  v.timed = false;
  json r = json::parse(ResultJson(v, "s"));
  EXPECT_EQ(r["verdict"], "pass");
  EXPECT_TRUE(r["failed_stage"].is_null());
  EXPECT_EQ(r["timed"], false);
}

TEST(ResultJsonTest, UntimedReplayHasNoTimesButKeepsBudgets) {
  Verdict v = FailedAtDram();
  v.timed = false;
  json r = json::parse(ResultJson(v, "s"));
  EXPECT_TRUE(r["stages"][0]["t"].is_null());
  EXPECT_TRUE(r["stages"][0]["duration"].is_null());
  EXPECT_TRUE(r["total"].is_null());
  EXPECT_DOUBLE_EQ(r["stages"][0]["budget"].get<double>(), 5.0);
}

TEST(ResultJsonTest, AnyBytesFromTheBoardGiveValidJson) {
  Verdict v = FailedAtDram();
  std::string hostile("\xff\xfe\x00\x01\x1b[31m\"\\\xc3\x28\xed\xa0\x80 ok \xe2\x82\xac", 23);
  v.reason = hostile;
  v.stages[1].line = hostile;
  v.facts[hostile] = hostile;
  v.tests.push_back({"version", "version", StageStatus::kFail, milliseconds(1), std::nullopt,
                     hostile, hostile});
  v.infra_errors.push_back(hostile);
  std::string text = ResultJson(v, hostile);
  json r;
  ASSERT_NO_THROW(r = json::parse(text));  // strict parser: rejects invalid UTF-8
  std::string reason = r["reason"];
  // Valid parts survive; invalid bytes become U+FFFD; controls are kept.
  EXPECT_NE(reason.find(" ok \xe2\x82\xac"), std::string::npos);
  EXPECT_NE(reason.find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_NE(reason.find(std::string("\x00\x01\x1b[31m\"\\", 8)), std::string::npos);
  EXPECT_EQ(r["tests"][0]["output"], reason);
}

}  // namespace
}  // namespace hilt
