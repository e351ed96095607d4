// FindStopByte (16 bytes at a time with SSE2, 8 with SWAR, then bytes) must
// find exactly the first stop byte, wherever it sits relative to the wide
// steps: checked against a byte loop at every start and length of random
// buffers, and for each of the 256 byte values at every position.
#include "harness/core/byte_scan.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace hilt {
namespace {

size_t NaiveFind(const std::string& s, size_t i, size_t n, StopBytes set) {
  for (; i < n; ++i) {
    if (IsStopByte(static_cast<unsigned char>(s[i]), set)) return i;
  }
  return n;
}

TEST(ByteScanTest, StopBytesAreTheDocumentedOnes) {
  for (int b = 0; b < 256; ++b) {
    const auto c = static_cast<unsigned char>(b);
    const bool control = (b < 0x20 && b != '\t') || b == 0x7F || b == 0xFF;
    const bool escape = (b < 0x20 && b != '\t') || b >= 0x7F || b == '\\';
    EXPECT_EQ(IsStopByte(c, StopBytes::kControl), control) << b;
    EXPECT_EQ(IsStopByte(c, StopBytes::kEscape), escape) << b;
  }
}

TEST(ByteScanTest, EveryByteValueAtEveryPosition) {
  for (StopBytes set : {StopBytes::kControl, StopBytes::kEscape}) {
    for (size_t len : {1u, 7u, 8u, 9u, 15u, 16u, 17u, 31u, 33u, 40u}) {
      for (size_t at = 0; at < len; ++at) {
        for (int b = 0; b < 256; ++b) {
          std::string s(len, 'a');
          s[at] = static_cast<char>(b);
          const bool stop = IsStopByte(static_cast<unsigned char>(b), set);
          ASSERT_EQ(FindStopByte(s.data(), 0, len, set), stop ? at : len)
              << "len " << len << " at " << at << " byte " << b;
        }
      }
    }
  }
}

TEST(ByteScanTest, MatchesAByteLoopOnRandomText) {
  std::mt19937 rng(7988);
  for (int round = 0; round < 200; ++round) {
    std::string s(1 + rng() % 80, 'x');
    // Mostly plain text, a few stop bytes, tabs and UTF-8.
    for (char& c : s) {
      const unsigned r = rng() % 100;
      c = r < 90 ? static_cast<char>(0x20 + rng() % 0x5F)
                 : r < 94 ? '\t' : static_cast<char>(rng() % 256);
    }
    for (StopBytes set : {StopBytes::kControl, StopBytes::kEscape}) {
      for (size_t i = 0; i <= s.size(); ++i) {
        for (size_t n = i; n <= s.size(); n += 1 + n % 5) {
          ASSERT_EQ(FindStopByte(s.data(), i, n, set), NaiveFind(s, i, n, set))
              << "round " << round << " i " << i << " n " << n;
        }
      }
    }
  }
}

TEST(ByteScanTest, WordTestsAreExactAboutNone) {
  EXPECT_EQ(WordHasZero(LoadWord("abcdefgh")), 0u);
  EXPECT_NE(WordHasZero(LoadWord("abc\0efgh")), 0u);
  EXPECT_NE(WordHasByte(LoadWord("abcdefg\\"), '\\'), 0u);
  EXPECT_EQ(WordHasLess(LoadWord("        "), 0x20), 0u);
  EXPECT_NE(WordHasLess(LoadWord("       \x1f"), 0x20), 0u);
  EXPECT_NE(WordHasHigh(LoadWord("\x80       ")), 0u);
}

}  // namespace
}  // namespace hilt
