#include "harness/image/byte_ranges.h"

#include <algorithm>

namespace hilt {

RangeSet Normalize(RangeSet ranges) {
  std::erase_if(ranges, [](const ByteRange& r) { return r.length == 0; });
  std::sort(ranges.begin(), ranges.end(),
            [](const ByteRange& a, const ByteRange& b) { return a.offset < b.offset; });
  RangeSet out;
  for (const auto& r : ranges) {
    if (!out.empty() && r.offset <= out.back().end()) {
      out.back().length = std::max(out.back().end(), r.end()) - out.back().offset;
    } else {
      out.push_back(r);
    }
  }
  return out;
}

RangeSet Subtract(const RangeSet& from, const RangeSet& remove) {
  RangeSet out;
  size_t j = 0;
  for (const auto& r : from) {
    uint64_t cursor = r.offset;
    while (j < remove.size() && remove[j].end() <= cursor) ++j;
    for (size_t k = j; k < remove.size() && remove[k].offset < r.end(); ++k) {
      if (remove[k].offset > cursor) out.push_back({cursor, remove[k].offset - cursor});
      cursor = std::max(cursor, remove[k].end());
    }
    if (cursor < r.end()) out.push_back({cursor, r.end() - cursor});
  }
  return out;
}

RangeSet Intersect(const RangeSet& a, const RangeSet& b) {
  RangeSet out;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    uint64_t begin = std::max(a[i].offset, b[j].offset);
    uint64_t end = std::min(a[i].end(), b[j].end());
    if (begin < end) out.push_back({begin, end - begin});
    if (a[i].end() < b[j].end()) ++i; else ++j;
  }
  return out;
}

RangeSet AlignOutward(const RangeSet& ranges, uint64_t align, uint64_t limit) {
  RangeSet out;
  for (const auto& r : ranges) {
    uint64_t begin = r.offset / align * align;
    uint64_t end = std::min((r.end() + align - 1) / align * align, limit);
    if (begin < end) out.push_back({begin, end - begin});
  }
  return Normalize(std::move(out));
}

RangeSet AlignInward(const RangeSet& ranges, uint64_t align) {
  RangeSet out;
  for (const auto& r : ranges) {
    uint64_t begin = (r.offset + align - 1) / align * align;
    uint64_t end = r.end() / align * align;
    if (begin < end) out.push_back({begin, end - begin});
  }
  return out;
}

uint64_t TotalLength(const RangeSet& ranges) {
  uint64_t total = 0;
  for (const auto& r : ranges) total += r.length;
  return total;
}

uint64_t OverlapLength(const RangeSet& set, ByteRange r) {
  auto it = std::lower_bound(set.begin(), set.end(), r.offset,
                             [](const ByteRange& s, uint64_t off) { return s.end() <= off; });
  uint64_t total = 0;
  for (; it != set.end() && it->offset < r.end(); ++it) {
    total += std::min(it->end(), r.end()) - std::max(it->offset, r.offset);
  }
  return total;
}

}  // namespace hilt
