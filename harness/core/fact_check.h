// Fact checks: `dram_mb >= 4096`, `uboot_version == '2024.04'`,
// `uboot_banner == build.uboot_banner`. A suite captures facts with named
// regex groups; a check compares one fact against a literal or another fact.
// Facts named `build.*` come from outside the console (e.g. the build).
#ifndef HILT_CORE_FACT_CHECK_H_
#define HILT_CORE_FACT_CHECK_H_

#include <map>
#include <string>
#include <string_view>

#include "harness/core/status.h"
#include "harness/core/suite.h"

namespace hilt {

// Parses "FACT OP OPERAND" where OP is one of == != < <= > >= and OPERAND is
// a number (42, 1.5, 0x1f, -3), a quoted string ('x' or "x", backslash
// escapes the quote and itself) or a fact name. `where` stays empty: the
// suite loader fills it. InvalidInput, without a position, on bad text.
StatusOr<FactCheck> ParseFactCheck(std::string_view text);

struct CheckOutcome {
  bool passed = false;
  // Says the check and the actual values, e.g.
  // "dram_mb >= 4096 failed: dram_mb is 0".
  std::string message;
};

// Both sides compare as numbers when both parse as numbers (unless the
// operand was quoted), else as strings (byte-wise lexicographic). A missing
// fact fails the check.
CheckOutcome EvaluateFactCheck(const FactCheck& check,
                               const std::map<std::string, std::string>& facts);

// True for names a check may use: [A-Za-z_][A-Za-z0-9_]* optionally
// prefixed by "build." (build.x is supplied from outside the console).
bool IsFactName(std::string_view name);

}  // namespace hilt

#endif  // HILT_CORE_FACT_CHECK_H_
