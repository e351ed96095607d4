#include "harness/image/byte_ranges.h"

#include <gtest/gtest.h>

namespace hilt {
namespace {

TEST(ByteRangesTest, NormalizeSortsMergesAndDropsEmpty) {
  EXPECT_EQ(Normalize({{10, 5}, {0, 4}, {4, 2}, {12, 10}, {30, 0}}),
            (RangeSet{{0, 6}, {10, 12}}));
}

TEST(ByteRangesTest, SubtractCutsHoles) {
  RangeSet from{{0, 100}, {200, 50}};
  EXPECT_EQ(Subtract(from, {{10, 10}, {90, 120}, {240, 100}}),
            (RangeSet{{0, 10}, {20, 70}, {210, 30}}));
  EXPECT_EQ(Subtract(from, {}), from);
  EXPECT_TRUE(Subtract(from, {{0, 1000}}).empty());
}

TEST(ByteRangesTest, IntersectKeepsCommonBytes) {
  EXPECT_EQ(Intersect({{0, 100}, {200, 100}}, {{50, 200}}), (RangeSet{{50, 50}, {200, 50}}));
}

TEST(ByteRangesTest, AlignGrowsOutwardAndShrinksInward) {
  EXPECT_EQ(AlignOutward({{100, 10}, {600, 1}}, 512, 1000), (RangeSet{{0, 1000}}));
  EXPECT_EQ(AlignOutward({{100, 10}}, 512, 4096), (RangeSet{{0, 512}}));
  EXPECT_EQ(AlignInward({{100, 1000}, {1030, 10}}, 512), (RangeSet{{512, 512}}));
}

TEST(ByteRangesTest, OverlapLengthCountsBytesInSet) {
  RangeSet set{{0, 10}, {20, 10}, {40, 10}};
  EXPECT_EQ(OverlapLength(set, {5, 20}), 10u);
  EXPECT_EQ(OverlapLength(set, {10, 10}), 0u);
  EXPECT_EQ(OverlapLength(set, {0, 100}), 30u);
  EXPECT_EQ(TotalLength(set), 30u);
}

}  // namespace
}  // namespace hilt
