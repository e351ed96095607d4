// TeddyScanAvx2 against its definition, byte by byte: a start position is a
// candidate with bucket bits B exactly when B, the AND over the fingerprint
// offsets of lo[i][nibble] & hi[i][nibble], is not zero.
#include "harness/core/teddy_scan.h"

#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace hilt {
namespace {

uint32_t BucketsAt(const TeddyMasks& m, const std::string& text, size_t s) {
  uint32_t bits = 0xFF;
  for (int i = 0; i < TeddyMasks::kFingerprintBytes; ++i) {
    const auto b = static_cast<unsigned char>(text[s + static_cast<size_t>(i)]);
    bits &= m.lo[i][b & 0x0F] & m.hi[i][b >> 4];
  }
  return bits;
}

TEST(TeddyScanTest, ReportsExactlyTheCandidatesOfTheDefinition) {
  if (!CpuHasAvx2()) GTEST_SKIP() << "this CPU has no AVX2; the prefilter uses Wu-Manber";
  std::mt19937 rng(7);
  size_t candidates = 0;
  for (int round = 0; round < 200; ++round) {
    TeddyMasks masks;
    // Some buckets, each letting 3-6 of the text's 10 letters through at
    // each offset (or any byte at the last): candidates are neither
    // everywhere nor nowhere.
    for (int bucket = 0; bucket < 8; ++bucket) {
      if (rng() % 2 != 0) continue;
      for (int i = 0; i < TeddyMasks::kFingerprintBytes; ++i) {
        if (i + 1 == TeddyMasks::kFingerprintBytes && rng() % 4 == 0) {
          masks.AllowAny(i, bucket);
          continue;
        }
        for (int k = 3 + static_cast<int>(rng() % 4); k > 0; --k) {
          masks.Allow(i, static_cast<unsigned char>(rng() % 10 + 'a'), bucket);
        }
      }
    }
    std::string text(rng() % 200, '\0');
    for (char& c : text) c = static_cast<char>(rng() % 10 + 'a');
    std::vector<std::pair<size_t, uint32_t>> got;
    auto record = [](void* c, size_t start, uint32_t buckets) {
      static_cast<std::vector<std::pair<size_t, uint32_t>>*>(c)->emplace_back(start, buckets);
      return true;
    };
    const size_t stop = TeddyScanAvx2(masks, text.data(), text.size(), record, &got);
    ASSERT_LE(stop, text.size());
    ASSERT_LT(text.size() - stop, kTeddyStepBytes);
    std::vector<std::pair<size_t, uint32_t>> want;
    for (size_t s = 0; s < stop; ++s) {
      if (uint32_t bits = BucketsAt(masks, text, s); bits != 0) want.emplace_back(s, bits);
    }
    ASSERT_EQ(got, want) << "round " << round << " text " << text;
    candidates += got.size();
  }
  EXPECT_GT(candidates, 500u);  // the masks let enough through to compare
}

TEST(TeddyScanTest, ShortTextIsLeftWhole) {
  if (!CpuHasAvx2()) GTEST_SKIP() << "this CPU has no AVX2";
  TeddyMasks masks;
  for (int i = 0; i < TeddyMasks::kFingerprintBytes; ++i) masks.Allow(i, 'a', 0);
  const std::string text(kTeddyStepBytes - 1, 'a');
  int calls = 0;
  auto count = [](void* c, size_t, uint32_t) {
    ++*static_cast<int*>(c);
    return true;
  };
  EXPECT_EQ(TeddyScanAvx2(masks, text.data(), text.size(), count, &calls), 0u);
  EXPECT_EQ(calls, 0);
  const std::string longer(kTeddyStepBytes, 'a');
  EXPECT_EQ(TeddyScanAvx2(masks, longer.data(), longer.size(), count, &calls), 32u);
  EXPECT_EQ(calls, 32);
}

TEST(TeddyScanTest, StopsWhereTheCallbackSaysSo) {
  if (!CpuHasAvx2()) GTEST_SKIP() << "this CPU has no AVX2";
  TeddyMasks masks;
  for (int i = 0; i < TeddyMasks::kFingerprintBytes; ++i) masks.Allow(i, 'a', 0);
  const std::string text(200, 'a');
  std::vector<size_t> seen;
  auto third = [](void* c, size_t start, uint32_t) {
    auto* v = static_cast<std::vector<size_t>*>(c);
    v->push_back(start);
    return v->size() < 3;
  };
  EXPECT_EQ(TeddyScanAvx2(masks, text.data(), text.size(), third, &seen), 3u);
  EXPECT_EQ(seen, (std::vector<size_t>{0, 1, 2}));
}

}  // namespace
}  // namespace hilt
