#include "harness/image/mtk_header.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/image_test_util.h"

namespace hilt::image {
namespace {

using testing::Pattern;
using testing::RunCommand;
using testing::ScratchDir;

constexpr char kVersion[] = "NOTICE:  BL2: v2.10.0   (release):";

class MtkHeaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HILT_REQUIRE_TOOL("mkimage");
    bl2_ = Pattern(5000, 7);
    std::string version(kVersion);
    std::copy(version.begin(), version.end(), bl2_.begin() + 1000);
    img_ = Make("sdmmc", true);
  }

  // The image TF-A's Makefile makes with USE_MKIMAGE=1 for BOOT_DEVICE=sdmmc.
  std::vector<uint8_t> Make(const std::string& media, bool arm64) {
    testing::WriteBytes(dir_ / "bl2.bin", bl2_);
    std::string name = "media=" + media + (arm64 ? ";arm64=1" : "");
    auto r = RunCommand("mkimage -T mtk_image -n '" + name +
                        "' -a 0x201000 -e 0x201000 -d " + dir_ / "bl2.bin " + dir_ / "bl2.img");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    mkimage_output_ = r.output;
    return testing::ReadBytes(dir_ / "bl2.img");
  }

  ScratchDir dir_;
  std::vector<uint8_t> bl2_, img_;
  std::string mkimage_output_;
};

TEST_F(MtkHeaderTest, ParsesMkimageSdImage) {
  auto img = ParseMtkBl2(img_);
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  EXPECT_EQ(img->boot_name, "SDMMC_BOOT");
  EXPECT_EQ(img->brlyt_type, kBrlytTypeSdmmc);
  EXPECT_EQ(img->image_size, img_.size());
  EXPECT_EQ(img->entry_point(), 0x201000u);  // what `mkimage -l` prints as Load Address
  EXPECT_TRUE(img->arm64);
  EXPECT_EQ(img->sig_type, 1);
  EXPECT_EQ(std::vector<uint8_t>(img->payload.begin(), img->payload.end()), bl2_);
  std::string payload(img->payload.begin(), img->payload.end());
  EXPECT_NE(payload.find(kVersion), std::string::npos);
}

TEST_F(MtkHeaderTest, AgreesWithWhatMkimagePrints) {
  // mkimage prints its own reading of the header after writing it (its -l
  // cannot list mtk_image without the creation parameters).
  const std::string& list = mkimage_output_;
  auto img = ParseMtkBl2(img_);
  ASSERT_TRUE(img.ok());
  char addr[32];
  std::snprintf(addr, sizeof addr, "Load Address: %08x", img->entry_point());
  EXPECT_NE(list.find("SD/MMC"), std::string::npos) << list;
  EXPECT_NE(list.find(addr), std::string::npos) << list;
}

TEST_F(MtkHeaderTest, AcceptsPartitionSizedData) {
  // The simulator hands over the whole bl2 partition, zero-padded.
  auto padded = img_;
  padded.resize(img_.size() + 8192, 0);
  auto img = ParseMtkBl2(padded);
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  EXPECT_EQ(img->payload.size(), bl2_.size());
}

TEST_F(MtkHeaderTest, EmmcAndArm32Variants) {
  auto emmc = Make("emmc", false);
  auto img = ParseMtkBl2(emmc);
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  EXPECT_EQ(img->boot_name, "EMMC_BOOT");
  EXPECT_FALSE(img->arm64);
}

TEST_F(MtkHeaderTest, EveryTruncationIsReported) {
  for (size_t n = 0; n < img_.size(); n += (n < 0x700 ? 1 : 97)) {
    auto img = ParseMtkBl2({img_.data(), n});
    EXPECT_FALSE(img.ok()) << "cut at " << n;
  }
  auto img = ParseMtkBl2({img_.data(), img_.size() - 1});
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.status().message().find("truncated"), std::string::npos) << img.status().message();
}

TEST_F(MtkHeaderTest, CorruptPayloadFailsTheHash) {
  auto bytes = img_;
  bytes[0x900 + 1234] ^= 0x40;  // inside BL2
  auto img = ParseMtkBl2(bytes);
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.status().message().find("SHA-256"), std::string::npos) << img.status().message();
}

TEST_F(MtkHeaderTest, CorruptHeadersAreNamed) {
  struct Case {
    size_t offset;
    const char* expect;
  } cases[] = {
      {0x0, "device header"},  {0x10, "version 1 size 0x200"}, {0x200, "BRLYT"},
      {0x214, "magic"},        {0x218, "type"},                {0x20c, "GFH offset"},
      {0x600, "FILE_INFO"},    {0x61a, "flash type"},           {0x620, "FILE_INFO total size"},
  };
  for (const auto& c : cases) {
    auto bytes = img_;
    bytes[c.offset + (c.offset == 0x20c || c.offset == 0x620 ? 2 : 0)] ^= 0x21;
    auto img = ParseMtkBl2(bytes);
    ASSERT_FALSE(img.ok()) << "offset " << c.offset;
    EXPECT_NE(img.status().message().find(c.expect), std::string::npos)
        << "offset " << c.offset << ": " << img.status().message();
  }
}

TEST(MtkHeaderFuzzEntry, HostileBytesNeverCrash) {
  EXPECT_FALSE(FuzzParseMtkBl2(nullptr, 0).ok());
  for (uint32_t seed = 0; seed < 100; ++seed) {
    auto bytes = Pattern(0x700 + seed * 7, seed);
    (void)FuzzParseMtkBl2(bytes.data(), bytes.size());
  }
}

}  // namespace
}  // namespace hilt::image
