// What `hilt repro` reports after running a suite again and again: the flake
// rate with its 95 % Wilson interval, and how much each stage's time varied.
// Lab errors (verdict "error") are counted apart: they say nothing about the
// board, so they are not in the flake rate.
#ifndef HILT_CORE_REPRO_STATS_H_
#define HILT_CORE_REPRO_STATS_H_

#include <map>
#include <string>
#include <vector>

#include "harness/core/verdict.h"
#include "harness/core/wilson.h"

namespace hilt {

struct StageSpread {
  std::string stage;
  int samples = 0;
  double min = 0, median = 0, max = 0;  // seconds
};

class ReproStats {
 public:
  void Add(const Verdict& verdict);

  int runs() const { return passes_ + failures_ + errors_; }
  int passes() const { return passes_; }
  int failures() const { return failures_; }
  int errors() const { return errors_; }
  // failures / (passes + failures); 0 when there is none.
  double flake_rate() const;
  Interval flake_interval() const;
  // Durations of the stages that passed, in suite order.
  std::vector<StageSpread> Spread() const;
  // Several lines for the terminal: rate, interval, spread table.
  std::string Summary() const;

 private:
  int passes_ = 0, failures_ = 0, errors_ = 0;
  std::vector<std::string> order_;
  std::map<std::string, std::vector<double>> durations_;
};

}  // namespace hilt

#endif  // HILT_CORE_REPRO_STATS_H_
