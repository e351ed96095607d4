// What the boot checker is told and what it asks of the runner. Included by
// boot_checker.h; separate so the checker's parts can share them.
#ifndef HILT_CORE_CHECKER_TYPES_H_
#define HILT_CORE_CHECKER_TYPES_H_

#include <map>
#include <string>

namespace hilt {

struct CheckerOptions {
  // false for untimed logs (raw replay): budgets, test timeouts and the suite
  // timeout are not judged, and reasons give line numbers instead of times.
  bool judge_time = true;
  // Facts known before the run, e.g. "build.uboot_banner"; visible to checks.
  std::map<std::string, std::string> external_facts;
  // Match the complete lines of each Feed as blocks first (see
  // BootChecker::FlushBlock); false matches every line on its own. Both give
  // the same verdict; false is the reference the tests compare against.
  bool block_matching = true;
};

// Bytes the runner must type to the console (an interrupt, a prompt test's
// command). A replay ignores them: the log already holds the answer.
struct Action {
  std::string send;
  std::string why;
};

}  // namespace hilt

#endif  // HILT_CORE_CHECKER_TYPES_H_
