#include "harness/image/image_builder.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "harness/image/byte_source.h"
#include "harness/image/fip.h"
#include "harness/image/gpt.h"
#include "tests/unit/image_test_util.h"

namespace hilt::image {
namespace {

using testing::Pattern;
using testing::ReadRange;
using testing::ScratchDir;

constexpr char kSmallGpt[] = R"(layout: small
kind: gpt
size: 16MiB
partitions:
  - {name: bl2, first: 34, last: 8191, type: 8300, attributes: [2], content: bl2}
  - {name: env, first: 8192, last: 9215, type: 8300, attributes: [63]}
  - {name: fip, first: 13312, last: 17407, type: 8300, attributes: [63], content: fip}
)";

class ImageBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto l = LoadLayoutString(kSmallGpt, "small.yaml");
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    layout_ = *l;
    bl2_ = Pattern(3000, 1);
    fip_ = Pattern(300000, 2);
    std::fill(fip_.begin() + 4096, fip_.begin() + 3 * 65536, 0);  // a zero run stays a hole
    testing::WriteBytes(dir_ / "bl2.img", bl2_);
    testing::WriteBytes(dir_ / "fip.bin", fip_);
  }
  bool NoLeftovers() {
    for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
      if (e.path().filename().string().find(".tmp-") != std::string::npos) return false;
    }
    return !std::filesystem::exists(dir_ / "out.img");
  }

  ScratchDir dir_;
  Layout layout_;
  std::vector<uint8_t> bl2_, fip_;
};

TEST_F(ImageBuilderTest, WritesTableAndBlobsSparsely) {
  std::string out = dir_ / "out.img";
  auto r = BuildImage(layout_, {{"bl2", dir_ / "bl2.img"}, {"fip", dir_ / "fip.bin"}}, out);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  struct stat st {};
  ASSERT_EQ(stat(out.c_str(), &st), 0);
  EXPECT_EQ(static_cast<uint64_t>(st.st_size), 16u << 20);
  EXPECT_LT(static_cast<uint64_t>(st.st_blocks) * 512, 1u << 20);  // sparse
  EXPECT_EQ(ReadRange(out, 34 * 512, bl2_.size()), bl2_);
  EXPECT_EQ(ReadRange(out, 13312 * 512, fip_.size()), fip_);
  int fd = open(out.c_str(), O_RDONLY);
  auto src = ByteSourceFromFd(fd, out);
  ASSERT_TRUE(src.ok());
  auto gpt = ReadGpt(*src);
  close(fd);
  ASSERT_TRUE(gpt.ok()) << gpt.status().ToString();
  EXPECT_TRUE(gpt->Overall().ok()) << gpt->Overall().ToString();
  ASSERT_EQ(gpt->partitions.size(), 3u);
  EXPECT_EQ(gpt->partitions[2].name, "fip");
  EXPECT_EQ(r->slots.size(), 2u);
  EXPECT_EQ(r->slots[0].sha256.size(), 64u);
  EXPECT_LT(r->bytes_written, 34 * 512 + 33 * 512 + bl2_.size() + fip_.size());  // the zero run was skipped
}

TEST_F(ImageBuilderTest, SameInputsGiveIdenticalImages) {
  ASSERT_TRUE(BuildImage(layout_, {{"bl2", dir_ / "bl2.img"}}, dir_ / "a.img").ok());
  ASSERT_TRUE(BuildImage(layout_, {{"bl2", dir_ / "bl2.img"}}, dir_ / "b.img").ok());
  EXPECT_EQ(testing::ReadBytes(dir_ / "a.img"), testing::ReadBytes(dir_ / "b.img"));
}

TEST_F(ImageBuilderTest, ScratchImageIsTheSameImage) {
  ASSERT_TRUE(BuildImage(layout_, {{"bl2", dir_ / "bl2.img"}}, dir_ / "a.img").ok());
  ASSERT_TRUE(BuildImage(layout_, {{"bl2", dir_ / "bl2.img"}}, dir_ / "b.img", nullptr,
                         ImageDurability::kScratch).ok());
  EXPECT_EQ(testing::ReadBytes(dir_ / "a.img"), testing::ReadBytes(dir_ / "b.img"));
}

TEST_F(ImageBuilderTest, ReplacesAnExistingImageAtomically) {
  testing::WriteText(dir_ / "out.img", "old");
  ASSERT_TRUE(BuildImage(layout_, {}, dir_ / "out.img").ok());
  EXPECT_EQ(std::filesystem::file_size(dir_ / "out.img"), 16u << 20);
}

TEST_F(ImageBuilderTest, RefusesBeforeWritingAnything) {
  testing::WriteBytes(dir_ / "big.bin", Pattern(4096 * 512 + 1, 3));
  struct Case {
    std::vector<SlotFile> files;
    Status::Code code;
    const char* message;
  } cases[] = {
      {{{"bl3", dir_ / "bl2.img"}}, Status::Code::kInvalidInput, "no content slot 'bl3' (slots: bl2, fip)"},
      {{{"fip", dir_ / "missing.bin"}}, Status::Code::kNotFound, "missing.bin"},
      {{{"fip", dir_ / "big.bin"}}, Status::Code::kInvalidInput, "2097153 bytes do not fit 'fip' (2097152 bytes"},
      {{{"bl2", dir_ / "bl2.img"}, {"bl2", dir_ / "bl2.img"}}, Status::Code::kInvalidInput, "given twice"},
      {{{"bl2", dir_.path().string()}}, Status::Code::kInvalidInput, "not a regular file"},
  };
  for (const auto& c : cases) {
    auto r = BuildImage(layout_, c.files, dir_ / "out.img");
    ASSERT_FALSE(r.ok()) << c.message;
    EXPECT_EQ(r.status().code(), c.code) << c.message;
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().message();
    EXPECT_TRUE(NoLeftovers()) << c.message;
  }
}

TEST_F(ImageBuilderTest, CancelledBuildLeavesNothing) {
  std::atomic<bool> cancel{true};
  auto r = BuildImage(layout_, {{"bl2", dir_ / "bl2.img"}}, dir_ / "out.img", &cancel);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCancelled);
  EXPECT_TRUE(NoLeftovers());
}

TEST_F(ImageBuilderTest, RawFlashLayout) {
  auto l = LoadLayoutFile(HILT_SOURCE_DIR "/lab/layouts/qemu-virt-flash.yaml");
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  testing::WriteBytes(dir_ / "bl1.bin", Pattern(20000, 9));
  auto r = BuildImage(*l, {{"bl1", dir_ / "bl1.bin"}, {"fip", dir_ / "fip.bin"}}, dir_ / "flash.bin");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(std::filesystem::file_size(dir_ / "flash.bin"), 64u << 20);
  EXPECT_EQ(ReadRange(dir_ / "flash.bin", 0, 20000), Pattern(20000, 9));
  EXPECT_EQ(ReadRange(dir_ / "flash.bin", 256 << 10, fip_.size()), fip_);
}

TEST(ParseSlotFile, NeedsBothSides) {
  EXPECT_EQ(ParseSlotFile("bl2=a=b.img")->path, "a=b.img");
  EXPECT_FALSE(ParseSlotFile("bl2").ok());
  EXPECT_FALSE(ParseSlotFile("=x").ok());
  EXPECT_FALSE(ParseSlotFile("bl2=").ok());
}

}  // namespace
}  // namespace hilt::image
