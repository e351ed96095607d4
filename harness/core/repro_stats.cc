#include "harness/core/repro_stats.h"

#include <algorithm>

#include <fmt/format.h>

#include "harness/core/log_text.h"

namespace hilt {

void ReproStats::Add(const Verdict& v) {
  switch (v.outcome) {
    case Outcome::kPass: ++passes_; break;
    case Outcome::kFail: ++failures_; break;
    case Outcome::kError: ++errors_; return;  // no board times from a lab fault
  }
  if (!v.timed) return;
  for (const StageResult& s : v.stages) {
    if (s.status != StageStatus::kPass || !s.duration) continue;
    auto [it, inserted] = durations_.try_emplace(s.name);
    if (inserted) order_.push_back(s.name);
    it->second.push_back(ToSeconds(*s.duration));
  }
}

double ReproStats::flake_rate() const {
  const int judged = passes_ + failures_;
  return judged == 0 ? 0 : static_cast<double>(failures_) / judged;
}

Interval ReproStats::flake_interval() const { return WilsonInterval(failures_, passes_ + failures_); }

std::vector<StageSpread> ReproStats::Spread() const {
  std::vector<StageSpread> out;
  for (const std::string& name : order_) {
    std::vector<double> xs = durations_.at(name);
    std::sort(xs.begin(), xs.end());
    StageSpread s;
    s.stage = name;
    s.samples = static_cast<int>(xs.size());
    s.min = xs.front();
    s.max = xs.back();
    const size_t mid = xs.size() / 2;
    s.median = xs.size() % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
    out.push_back(s);
  }
  return out;
}

std::string ReproStats::Summary() const {
  const Interval ci = flake_interval();
  std::string out = fmt::format("runs: {} ({} passed, {} failed, {} lab errors)\n", runs(),
                                passes_, failures_, errors_);
  if (passes_ + failures_ > 0) {
    out += fmt::format("flake rate: {:.1f}% ({} of {}), 95% Wilson interval [{:.1f}%, {:.1f}%]\n",
                       100 * flake_rate(), failures_, passes_ + failures_, 100 * ci.low,
                       100 * ci.high);
  }
  const std::vector<StageSpread> spread = Spread();
  if (!spread.empty()) {
    size_t width = 5;
    for (const StageSpread& s : spread) width = std::max(width, s.stage.size());
    out += fmt::format("  {:<{}}  {:>4}  {:>8}  {:>8}  {:>8}\n", "stage", width, "n", "min",
                       "median", "max");
    for (const StageSpread& s : spread) {
      out += fmt::format("  {:<{}}  {:>4}  {:>7.3f}s  {:>7.3f}s  {:>7.3f}s\n",
                         PrintableExcerpt(s.stage, 60), width, s.samples, s.min, s.median, s.max);
    }
  }
  return out;
}

}  // namespace hilt
