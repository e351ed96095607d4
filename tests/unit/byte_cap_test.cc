#include "harness/core/byte_cap.h"

#include <gtest/gtest.h>

#include "harness/core/yaml_doc.h"

namespace hilt {
namespace {

TEST(ByteCapTest, AdmitsUpToTheCapAndCountsTheRest) {
  ByteCap cap(100);
  EXPECT_EQ(cap.Admit(60), 60u);
  EXPECT_FALSE(cap.reached());
  EXPECT_EQ(cap.Note("console.log"), "");
  EXPECT_EQ(cap.Admit(60), 40u);
  EXPECT_TRUE(cap.reached());
  EXPECT_EQ(cap.Admit(7), 0u);
  EXPECT_EQ(cap.admitted(), 100u);
  EXPECT_EQ(cap.dropped(), 27u);
  EXPECT_NE(cap.Note("console.log").find("console.log capped at 100 bytes"), std::string::npos);
  EXPECT_NE(cap.Note("console.log").find("the 27 bytes"), std::string::npos);
}

TEST(ByteCapTest, ZeroMeansNoCap) {
  ByteCap cap(0);
  EXPECT_EQ(cap.Admit(1ull << 40), 1ull << 40);
  EXPECT_FALSE(cap.reached());
}

TEST(ParseByteSizeTest, BinaryUnitsOnly) {
  EXPECT_EQ(*ParseByteSize("4096B"), 4096u);
  EXPECT_EQ(*ParseByteSize("64KiB"), 64u << 10);
  EXPECT_EQ(*ParseByteSize("256MiB"), 256u << 20);
  EXPECT_EQ(*ParseByteSize("1.5MiB"), 3u << 19);
  EXPECT_EQ(*ParseByteSize("2GiB"), 2ull << 30);
  EXPECT_FALSE(ParseByteSize("256").ok());    // a unit is required
  EXPECT_FALSE(ParseByteSize("256MB").ok());  // decimal units are refused
  EXPECT_FALSE(ParseByteSize("MiB").ok());
  EXPECT_FALSE(ParseByteSize("2TiB").ok());
  EXPECT_FALSE(ParseByteSize("99999GiB").ok());
}

}  // namespace
}  // namespace hilt
