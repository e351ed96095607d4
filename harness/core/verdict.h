// Verdict: what a run or a replay concluded, stage by stage. Filled by the
// checker (and by the runner for lab errors), written out by the reports.
#ifndef HILT_CORE_VERDICT_H_
#define HILT_CORE_VERDICT_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/timestamp.h"

namespace hilt {

enum class Outcome { kPass, kFail, kError };  // "pass", "fail", "error"
enum class StageStatus { kPass, kFail, kNotReached };  // "pass", "fail", "not-reached"

inline const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kPass: return "pass";
    case Outcome::kFail: return "fail";
    case Outcome::kError: return "error";
  }
  return "error";
}

inline const char* StageStatusName(StageStatus s) {
  switch (s) {
    case StageStatus::kPass: return "pass";
    case StageStatus::kFail: return "fail";
    case StageStatus::kNotReached: return "not-reached";
  }
  return "not-reached";
}

struct StageResult {
  std::string name;
  StageStatus status = StageStatus::kNotReached;
  std::optional<Nanos> t;          // when its expect matched, since the origin
  std::optional<Nanos> budget;     // its `within`, if any
  std::optional<Nanos> duration;   // t minus the previous stage's t (or origin)
  std::string line;                // the line that matched, ANSI-stripped
  std::string reason;              // why it failed, empty when it passed
};

struct TestResult {
  std::string name;
  std::string send;
  StageStatus status = StageStatus::kNotReached;
  std::optional<Nanos> t;          // when the command was sent (or echoed)
  std::optional<Nanos> duration;   // until the next prompt
  std::string output;              // what the board answered, capped
  std::string reason;
};

struct Verdict {
  Outcome outcome = Outcome::kError;
  std::string failed_stage;        // stage or test name; empty on pass
  std::string reason;              // one line a person can act on
  std::vector<StageResult> stages;
  std::vector<TestResult> tests;
  std::map<std::string, std::string> facts;  // captured named groups
  std::vector<std::string> infra_errors;     // lab faults (runner only)
  std::vector<std::string> notes;            // no one's fault, but a reader must know (a log cap)
  std::optional<Nanos> total;                // origin to verdict
  bool timed = true;               // false for untimed replays: budgets not judged
};

}  // namespace hilt

#endif  // HILT_CORE_VERDICT_H_
