#include "harness/core/utf8.h"

#include <gtest/gtest.h>

namespace hilt {
namespace {

TEST(Utf8Test, SequenceLengthAcceptsOnlyWellFormedUtf8) {
  EXPECT_EQ(Utf8SequenceLength("a"), 1u);
  EXPECT_EQ(Utf8SequenceLength("\xc3\xa9"), 2u);
  EXPECT_EQ(Utf8SequenceLength("\xe2\x82\xac"), 3u);
  EXPECT_EQ(Utf8SequenceLength("\xf0\x9f\x98\x80"), 4u);
  EXPECT_EQ(Utf8SequenceLength(""), 0u);
  EXPECT_EQ(Utf8SequenceLength("\x80"), 0u);              // stray continuation
  EXPECT_EQ(Utf8SequenceLength("\xc0\xaf"), 0u);          // overlong
  EXPECT_EQ(Utf8SequenceLength("\xe0\x80\xaf"), 0u);      // overlong
  EXPECT_EQ(Utf8SequenceLength("\xed\xa0\x80"), 0u);      // surrogate
  EXPECT_EQ(Utf8SequenceLength("\xf4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(Utf8SequenceLength("\xe2\x82"), 0u);          // truncated
  EXPECT_EQ(Utf8SequenceLength("\xff"), 0u);
}

TEST(Utf8Test, DecodesCodePoints) {
  EXPECT_EQ(DecodeUtf8("\xe2\x82\xac", 3), U'\u20ac');
  EXPECT_EQ(DecodeUtf8("\xf0\x9f\x98\x80", 4), U'\U0001F600');
}

TEST(Utf8Test, ToValidUtf8ReplacesEachBadByte) {
  EXPECT_EQ(ToValidUtf8("a\xff" "b\xe2\x82\xac"), "a\xef\xbf\xbd" "b\xe2\x82\xac");
  EXPECT_EQ(ToValidUtf8("\xc3"), "\xef\xbf\xbd");
}

}  // namespace
}  // namespace hilt
