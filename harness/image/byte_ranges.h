// Sets of byte ranges: what the flasher writes, zeroes, discards and
// verifies is computed as unions and differences of these.
#ifndef HILT_IMAGE_BYTE_RANGES_H_
#define HILT_IMAGE_BYTE_RANGES_H_

#include <cstdint>
#include <vector>

namespace hilt {

struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
  uint64_t end() const { return offset + length; }
  bool operator==(const ByteRange&) const = default;
};

// A normalized set is sorted, with no empty, overlapping or touching ranges.
using RangeSet = std::vector<ByteRange>;

RangeSet Normalize(RangeSet ranges);
// The functions below take and return normalized sets.
RangeSet Subtract(const RangeSet& from, const RangeSet& remove);
RangeSet Intersect(const RangeSet& a, const RangeSet& b);
// Each range grown to multiples of `align` (a power of two), then cut at `limit`.
RangeSet AlignOutward(const RangeSet& ranges, uint64_t align, uint64_t limit);
// Each range shrunk to multiples of `align`; ranges left empty vanish.
RangeSet AlignInward(const RangeSet& ranges, uint64_t align);
uint64_t TotalLength(const RangeSet& ranges);
// How many bytes of `r` lie in `set`.
uint64_t OverlapLength(const RangeSet& set, ByteRange r);

}  // namespace hilt

#endif  // HILT_IMAGE_BYTE_RANGES_H_
