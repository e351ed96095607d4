// TeddyScan: finds where any of up to 8 groups of literals may start, 32
// text bytes at a time (the "Teddy" idea of Intel's Hyperscan, with AVX2).
//
// Each literal has a fingerprint of up to 4 of its bytes; the literals are
// put in 8 buckets. For fingerprint byte i, two 16-entry tables map the low and the
// high nibble of a text byte to the buckets whose literals may have that
// nibble there; one VPSHUFB looks up 32 bytes at once. A start position
// where the three bytes' lookups share a bucket bit is a candidate, which
// the caller compares with that bucket's literals. Nibbles lose precision
// (a candidate may be no literal at all) but never a literal: every byte
// a literal may have at offset i sets its bucket in both of that offset's
// tables.
//
// There are no data-dependent loads or branches per byte, unlike a shift
// table, whose steps of at most the shortest literal's length chain one
// lookup to the next.
#ifndef HILT_CORE_TEDDY_SCAN_H_
#define HILT_CORE_TEDDY_SCAN_H_

#include <cstddef>
#include <cstdint>

namespace hilt {

struct TeddyMasks {
  static constexpr int kFingerprintBytes = 4;
  // [i][nibble] and again at [i][16 + nibble]: VPSHUFB looks up each
  // 128-bit lane in its own copy.
  alignas(32) uint8_t lo[kFingerprintBytes][32] = {};
  alignas(32) uint8_t hi[kFingerprintBytes][32] = {};

  // Lets byte value `b` at fingerprint offset `i` through for `bucket`.
  void Allow(int i, unsigned char b, int bucket);
  // Lets every byte at offset `i` through for `bucket` (a shorter fingerprint).
  void AllowAny(int i, int bucket);
};

// Whether this CPU runs TeddyScanAvx2 (checked once).
bool CpuHasAvx2();

constexpr size_t kTeddyStepBytes = 32 + TeddyMasks::kFingerprintBytes - 1;

// Called for each candidate: its start position and its bucket bits.
// Returns false to stop the scan there.
using TeddyCandidateFn = bool (*)(void* context, size_t start, uint32_t buckets);

// Reports every candidate start position below the one it returns, in
// increasing order. It returns where it stopped: just past the candidate
// for which fn returned false, or fewer than kTeddyStepBytes
// before the end (a step reads that much for its 32 positions), for the
// caller to look at by other means. Needs CpuHasAvx2().
size_t TeddyScanAvx2(const TeddyMasks& masks, const char* text, size_t n, TeddyCandidateFn fn,
                     void* context);

}  // namespace hilt

#endif  // HILT_CORE_TEDDY_SCAN_H_
