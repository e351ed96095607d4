// result.json: the machine-readable verdict of a run or a replay.
//
//   {"verdict": "pass|fail|error", "failed_stage": "bl31" | null,
//    "reason": "...", "suite": "bpi-r4-sd-boot", "timed": true, "total": 9.41,
//    "stages": [{"name", "status", "t", "duration", "budget", "line", "reason"}],
//    "tests": [{"name", "send", "status", "t", "duration", "output", "reason"}],
//    "facts": {"dram_mb": "4096"}, "infra_errors": ["..."]}
//
// Times are seconds since the origin as numbers (microsecond precision), null
// when unknown. Whatever bytes the board sent, the file is valid JSON: bytes
// that are not UTF-8 become U+FFFD, controls are escaped as \u00XX.
#ifndef HILT_CORE_RESULT_JSON_H_
#define HILT_CORE_RESULT_JSON_H_

#include <string>
#include <string_view>

#include "harness/core/status.h"
#include "harness/core/verdict.h"

namespace hilt {

// The text of result.json (pretty-printed, ends with a newline).
std::string ResultJson(const Verdict& verdict, std::string_view suite_name);

// Writes it to `path` atomically.
Status WriteResultJson(const std::string& path, const Verdict& verdict,
                       std::string_view suite_name);

}  // namespace hilt

#endif  // HILT_CORE_RESULT_JSON_H_
