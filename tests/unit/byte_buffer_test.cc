// CopyBytes (overlapping short moves) against memcpy at every length and
// alignment, touching nothing outside the ranges; ByteBuffer against
// std::string on random appends (with and without a terminator), clears and
// front erasures.
#include "harness/core/byte_buffer.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace hilt {
namespace {

TEST(ByteBufferTest, CopyBytesEqualsMemcpyAtEveryLengthAndOffset) {
  std::mt19937 rng(11);
  std::vector<char> src(300);
  for (char& c : src) c = static_cast<char>(rng() & 0xFF);
  for (size_t n = 0; n <= 160; ++n) {
    for (size_t from = 0; from < 17; ++from) {
      for (size_t to = 0; to < 17; to += 4) {
        std::vector<char> dst(200 + 40, '\x5A');
        CopyBytes(dst.data() + 20 + to, src.data() + from, n);
        for (size_t k = 0; k < dst.size(); ++k) {
          const bool inside = k >= 20 + to && k < 20 + to + n;
          const char want = inside ? src[from + (k - 20 - to)] : '\x5A';
          ASSERT_EQ(dst[k], want) << "n " << n << " from " << from << " to " << to << " at " << k;
        }
      }
    }
  }
}

TEST(ByteBufferTest, EqualsAStringOnRandomOperations) {
  std::mt19937 rng(12);
  ByteBuffer buffer;
  std::string want;
  for (int step = 0; step < 20000; ++step) {
    const unsigned op = rng() % 100;
    if (op < 60) {
      std::string piece(rng() % (op < 5 ? 5000 : 90), '\0');
      for (char& c : piece) c = static_cast<char>(rng() & 0xFF);
      if (op < 40) {
        buffer.append(piece);
        want += piece;
      } else {
        const char end = static_cast<char>(rng() & 0xFF);
        buffer.append_with(piece, end);
        want += piece;
        want += end;
      }
    } else if (op < 90) {
      const char c = static_cast<char>(rng() & 0xFF);
      buffer.push_back(c);
      want += c;
    } else if (op < 98) {
      const size_t n = want.empty() ? 0 : rng() % (want.size() + 1);
      buffer.erase_front(n);
      want.erase(0, n);
    } else {
      buffer.clear();
      want.clear();
    }
    ASSERT_EQ(buffer.size(), want.size());
    ASSERT_EQ(buffer.empty(), want.empty());
    ASSERT_GE(buffer.capacity(), buffer.size());
    ASSERT_EQ(buffer.view(), want) << "step " << step;
  }
}

TEST(ByteBufferTest, AppendWithFillsToTheLastByteThenGrows) {
  for (size_t n = 1; n <= 70; ++n) {
    ByteBuffer buffer;
    buffer.reserve(n);
    const size_t capacity = buffer.capacity();
    const std::string piece(capacity - 1, 'x');
    buffer.append_with(piece, '\n');
    EXPECT_EQ(buffer.capacity(), capacity);
    EXPECT_EQ(buffer.view(), piece + "\n");
    buffer.append_with("", '!');
    EXPECT_GT(buffer.capacity(), capacity);
    EXPECT_EQ(buffer.view(), piece + "\n!");
  }
}

TEST(ByteBufferTest, ReserveKeepsTheBytesAndAvoidsGrowing) {
  ByteBuffer buffer;
  EXPECT_TRUE(buffer.view().empty());
  buffer.append("abc");
  buffer.reserve(1000);
  EXPECT_EQ(buffer.view(), "abc");
  const char* data = buffer.data();
  for (int i = 0; i < 99; ++i) buffer.append("0123456789");
  EXPECT_EQ(buffer.data(), data);  // no reallocation within the reserve
  EXPECT_EQ(buffer.size(), 993u);
}

}  // namespace
}  // namespace hilt
