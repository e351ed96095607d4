// The log corpus (tests/data/logs, described in its README.md) replayed
// against the shipped suites: each log must end in its expected verdict,
// stage and reason, whatever the chunking.
#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/core/boot_checker.h"
#include "harness/core/suite_loader.h"

namespace hilt {
namespace {

using ::testing::HasSubstr;

struct Case {
  const char* log;
  const char* suite;
  Outcome outcome;
  const char* failed_stage;
  const char* reason;  // a substring of the verdict's reason
};

const Case kCases[] = {
    {"seed-good.log", "bpi-r4-sd-boot", Outcome::kPass, "", ""},
    {"noisy-good.log", "bpi-r4-sd-boot", Outcome::kPass, "", ""},
    {"good-with-version.log", "bpi-r4-sd-boot", Outcome::kPass, "", ""},
    {"fip-without-bl33.log", "bpi-r4-sd-boot", Outcome::kFail, "bl31",
     "'ERROR:   BL2: Failed to load image id 5 (-2)' at line 25"},
    {"dram-0mb.log", "bpi-r4-sd-boot", Outcome::kFail, "dram", "dram_mb is 0"},
    {"reset-loop.log", "bpi-r4-sd-boot", Outcome::kFail, "dram",
     "reset loop: 'F0: 102B 0000' seen again at line 23 (first at line 1)"},
    {"hang-in-uboot.log", "bpi-r4-sd-boot", Outcome::kFail, "prompt",
     "end of log before stage prompt (last line: 'MMC:   mmc@11230000: 0')"},
    {"sd-crc-bl2.log", "bpi-r4-sd-boot", Outcome::kFail, "bl31",
     "'ERROR:   MSDC: CRC error occured while reading data with cmd=18, arg=0x3400'"},
    {"sd-no-voltage-uboot.log", "bpi-r4-sd-boot", Outcome::kFail, "prompt",
     "'Loading Environment from MMC... Card did not respond to voltage select! : -110'"},
    {"uboot-commands-good.log", "uboot-commands", Outcome::kPass, "", ""},
    {"uboot-commands-no-mmc.log", "uboot-commands", Outcome::kFail, "mmc-info",
     "'No MMC device available' in the output of 'mmc info'"},
    {"good-with-version.log", "uboot-commands", Outcome::kFail, "help",
     "end of log before test help ran"},
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Verdict Replay(const Suite& suite, std::string_view log, size_t chunk) {
  BootChecker checker(suite, CheckerOptions{.judge_time = false, .external_facts = {}});
  std::vector<Action> ignored;  // a replay's log already holds the answers
  for (size_t i = 0; i < log.size() && !checker.done(); i += chunk) {
    checker.Feed(log.substr(i, chunk), Nanos{0}, &ignored);
  }
  checker.Finish(Nanos{0});
  return checker.verdict();
}

class LogCorpusTest : public ::testing::TestWithParam<Case> {};

TEST_P(LogCorpusTest, EndsInItsExpectedVerdict) {
  const Case& c = GetParam();
  const std::string root = HILT_SOURCE_DIR;
  auto suite = LoadSuiteFile(root + "/suites/" + c.suite + ".yaml");
  ASSERT_TRUE(suite.ok()) << suite.status().ToString();
  const std::string log = ReadFile(root + "/tests/data/logs/" + c.log);
  ASSERT_FALSE(log.empty()) << c.log;
  for (size_t chunk : {log.size(), size_t{1}, size_t{17}, size_t{4096}}) {
    const Verdict v = Replay(*suite, log, chunk);
    EXPECT_EQ(OutcomeName(v.outcome), std::string(OutcomeName(c.outcome)))
        << c.log << " chunk " << chunk << ": " << v.reason;
    EXPECT_EQ(v.failed_stage, c.failed_stage) << c.log << " chunk " << chunk;
    if (*c.reason == '\0') {
      EXPECT_EQ(v.reason, "");
    } else {
      EXPECT_THAT(v.reason, HasSubstr(c.reason)) << c.log << " chunk " << chunk;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, LogCorpusTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           std::string name = std::string(param_info.param.suite) + "_" + param_info.param.log;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace hilt
