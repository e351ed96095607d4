#include "harness/core/teddy_scan.h"

#include <immintrin.h>

#include <initializer_list>

namespace hilt {

void TeddyMasks::Allow(int i, unsigned char b, int bucket) {
  const auto bit = static_cast<uint8_t>(1u << bucket);
  for (int lane : {0, 16}) {
    lo[i][lane + (b & 0x0F)] |= bit;
    hi[i][lane + (b >> 4)] |= bit;
  }
}

void TeddyMasks::AllowAny(int i, int bucket) {
  const auto bit = static_cast<uint8_t>(1u << bucket);
  for (int k = 0; k < 32; ++k) {
    lo[i][k] |= bit;
    hi[i][k] |= bit;
  }
}

bool CpuHasAvx2() {
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return has;
}

namespace {

// The buckets whose fingerprint byte i may be each of the 32 bytes of v.
__attribute__((target("avx2"))) inline __m256i Lookup(__m256i v, __m256i lo, __m256i hi) {
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  const __m256i lo_bits = _mm256_shuffle_epi8(lo, _mm256_and_si256(v, low4));
  const __m256i hi_bits = _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(v, 4), low4));
  return _mm256_and_si256(lo_bits, hi_bits);
}

__attribute__((target("avx2"))) inline __m256i Load(const char* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

__attribute__((target("avx2"))) inline __m256i Table(const uint8_t* t) {
  return _mm256_load_si256(reinterpret_cast<const __m256i*>(t));
}

}  // namespace

__attribute__((target("avx2"))) size_t TeddyScanAvx2(const TeddyMasks& masks, const char* text,
                                                      size_t n, TeddyCandidateFn fn,
                                                      void* context) {
  static_assert(TeddyMasks::kFingerprintBytes == 4, "the loop reads four shifted copies");
  const __m256i lo0 = Table(masks.lo[0]), hi0 = Table(masks.hi[0]);
  const __m256i lo1 = Table(masks.lo[1]), hi1 = Table(masks.hi[1]);
  const __m256i lo2 = Table(masks.lo[2]), hi2 = Table(masks.hi[2]);
  const __m256i lo3 = Table(masks.lo[3]), hi3 = Table(masks.hi[3]);
  const __m256i zero = _mm256_setzero_si256();
  size_t pos = 0;
  for (; n - pos >= kTeddyStepBytes; pos += 32) {  // pos <= n throughout
    const __m256i hits = _mm256_and_si256(
        _mm256_and_si256(Lookup(Load(text + pos), lo0, hi0), Lookup(Load(text + pos + 1), lo1, hi1)),
        _mm256_and_si256(Lookup(Load(text + pos + 2), lo2, hi2), Lookup(Load(text + pos + 3), lo3, hi3)));
    auto any = ~static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hits, zero)));
    if (any == 0) continue;
    alignas(32) uint8_t bits[32];
    _mm256_store_si256(reinterpret_cast<__m256i*>(bits), hits);
    while (any != 0) {
      const int k = __builtin_ctz(any);
      any &= any - 1;
      const size_t start = pos + static_cast<size_t>(k);
      if (!fn(context, start, bits[k])) return start + 1;
    }
  }
  return pos;
}

}  // namespace hilt
