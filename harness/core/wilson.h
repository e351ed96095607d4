// The Wilson score interval for a proportion: how sure we are of a flake
// rate from n runs with k failures. Unlike the normal approximation it stays
// within [0, 1] and is useful at k = 0 ("0 of 10 failed" still means the
// rate may be up to 28 %).
#ifndef HILT_CORE_WILSON_H_
#define HILT_CORE_WILSON_H_

namespace hilt {

struct Interval {
  double low = 0;
  double high = 1;
};

inline constexpr double kZ95 = 1.959963984540054;  // two-sided 95 %

// `successes` of `trials` (successes <= trials). trials == 0: [0, 1].
Interval WilsonInterval(long successes, long trials, double z = kZ95);

}  // namespace hilt

#endif  // HILT_CORE_WILSON_H_
