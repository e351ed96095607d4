// StageTracker: the boot stages of a suite, awaited one after the other.
//
// Tries the awaited stage's `expect` on each line; a match captures its named
// groups as facts, runs the stage's checks and moves on to the next stage.
// While a stage with an `interrupt` is awaited, the first line matching `on`
// asks for its bytes to be sent (once). It fills the stages of the Verdict;
// deciding the outcome is the BootChecker's job.
#ifndef HILT_CORE_STAGE_TRACKER_H_
#define HILT_CORE_STAGE_TRACKER_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <re2/re2.h>

#include "harness/core/checker_types.h"
#include "harness/core/status.h"
#include "harness/core/suite.h"
#include "harness/core/verdict.h"

namespace hilt {

class StageTracker {
 public:
  enum class Result { kNone, kPassed, kFailed };

  // `suite`, `external_facts` and `verdict` outlive the tracker; `verdict`
  // must already hold one StageResult per stage.
  StageTracker(const Suite& suite, const std::map<std::string, std::string>* external_facts,
               Verdict* verdict);

  // Not ok when a pattern does not compile (the loader should have caught it).
  const Status& status() const { return status_; }

  size_t current() const { return current_; }          // the awaited stage
  bool all_passed() const { return current_ == stages_.size(); }
  std::optional<Nanos> deadline() const;               // budget end of the awaited stage

  // The regex of the last stage (the prompt), for the prompt tests.
  const RE2* prompt() const { return stages_.empty() ? nullptr : stages_.back().expect.get(); }

  // Whether the line being received (no line end yet) is worth trying:
  // an interrupt may fire, or the awaited stage is the prompt.
  bool WantsPartial() const;

  // A complete line, or with `partial` the line being received, seen at t.
  // kPassed: the awaited stage matched (and its checks passed); kFailed: it
  // matched but a check failed (its StageResult holds the reason).
  Result OnLine(std::string_view line, bool partial, Nanos t, std::vector<Action>* actions);

  // Whether some complete line of `block` (complete lines joined by '\n')
  // might make OnLine act: the awaited stage's expect or its pending
  // interrupt matches in the block (see BlockRegex). False proves that no
  // line does; true when unsure (a pattern that is not block-safe).
  bool MayMatchBlock(std::string_view block) const;

 private:
  struct Compiled {
    std::unique_ptr<RE2> expect;
    std::unique_ptr<RE2> interrupt_on;
    std::unique_ptr<RE2> expect_block;        // block forms; null: not block-safe
    std::unique_ptr<RE2> interrupt_on_block;
    std::vector<std::pair<std::string, int>> groups;  // named group → index
  };

  Result Matched(std::string_view line, Nanos t);

  const Suite& suite_;
  const std::map<std::string, std::string>* external_facts_;
  Verdict* verdict_;
  Status status_;
  std::vector<Compiled> stages_;
  size_t current_ = 0;
  Nanos since_{0};               // the previous stage's match, or the origin
  bool interrupt_fired_ = false; // for the awaited stage
};

}  // namespace hilt

#endif  // HILT_CORE_STAGE_TRACKER_H_
