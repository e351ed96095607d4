#include "harness/image/fip.h"

#include <gtest/gtest.h>

#include <sstream>

#include "harness/image/le.h"
#include "tests/unit/image_test_util.h"

namespace hilt::image {
namespace {

using testing::Pattern;
using testing::RunCommand;
using testing::ScratchDir;

class FipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HILT_REQUIRE_TOOL("fiptool");
    bl31_ = Pattern(333, 1);
    bl33_ = Pattern(4097, 2);
    testing::WriteBytes(dir_ / "bl31.bin", bl31_);
    testing::WriteBytes(dir_ / "u-boot.bin", bl33_);
    auto r = RunCommand("fiptool create --soc-fw " + dir_ / "bl31.bin" + " --nt-fw " +
                        dir_ / "u-boot.bin" + " " + dir_ / "fip.bin");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    fip_bytes_ = testing::ReadBytes(dir_ / "fip.bin");
  }

  ScratchDir dir_;
  std::vector<uint8_t> bl31_, bl33_, fip_bytes_;
};

TEST_F(FipTest, MatchesFiptoolInfo) {
  auto fip = ParseFip(fip_bytes_);
  ASSERT_TRUE(fip.ok()) << fip.status().ToString();
  auto info = RunCommand("fiptool info " + dir_ / "fip.bin");
  ASSERT_EQ(info.exit_code, 0) << info.output;
  // "EL3 Runtime Firmware BL31: offset=0x88, size=0x14D, cmdline="--soc-fw""
  // (std::regex trips GCC 12's -Wmaybe-uninitialized under ASan; plain parsing.)
  std::vector<FipEntry> expected;
  std::istringstream lines(info.output);
  for (std::string line; std::getline(lines, line);) {
    auto o = line.find("offset=0x"), z = line.find("size=0x"), c = line.find("cmdline=\"--");
    if (o == std::string::npos || z == std::string::npos || c == std::string::npos) continue;
    FipEntry e;
    e.offset = std::stoull(line.substr(o + 9), nullptr, 16);
    e.size = std::stoull(line.substr(z + 7), nullptr, 16);
    std::string name = line.substr(c + 11, line.find('"', c + 11) - (c + 11));
    e.uuid = name == "soc-fw" ? kFipUuidSocFw : kFipUuidNtFw;
    expected.push_back(e);
  }
  ASSERT_EQ(expected.size(), 2u) << info.output;
  ASSERT_EQ(fip->entries.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(fip->entries[i].uuid, expected[i].uuid) << i;
    EXPECT_EQ(fip->entries[i].offset, expected[i].offset) << i;
    EXPECT_EQ(fip->entries[i].size, expected[i].size) << i;
  }
  EXPECT_EQ(fip->entries[0].Name(), "soc-fw");
  EXPECT_EQ(fip->entries[1].Name(), "nt-fw");
}

TEST_F(FipTest, FindsBl31AndBl33Bytes) {
  auto fip = ParseFip(fip_bytes_);
  ASSERT_TRUE(fip.ok()) << fip.status().ToString();
  auto bl31 = fip->Image(kFipUuidSocFw);
  auto bl33 = fip->Image(kFipUuidNtFw);
  ASSERT_TRUE(bl31.has_value());
  ASSERT_TRUE(bl33.has_value());
  EXPECT_EQ(std::vector<uint8_t>(bl31->begin(), bl31->end()), bl31_);
  EXPECT_EQ(std::vector<uint8_t>(bl33->begin(), bl33->end()), bl33_);
  EXPECT_FALSE(fip->Image(kFipUuidTosFw).has_value());
  EXPECT_EQ(fip->serial_number, 0x12345678u);  // fiptool's fixed serial
}

TEST_F(FipTest, EveryTruncationIsAnErrorOrAShorterValidFip) {
  // Cutting the file anywhere must never crash; cuts into the ToC or into an
  // image must be reported, and fiptool must agree for a sample of them.
  for (size_t n = 0; n < fip_bytes_.size(); ++n) {
    auto fip = ParseFip({fip_bytes_.data(), n});
    EXPECT_FALSE(fip.ok()) << "cut at " << n;
  }
  ASSERT_FALSE(fip_bytes_.empty());
  std::vector<uint8_t> cut(fip_bytes_.begin(), fip_bytes_.end() - 1);
  testing::WriteBytes(dir_ / "cut.bin", cut);
  EXPECT_NE(RunCommand("fiptool info " + dir_ / "cut.bin").exit_code, 0);
  auto fip = ParseFip({fip_bytes_.data(), fip_bytes_.size() - 1});
  ASSERT_FALSE(fip.ok());
  EXPECT_NE(fip.status().message().find("nt-fw"), std::string::npos) << fip.status().message();
  EXPECT_NE(fip.status().message().find("past the end"), std::string::npos);
}

TEST_F(FipTest, RejectsWrongTocName) {
  auto bytes = fip_bytes_;
  bytes[0] ^= 1;
  auto fip = ParseFip(bytes);
  ASSERT_FALSE(fip.ok());
  EXPECT_NE(fip.status().message().find("not a FIP"), std::string::npos);
}

TEST_F(FipTest, RejectsOffsetPlusSizeThatWrapsAround) {
  auto bytes = fip_bytes_;
  StoreLe64(bytes.data() + 16 + 16, 0x10);                   // BL31 offset
  StoreLe64(bytes.data() + 16 + 24, ~uint64_t{0} - 0x8);     // size: wraps past 2^64
  auto fip = ParseFip(bytes);
  ASSERT_FALSE(fip.ok());
  EXPECT_NE(fip.status().message().find("soc-fw"), std::string::npos);
}

TEST_F(FipTest, RejectsMissingTerminator) {
  // A ToC of entries that never ends: all 0xFF after the header.
  std::vector<uint8_t> bytes(16 + 40 * 3, 0xFF);
  StoreLe32(bytes.data(), kFipTocName);
  StoreLe64(bytes.data() + 8, 0);
  for (int i = 0; i < 3; ++i) {
    StoreLe64(bytes.data() + 16 + 40 * i + 16, 0);
    StoreLe64(bytes.data() + 16 + 40 * i + 24, 1);
  }
  auto fip = ParseFip(bytes);
  ASSERT_FALSE(fip.ok());
  EXPECT_NE(fip.status().message().find("no terminator"), std::string::npos) << fip.status().message();
}

TEST(FipFuzzEntry, HostileBytesNeverCrash) {
  for (uint32_t seed = 0; seed < 200; ++seed) {
    auto bytes = Pattern(16 + seed % 200, seed);
    StoreLe32(bytes.data(), kFipTocName);
    (void)FuzzParseFip(bytes.data(), bytes.size());
  }
  EXPECT_FALSE(FuzzParseFip(nullptr, 0).ok());
}

}  // namespace
}  // namespace hilt::image
