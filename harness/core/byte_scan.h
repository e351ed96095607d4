// Word-at-a-time byte tests ("SWAR", from Bit Twiddling Hacks) for the hot
// loops that skip plain console text: the line splitter looks for controls,
// the console.log escaper for bytes to escape. Eight bytes are tested with a
// few integer operations, and only a word that may hold an interesting byte
// is looked at byte by byte.
//
// Each Word* test is exact about "none": zero means no byte of the word has
// the property; nonzero means at least one has (which byte is not said).
//
// FindStopByte is what both scanners call: with SSE2 (every x86-64) it tests
// 16 bytes at a time and gets the exact offset from a bit mask; elsewhere it
// skips plain 8-byte words and looks at the rest byte by byte.
#ifndef HILT_CORE_BYTE_SCAN_H_
#define HILT_CORE_BYTE_SCAN_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// The bytes a scanner stops at.
enum class StopBytes {
  // The line splitter's: C0 controls but tab (line ends, NUL, ESC, ...),
  // DEL and 0xFF, which it drops or acts on.
  kControl,
  // The console.log escaper's: C0 controls but tab, DEL, the backslash, and
  // every byte from 0x80 (checked there as UTF-8).
  kEscape,
};

inline bool IsStopByte(unsigned char b, StopBytes set) {
  if (b < 0x20) return b != '\t';
  if (set == StopBytes::kControl) return b == 0x7F || b == 0xFF;
  return b >= 0x7F || b == '\\';
}

#if defined(__SSE2__)
// Bit k set if byte k of x is a stop byte. Both sets fold the ranges into
// one compare of x + 1 (wrapping): C0 controls become 0x01..0x20, 0xFF
// becomes 0x00 and, as a signed byte, DEL and every byte from 0x80 become
// negative; tab is then taken out.
inline unsigned StopMask16(__m128i x, StopBytes set) {
  const __m128i x1 = _mm_add_epi8(x, _mm_set1_epi8(1));
  const __m128i tab = _mm_cmpeq_epi8(x, _mm_set1_epi8('\t'));
  __m128i stop;
  if (set == StopBytes::kControl) {
    // x + 1 <= 0x20 unsigned: C0 or 0xFF; then DEL.
    const __m128i c0_or_ff = _mm_cmpeq_epi8(_mm_min_epu8(x1, _mm_set1_epi8(0x20)), x1);
    const __m128i del = _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7F));
    stop = _mm_or_si128(_mm_andnot_si128(tab, c0_or_ff), del);
  } else {
    // x + 1 < 0x21 signed: C0, DEL or a byte from 0x80; then the backslash.
    const __m128i c0_del_high = _mm_cmplt_epi8(x1, _mm_set1_epi8(0x21));
    const __m128i backslash = _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'));
    stop = _mm_or_si128(_mm_andnot_si128(tab, c0_del_high), backslash);
  }
  return static_cast<unsigned>(_mm_movemask_epi8(stop));
}

// The same for the 16 bytes at p.
inline unsigned StopMask16(const char* p, StopBytes set) {
  return StopMask16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), set);
}
#endif

// The offset of the first stop byte in p[i, n), or n.
inline size_t FindStopByte(const char* p, size_t i, size_t n, StopBytes set) {
#if defined(__SSE2__)
  if (n >= 16) {
    for (; i + 16 <= n; i += 16) {
      const unsigned mask = StopMask16(p + i, set);
      if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
    }
    if (i >= n) return n;
    // The tail: the last 16 bytes, without those before i.
    const unsigned mask = StopMask16(p + n - 16, set) >> (16 - (n - i));
    return mask != 0 ? i + static_cast<size_t>(__builtin_ctz(mask)) : n;
  }
#endif
  auto may_stop = [set](uint64_t w) {
    const uint64_t c0 = WordHasLess(w, 0x20) | WordHasByte(w, 0x7F);
    return set == StopBytes::kControl ? (c0 | WordHasByte(w, 0xFF)) != 0
                                      : (c0 | WordHasHigh(w) | WordHasByte(w, '\\')) != 0;
  };
  for (;;) {
    i = SkipPlainWords(p, i, n, may_stop);
    const size_t end = i + 8 < n ? i + 8 : n;
    for (; i < end; ++i) {
      if (IsStopByte(static_cast<unsigned char>(p[i]), set)) return i;
    }
    if (i == n) return n;
  }
}

}  // namespace hilt

#endif  // HILT_CORE_BYTE_SCAN_H_
