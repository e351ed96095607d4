#include "harness/image/gpt_relocation.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "tests/unit/gpt_test_image.h"

namespace hilt {
namespace {

using testing::GetLe;
using testing::HeaderCrcOk;

class GptRelocationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hilt-gpt-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    path_ = dir_ + "/disk.img";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  StatusOr<std::optional<ImageGpt>> Read(uint64_t size) {
    int fd = ::open(path_.c_str(), O_RDONLY);
    auto gpt = ReadImageGpt(fd, path_, size);
    ::close(fd);
    return gpt;
  }
  std::string dir_, path_;
};

TEST_F(GptRelocationTest, ReadsPartitionsAsByteRanges) {
  testing::WriteGptImage(path_, 2048, {{34, 99}, {100, 1000}});
  auto gpt = Read(2048 * 512);
  ASSERT_TRUE(gpt.ok()) << gpt.status().ToString();
  ASSERT_TRUE(gpt->has_value());
  EXPECT_EQ((*gpt)->partitions, (RangeSet{{34 * 512, 66 * 512}, {100 * 512, 901 * 512}}));
  EXPECT_EQ((*gpt)->alternate_lba, 2047u);
  EXPECT_EQ((*gpt)->backup_entries_lba, 2015u);
}

TEST_F(GptRelocationTest, NoGptIsNotAnError) {
  int fd = ::open(path_.c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_EQ(::ftruncate(fd, 1 << 20), 0);
  ::close(fd);
  auto gpt = Read(1 << 20);
  ASSERT_TRUE(gpt.ok());
  EXPECT_FALSE(gpt->has_value());
}

TEST_F(GptRelocationTest, CorruptHeaderIsInvalidInput) {
  testing::WriteGptImage(path_, 2048, {{34, 99}});
  int fd = ::open(path_.c_str(), O_RDWR);
  uint8_t junk = 0x5A;
  ASSERT_EQ(::pwrite(fd, &junk, 1, 512 + 40), 1);  // first usable LBA, CRC now wrong
  ::close(fd);
  auto gpt = Read(2048 * 512);
  ASSERT_FALSE(gpt.ok());
  EXPECT_EQ(gpt.status().code(), Status::Code::kInvalidInput);
  EXPECT_NE(gpt.status().message().find("CRC"), std::string::npos);
}

TEST_F(GptRelocationTest, MovesBackupToTheEndOfALargerDevice) {
  testing::WriteGptImage(path_, 2048, {{34, 99}});
  auto gpt = Read(2048 * 512);
  ASSERT_TRUE(gpt.ok() && gpt->has_value());
  const uint64_t device_sectors = 8192;
  auto plan = PlanGptRelocation(**gpt, 2048 * 512, device_sectors * 512);
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->stale, (ByteRange{2015 * 512, 33 * 512}));
  ASSERT_EQ(plan->overlays.size(), 4u);  // PMBR, primary, backup entries, backup header

  const auto& mbr = plan->overlays[0];
  EXPECT_EQ(mbr.offset, 0u);
  EXPECT_EQ(GetLe(mbr.bytes, 446 + 12, 4), device_sectors - 1);

  const auto& primary = plan->overlays[1].bytes;
  EXPECT_EQ(plan->overlays[1].offset, 512u);
  EXPECT_TRUE(HeaderCrcOk(primary));
  EXPECT_EQ(GetLe(primary, 32, 8), device_sectors - 1);   // alternate LBA
  EXPECT_EQ(GetLe(primary, 48, 8), device_sectors - 34);  // last usable LBA

  EXPECT_EQ(plan->overlays[2].offset, (device_sectors - 33) * 512);
  EXPECT_EQ(plan->overlays[2].bytes, (*gpt)->entries);

  const auto& backup = plan->overlays[3].bytes;
  EXPECT_EQ(plan->overlays[3].offset, (device_sectors - 1) * 512);
  EXPECT_TRUE(HeaderCrcOk(backup));
  EXPECT_EQ(GetLe(backup, 24, 8), device_sectors - 1);  // my LBA
  EXPECT_EQ(GetLe(backup, 32, 8), 1u);                  // alternate: the primary
  EXPECT_EQ(GetLe(backup, 72, 8), device_sectors - 33); // entries
}

TEST_F(GptRelocationTest, SameSizeNeedsNoMove) {
  testing::WriteGptImage(path_, 2048, {{34, 99}});
  auto gpt = Read(2048 * 512);
  ASSERT_TRUE(gpt.ok() && gpt->has_value());
  EXPECT_FALSE(PlanGptRelocation(**gpt, 2048 * 512, 2048 * 512).has_value());
}

}  // namespace
}  // namespace hilt
