// Regression flags: what the run history concluded about one run compared
// with the runs before it (harness/runner/history.h computes them). Kept in
// core so the reports (result.json, report.html) can show them without
// depending on the history database.
#ifndef HILT_CORE_REGRESSION_H_
#define HILT_CORE_REGRESSION_H_

#include <string>
#include <vector>

namespace hilt {

struct Regression {
  // "slow-stage": a stage took longer than median + k·MAD of the recent
  // passing runs; "new-failure": a failure after a pass on the same board,
  // suite (and firmware, when known).
  std::string kind;
  std::string stage;       // the slow stage, or the failed stage
  std::string message;     // one line a person can act on
  double seconds = 0;      // slow-stage: this run's stage duration
  double median = 0;       // slow-stage: of the baseline runs
  double mad = 0;          // slow-stage: median absolute deviation
  double threshold = 0;    // slow-stage: median + k·MAD (floored, see history.h)
  int samples = 0;         // baseline runs judged against
  long long previous_run_id = 0;  // new-failure: the last passing run
};

using Regressions = std::vector<Regression>;

}  // namespace hilt

#endif  // HILT_CORE_REGRESSION_H_
