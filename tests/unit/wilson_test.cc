#include "harness/core/wilson.h"

#include <gtest/gtest.h>

namespace hilt {
namespace {

// Reference values: Wilson (1927) score interval, z = 1.96, as tabulated by
// e.g. Newcombe (1998) and the epitools/statsmodels implementations.
TEST(WilsonTest, KnownValues) {
  Interval a = WilsonInterval(0, 10);
  EXPECT_NEAR(a.low, 0.0, 1e-9);
  EXPECT_NEAR(a.high, 0.27753, 1e-5);
  Interval b = WilsonInterval(5, 10);
  EXPECT_NEAR(b.low, 0.23659, 1e-5);
  EXPECT_NEAR(b.high, 0.76341, 1e-5);
  Interval c = WilsonInterval(1, 20);
  EXPECT_NEAR(c.low, 0.00888, 1e-5);
  EXPECT_NEAR(c.high, 0.23613, 1e-5);
  Interval d = WilsonInterval(3, 100);
  EXPECT_NEAR(d.low, 0.01025, 1e-5);
  EXPECT_NEAR(d.high, 0.08452, 1e-5);
}

TEST(WilsonTest, SymmetricAndBounded) {
  Interval all = WilsonInterval(10, 10);
  EXPECT_NEAR(all.low, 1 - 0.27753, 1e-5);
  EXPECT_LE(all.high, 1.0);
  Interval none = WilsonInterval(0, 0);
  EXPECT_EQ(none.low, 0);
  EXPECT_EQ(none.high, 1);
  // More trials, narrower interval.
  Interval small = WilsonInterval(1, 10), large = WilsonInterval(10, 100);
  EXPECT_LT(large.high - large.low, small.high - small.low);
}

}  // namespace
}  // namespace hilt
