// suites/bpi-r4-sd-boot-built.yaml: a boot passes only if the board printed
// the banner and TF-A version of the firmware just built (the build facts).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "harness/core/boot_checker.h"
#include "harness/core/suite_loader.h"

namespace hilt {
namespace {

constexpr char kBanner[] = "U-Boot 2024.04-hilt-30aaa8f6 (Apr 13 2024 - 16:50:21 +0000)";
constexpr char kTfa[] = "v2.9(release): sdmmc";

// The seed's log with the strings of a build from ../shared/firmware.
std::string BootLog(const std::string& banner, const std::string& tfa) {
  return "F0: 102B 0000\r\nT0: 0000 0221 [0101]\r\nJump to BL\r\n\r\n"
         "NOTICE:  BL2: " + tfa + "\r\n"
         "NOTICE:  BL2: Built : 09:56:27, Jun 30 2024\r\n"
         "NOTICE:  EMI: Detected DRAM size: 4096 MB\r\n"
         "NOTICE:  BL2: Booting BL31\r\n"
         "NOTICE:  BL31: " + tfa + "\r\n"
         "NOTICE:  BL31: Built : 09:56:27, Jun 30 2024\r\n\r\n\r\n" +
         banner + "\r\n\r\nCPU:   MediaTek MT7988\r\nDRAM:  4 GiB\r\nBPI-R4> ";
}

Verdict Check(const std::map<std::string, std::string>& facts, const std::string& log) {
  auto suite = LoadSuiteFile(std::string(HILT_SOURCE_DIR) + "/suites/bpi-r4-sd-boot-built.yaml");
  EXPECT_TRUE(suite.ok()) << suite.status().ToString();
  if (!suite.ok()) return {};
  CheckerOptions options;
  options.judge_time = false;
  options.external_facts = facts;
  BootChecker checker(*suite, options);
  std::vector<Action> actions;
  checker.Feed(log, Nanos(0), &actions);
  checker.Finish(Nanos(0));
  return checker.verdict();
}

const std::map<std::string, std::string> kBuilt = {
    {"build.uboot_banner", kBanner}, {"build.tfa_version_string", kTfa}};

TEST(BuiltSuite, TheBuiltFirmwarePasses) {
  Verdict v = Check(kBuilt, BootLog(kBanner, kTfa));
  EXPECT_EQ(v.outcome, Outcome::kPass) << v.reason;
  EXPECT_EQ(v.facts["uboot_banner"], kBanner);
  EXPECT_EQ(v.facts["tfa_version_string"], kTfa);
  EXPECT_EQ(v.facts["tfa_version"], "2.9");
}

TEST(BuiltSuite, AStaleCardFailsAtUboot) {
  // Same sources, an older build (another patch): another banner.
  Verdict v = Check(kBuilt, BootLog("U-Boot 2024.04-hilt-0ec2893d (Apr 13 2024 - 16:50:21 +0000)", kTfa));
  EXPECT_EQ(v.outcome, Outcome::kFail);
  EXPECT_EQ(v.failed_stage, "uboot");
  EXPECT_NE(v.reason.find("build.uboot_banner"), std::string::npos) << v.reason;
}

TEST(BuiltSuite, AnotherTfaFailsAtBl2) {
  Verdict v = Check(kBuilt, BootLog(kBanner, "v2.10.0   (release):"));
  EXPECT_EQ(v.outcome, Outcome::kFail);
  EXPECT_EQ(v.failed_stage, "bl2");
}

TEST(BuiltSuite, WithoutBuildFactsItCannotPass) {
  Verdict v = Check({}, BootLog(kBanner, kTfa));
  EXPECT_NE(v.outcome, Outcome::kPass);
  EXPECT_EQ(v.failed_stage, "bl2");
}

}  // namespace
}  // namespace hilt
