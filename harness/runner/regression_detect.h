// Regression detection over the run history: pure functions of one run and
// the runs before it, so the statistics are tested without a database.
//
// slow-stage: a stage that passed and took longer than
//     median + max(k·MAD, floor)   with floor = max(min_margin, min_fraction·median)
//   of the same stage's durations in the last `window` passing runs of the
//   same board and suite (MAD: median absolute deviation, unscaled). Judged
//   only with at least `min_samples` of them. The floor keeps a simulator
//   whose stages always take the same time (MAD 0) from flagging jitter.
// new-failure: the run failed (verdict "fail"; lab errors are not the
//   board's) and the last earlier run of the same board and suite that was
//   not a lab error passed. The message says whether the firmware changed.
#ifndef HILT_RUNNER_REGRESSION_DETECT_H_
#define HILT_RUNNER_REGRESSION_DETECT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/regression.h"

namespace hilt {

struct RegressionPolicy {
  int window = 20;             // passing runs in the baseline
  double k = 4.0;              // MADs above the median
  int min_samples = 5;         // fewer: no judgement
  double min_margin = 0.05;    // seconds
  double min_fraction = 0.05;  // of the median
};

struct StageTime {
  std::string stage;
  std::string status;               // "pass", "fail", "not-reached"
  std::optional<double> t;          // seconds since power-on
  std::optional<double> duration;   // seconds since the previous stage
};

struct HistoryRecord {
  int64_t id = 0;
  int64_t started_at = 0;     // Unix seconds, UTC
  std::string board;
  std::string suite;
  std::string firmware;       // from the build step; empty when unknown
  std::string verdict;        // "pass", "fail", "error"
  std::string failed_stage;
  std::string reason;
  std::optional<double> total;
  std::string run_dir;
  std::vector<StageTime> stages;
  Regressions regressions;    // as judged when it was recorded
};

double Median(std::vector<double> values);  // 0 for none

// `past`: earlier runs of the same board and suite, newest first (any
// verdict; at least `window` passing ones when there are that many).
Regressions DetectRegressions(const HistoryRecord& run, const std::vector<HistoryRecord>& past,
                              const RegressionPolicy& policy);

}  // namespace hilt

#endif  // HILT_RUNNER_REGRESSION_DETECT_H_
