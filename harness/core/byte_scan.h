// Word-at-a-time byte tests ("SWAR", from Bit Twiddling Hacks) for the hot
// loops that skip plain console text: the line splitter looks for controls,
// the console.log escaper for bytes to escape. Eight bytes are tested with a
// few integer operations, and only a word that may hold an interesting byte
// is looked at byte by byte.
//
// Each Word* test is exact about "none": zero means no byte of the word has
// the property; nonzero means at least one has (which byte is not said).
#ifndef HILT_CORE_BYTE_SCAN_H_
#define HILT_CORE_BYTE_SCAN_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace hilt {

inline constexpr uint64_t kByteOnes = 0x0101010101010101ULL;
inline constexpr uint64_t kByteHighs = 0x8080808080808080ULL;

inline uint64_t LoadWord(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// Some byte of w is 0x00.
constexpr uint64_t WordHasZero(uint64_t w) { return (w - kByteOnes) & ~w & kByteHighs; }

// Some byte of w equals b.
constexpr uint64_t WordHasByte(uint64_t w, unsigned char b) {
  return WordHasZero(w ^ (kByteOnes * b));
}

// Some byte of w is below n; n must be at most 0x80.
constexpr uint64_t WordHasLess(uint64_t w, unsigned char n) {
  return (w - kByteOnes * n) & ~w & kByteHighs;
}

// Some byte of w has its high bit set (0x80 and up).
constexpr uint64_t WordHasHigh(uint64_t w) { return w & kByteHighs; }

// Skips whole 8-byte words of p[i, n) while `may_stop(word)` is false, and
// returns where it stopped: the first word that may hold a stop byte, or
// the start of the last n - i < 8 bytes. Bytes before the result are plain.
template <typename MayStop>
inline size_t SkipPlainWords(const char* p, size_t i, size_t n, MayStop may_stop) {
  while (i + 8 <= n && !may_stop(LoadWord(p + i))) i += 8;
  return i;
}

}  // namespace hilt

#endif  // HILT_CORE_BYTE_SCAN_H_
