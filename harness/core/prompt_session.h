// PromptSession: the suite's tests, typed one after the other at the prompt.
//
// Each test sends its command, then collects the board's answer up to the
// next prompt. The line that holds the prompt is the echo line of the
// command typed there (U-Boot echoes on the prompt's line), so it is not
// output; output is every later complete line until the prompt matches again
// (on a complete line, or on the line being received). The same segmentation
// works live (prompt seen as a partial line, then the echo completes it) and
// in a replay (the log holds "BPI-R4> version" as one line).
#ifndef HILT_CORE_PROMPT_SESSION_H_
#define HILT_CORE_PROMPT_SESSION_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "harness/core/checker_types.h"
#include "harness/core/status.h"
#include "harness/core/suite.h"
#include "harness/core/verdict.h"

namespace hilt {

class PromptSession {
 public:
  enum class Result { kNone, kFailed, kAllPassed };

  // `suite`, `prompt` and `verdict` outlive the session; `verdict` must
  // already hold one TestResult per test.
  PromptSession(const Suite& suite, const RE2* prompt, Verdict* verdict);
  const Status& status() const { return status_; }

  bool started() const { return started_; }
  size_t current() const { return current_; }  // the running test
  std::optional<Nanos> deadline() const;       // its timeout
  // Whether the running test got any complete line of answer after its echo
  // line; a log that ends before that never ran the test.
  bool answered() const { return answered_; }

  // The prompt matched on line `prompt_line` at t: send the first test.
  // kAllPassed when the suite has no tests.
  Result Begin(size_t prompt_line, Nanos t, std::vector<Action>* actions);

  // A complete line number `line_no`, or with `partial` the line being
  // received (number `line_no` too; it completes later).
  Result OnLine(std::string_view line, size_t line_no, bool partial, Nanos t,
                std::vector<Action>* actions);

  // Marks the running test failed with `reason` (a global fail pattern, a
  // timeout, the end of the log).
  void FailCurrent(std::string reason);

 private:
  struct Compiled {
    std::unique_ptr<RE2> expect;
    std::vector<std::unique_ptr<RE2>> fail;
  };

  Result Send(Nanos t, std::vector<Action>* actions);
  Result PromptReturned(size_t line_no, Nanos t, std::vector<Action>* actions);
  void AppendOutput(std::string_view line);

  const Suite& suite_;
  const RE2* prompt_;
  Verdict* verdict_;
  Status status_;
  std::vector<Compiled> tests_;
  bool started_ = false;
  size_t current_ = 0;
  size_t prompt_line_ = 0;       // lines up to this one are not output
  bool expect_seen_ = false;     // for the running test
  bool answered_ = false;        // for the running test
};

}  // namespace hilt

#endif  // HILT_CORE_PROMPT_SESSION_H_
