#include "harness/runner/regression_detect.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace hilt {

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

namespace {

std::string Label(const std::string& firmware) { return firmware.empty() ? "unknown" : firmware; }

void SlowStages(const HistoryRecord& run, const std::vector<HistoryRecord>& past,
                const RegressionPolicy& policy, Regressions* out) {
  std::map<std::string, std::vector<double>> baseline;
  int passing = 0;
  for (const HistoryRecord& r : past) {
    if (r.verdict != "pass") continue;
    if (passing++ >= policy.window) break;
    for (const StageTime& s : r.stages) {
      if (s.status == "pass" && s.duration) baseline[s.stage].push_back(*s.duration);
    }
  }
  for (const StageTime& s : run.stages) {
    if (s.status != "pass" || !s.duration) continue;
    auto it = baseline.find(s.stage);
    if (it == baseline.end() || static_cast<int>(it->second.size()) < policy.min_samples) continue;
    const std::vector<double>& xs = it->second;
    const double median = Median(xs);
    std::vector<double> deviations;
    deviations.reserve(xs.size());
    for (double x : xs) deviations.push_back(std::fabs(x - median));
    const double mad = Median(deviations);
    const double floor = std::max(policy.min_margin, policy.min_fraction * median);
    const double threshold = median + std::max(policy.k * mad, floor);
    if (*s.duration <= threshold) continue;
    Regression r;
    r.kind = "slow-stage";
    r.stage = s.stage;
    r.seconds = *s.duration;
    r.median = median;
    r.mad = mad;
    r.threshold = threshold;
    r.samples = static_cast<int>(xs.size());
    r.message = fmt::format(
        "stage {} took {:.3f}s; the last {} passing runs took {:.3f}s (median, MAD {:.3f}s), "
        "limit {:.3f}s",
        s.stage, *s.duration, xs.size(), median, mad, threshold);
    out->push_back(std::move(r));
  }
}

void NewFailure(const HistoryRecord& run, const std::vector<HistoryRecord>& past,
                Regressions* out) {
  if (run.verdict != "fail") return;
  for (const HistoryRecord& r : past) {
    if (r.verdict == "error") continue;  // the lab's fault says nothing of the board
    if (r.verdict != "pass") return;     // it was already failing
    Regression reg;
    reg.kind = "new-failure";
    reg.stage = run.failed_stage;
    reg.previous_run_id = r.id;
    reg.samples = 1;
    if (run.firmware == r.firmware) {
      reg.message = fmt::format(
          "fails at {} on firmware {}, which passed in run {}: flaky, or the board or lab changed",
          run.failed_stage, Label(run.firmware), r.id);
    } else {
      reg.message = fmt::format(
          "fails at {} on firmware {}; run {} on firmware {} passed: a firmware regression?",
          run.failed_stage, Label(run.firmware), r.id, Label(r.firmware));
    }
    out->push_back(std::move(reg));
    return;
  }
}

}  // namespace

Regressions DetectRegressions(const HistoryRecord& run, const std::vector<HistoryRecord>& past,
                              const RegressionPolicy& policy) {
  Regressions out;
  NewFailure(run, past, &out);
  SlowStages(run, past, policy, &out);
  return out;
}

}  // namespace hilt
