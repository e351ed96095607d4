// Fuzzes the suite loader with arbitrary YAML text (suites come with the
// patch under test, so they are hostile input). Properties:
//   - never a crash, a hang or unbounded memory;
//   - a rejected suite is InvalidInput (exit 2) with a message;
//   - a suite the loader accepts really works: a BootChecker built from it
//     reports no setup error (the loader claims to check every regex) and
//     runs a short boot log to a verdict.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "harness/core/boot_checker.h"
#include "harness/core/suite_loader.h"

namespace {

constexpr char kLog[] =
    "F0: 102B 0000\r\nJump to BL\r\nNOTICE:  BL2: v2.10.0\r\n"
    "NOTICE:  EMI: Detected DRAM size: 4096 MB\r\nNOTICE:  BL31: v2.10.0\r\n"
    "U-Boot 2024.04 (Apr 02 2024 - 10:58:58 +0000)\r\n"
    "Hit any key to stop autoboot:  3 \r\nBPI-R4> version\r\nU-Boot 2024.04\r\nBPI-R4> ";

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "suite_loader_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  hilt::StatusOr<hilt::Suite> suite = hilt::LoadSuiteString(yaml, "fuzz.yaml");
  if (!suite.ok()) {
    if (suite.status().code() != hilt::Status::Code::kInvalidInput) {
      Fail("rejected with a code other than InvalidInput", suite.status().message());
    }
    if (suite.status().message().empty()) Fail("rejected without a message", yaml);
    return 0;
  }

  hilt::BootChecker checker(*suite, hilt::CheckerOptions{.judge_time = true, .external_facts = {}});
  if (checker.done()) Fail("loaded, but the checker rejects it", checker.verdict().reason);
  std::vector<hilt::Action> actions;
  checker.Feed(kLog, hilt::Nanos(1000), &actions);
  checker.Tick(hilt::Nanos(2000), &actions);
  checker.Finish(hilt::Nanos(3000));
  if (!checker.done()) Fail("no verdict after Finish", yaml);
  return 0;
}
