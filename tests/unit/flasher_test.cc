#include "harness/image/flasher.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <numeric>

#include <gtest/gtest.h>

#include "harness/core/exit_code.h"
#include "tests/unit/fake_block_target.h"
#include "tests/unit/gpt_test_image.h"

namespace hilt {
namespace {

constexpr uint64_t kMiB = 1 << 20;

class FlasherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hilt-flasher-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    image_ = dir_ + "/image";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A sparse image of `size` bytes; `pattern` bytes at each offset.
  void MakeImage(uint64_t size, const std::vector<std::pair<uint64_t, size_t>>& data) {
    int fd = ::open(image_.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
    ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(size)), 0);
    ::close(fd);
    for (const auto& [offset, length] : data) Poke(offset, length, static_cast<uint8_t>(offset / 4096 + 1));
  }
  void Poke(uint64_t offset, size_t length, uint8_t value) {
    int fd = ::open(image_.c_str(), O_RDWR);
    std::vector<uint8_t> bytes(length);
    std::iota(bytes.begin(), bytes.end(), value);
    ASSERT_EQ(::pwrite(fd, bytes.data(), length, static_cast<off_t>(offset)),
              static_cast<ssize_t>(length));
    ::close(fd);
  }
  std::vector<uint8_t> ImageBytes() {
    std::vector<uint8_t> bytes(std::filesystem::file_size(image_));
    int fd = ::open(image_.c_str(), O_RDONLY);
    EXPECT_EQ(::pread(fd, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
    ::close(fd);
    return bytes;
  }
  static std::vector<uint8_t> Slice(const std::vector<uint8_t>& v, uint64_t at, uint64_t n) {
    return {v.begin() + static_cast<ptrdiff_t>(at), v.begin() + static_cast<ptrdiff_t>(at + n)};
  }

  std::string dir_, image_;
};

TEST_F(FlasherTest, WritesDataDiscardsTheRestAndVerifies) {
  MakeImage(8 * kMiB, {{0, 8192}, {5 * kMiB + 4096, 100000}});
  FakeBlockTarget target(16 * kMiB, 0x77);
  auto report = Flash(image_, target, {}, nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  auto image = ImageBytes();
  auto data_written = [&](uint64_t at, uint64_t n) { return Slice(target.bytes, at, n) == Slice(image, at, n); };
  EXPECT_TRUE(data_written(0, 8192));
  EXPECT_TRUE(data_written(5 * kMiB + 4096, 100000));
  // Outside the data: discarded, not written.
  EXPECT_EQ(target.bytes[1 * kMiB], FakeBlockTarget::kDiscarded);
  EXPECT_EQ(target.bytes[15 * kMiB], FakeBlockTarget::kDiscarded);
  EXPECT_EQ(report->written_bytes, report->verified_bytes);
  EXPECT_GE(report->written_bytes, 8192u + 100000u);
  EXPECT_LT(report->written_bytes, 1 * kMiB);
  EXPECT_EQ(report->written_bytes + report->skipped_bytes + report->discarded_bytes, 16 * kMiB);
  EXPECT_EQ(target.syncs, 1);
}

TEST_F(FlasherTest, SecondFlashWritesOnlyChangedBlocks) {
  MakeImage(8 * kMiB, {{0, 3 * kMiB}});
  FakeBlockTarget target(8 * kMiB);
  ASSERT_TRUE(Flash(image_, target, {}, nullptr).ok());
  Poke(1 * kMiB + 10, 3, 0xEE);        // one 4 KiB block
  Poke(2 * kMiB + 4095, 2, 0xEE);      // straddles two blocks
  target.writes.clear();
  auto report = Flash(image_, target, {}, nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->written_bytes, 3 * 4096u);
  EXPECT_EQ(report->verified_bytes, 3 * 4096u);
  EXPECT_EQ(target.writes.size(), 2u);  // adjacent blocks go in one write
  EXPECT_EQ(Slice(target.bytes, 0, 3 * kMiB), Slice(ImageBytes(), 0, 3 * kMiB));
}

TEST_F(FlasherTest, WithoutSkippingEveryDataBlockIsWritten) {
  MakeImage(4 * kMiB, {{0, 1 * kMiB}});
  FakeBlockTarget target(4 * kMiB);
  FlashOptions options;
  options.skip_identical = false;
  ASSERT_TRUE(Flash(image_, target, options, nullptr).ok());
  auto report = Flash(image_, target, options, nullptr);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->written_bytes, 1 * kMiB);
  EXPECT_EQ(report->skipped_bytes, 0u);
}

TEST_F(FlasherTest, IoErrorIsLabFailureWithOffset) {
  MakeImage(8 * kMiB, {{0, 6 * kMiB}});
  FakeBlockTarget target(8 * kMiB, 0x55);
  target.fail_at = 5 * kMiB + 512;
  auto report = Flash(image_, target, {}, nullptr);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(ExitCodeFor(report.status()), kExitLabFailed);
  EXPECT_NE(report.status().message().find(std::to_string(5 * kMiB + 512)), std::string::npos)
      << report.status().message();
}

TEST_F(FlasherTest, DiscardUnsupportedIsReportedNotFatal) {
  MakeImage(4 * kMiB, {{0, 4096}});
  FakeBlockTarget target(8 * kMiB, 0x55);
  target.discard_supported = false;
  auto report = Flash(image_, target, {}, nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->discard_supported);
  EXPECT_EQ(report->discarded_bytes, 0u);
  EXPECT_EQ(target.bytes[6 * kMiB], 0x55);  // left as it was
}

TEST_F(FlasherTest, ImageLargerThanTargetIsRefusedBeforeWriting) {
  MakeImage(8 * kMiB, {{0, 4096}});
  FakeBlockTarget target(4 * kMiB, 0x55);
  auto report = Flash(image_, target, {}, nullptr);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), Status::Code::kInvalidInput);
  EXPECT_TRUE(target.writes.empty());
  EXPECT_EQ(target.syncs, 0);
}

TEST_F(FlasherTest, MissingImageIsNotFound) {
  FakeBlockTarget target(4 * kMiB);
  auto report = Flash(dir_ + "/nope", target, {}, nullptr);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), Status::Code::kNotFound);
}

TEST_F(FlasherTest, ZeroRangesOverwriteStaleContent) {
  MakeImage(4 * kMiB, {{0, 4096}});
  FakeBlockTarget target(4 * kMiB, 0xAB);  // a stale file system
  FlashOptions options;
  options.zero_ranges = {{1 * kMiB, 512 * 1024}};
  auto report = Flash(image_, target, options, nullptr);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->zeroed_bytes, 512 * 1024u);
  for (uint64_t at = 1 * kMiB; at < 1 * kMiB + 512 * 1024; at += 4096) ASSERT_EQ(target.bytes[at], 0);
  EXPECT_EQ(target.bytes[2 * kMiB], FakeBlockTarget::kDiscarded);
}

TEST_F(FlasherTest, GptPartitionHolesAreZeroedAndBackupMoves) {
  const uint64_t sectors = 8192;  // 4 MiB image
  testing::WriteGptImage(image_, sectors, {{34, 2047}, {2048, 4095}});
  Poke(34 * 512, 1000, 1);  // a bit of "bl2"
  FakeBlockTarget target(16 * kMiB, 0xAB);
  auto report = Flash(image_, target, {}, nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->gpt_relocated);
  for (uint64_t at = 34 * 512 + 1024; at < 4096 * 512; at += 512) ASSERT_EQ(target.bytes[at], 0) << at;
  // Past the last partition, inside the image: discarded, not zeroed.
  EXPECT_EQ(target.bytes[5000 * 512], FakeBlockTarget::kDiscarded);
  const uint64_t last = 16 * kMiB / 512 - 1;
  auto backup = Slice(target.bytes, last * 512, 512);
  EXPECT_TRUE(testing::HeaderCrcOk(backup));
  EXPECT_EQ(testing::GetLe(backup, 24, 8), last);
  auto primary = Slice(target.bytes, 512, 512);
  EXPECT_TRUE(testing::HeaderCrcOk(primary));
  EXPECT_EQ(testing::GetLe(primary, 32, 8), last);
  // The image's own backup header is not left in the middle of the device.
  EXPECT_NE(Slice(target.bytes, (sectors - 1) * 512, 8), Slice(backup, 0, 8));
}

TEST_F(FlasherTest, CorruptedWriteFailsVerification) {
  MakeImage(4 * kMiB, {{0, 4096}});
  FakeBlockTarget target(4 * kMiB);
  target.corrupt_writes = true;
  auto report = Flash(image_, target, {}, nullptr);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), Status::Code::kLabFailure);
  EXPECT_NE(report.status().message().find("verify"), std::string::npos);
}

TEST_F(FlasherTest, UnalignedTailIsPadded) {
  MakeImage(1 * kMiB + 100, {{1 * kMiB - 4096, 4196}});
  FakeBlockTarget target(2 * kMiB, 0x55);  // enforces 512-byte alignment
  auto report = Flash(image_, target, {}, nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(Slice(target.bytes, 1 * kMiB - 4096, 4196), Slice(ImageBytes(), 1 * kMiB - 4096, 4196));
  EXPECT_EQ(target.bytes[1 * kMiB + 100], 0);  // padding is zeros
}

class RecordingProgress : public ProgressSink {
 public:
  void OnProgress(FlashPhase phase, uint64_t done, uint64_t total) override {
    calls.push_back({phase, done, total});
  }
  struct Call {
    FlashPhase phase;
    uint64_t done, total;
  };
  std::vector<Call> calls;
};

TEST_F(FlasherTest, ProgressReachesTotalInEachPhase) {
  MakeImage(16 * kMiB, {{0, 9 * kMiB}});
  FakeBlockTarget target(16 * kMiB);
  RecordingProgress progress;
  ASSERT_TRUE(Flash(image_, target, {}, &progress).ok());
  ASSERT_GE(progress.calls.size(), 4u);
  EXPECT_EQ(progress.calls.front().phase, FlashPhase::kWrite);
  EXPECT_EQ(progress.calls.back().phase, FlashPhase::kVerify);
  EXPECT_EQ(progress.calls.back().done, progress.calls.back().total);
  for (size_t i = 1; i < progress.calls.size(); ++i) {
    if (progress.calls[i].phase == progress.calls[i - 1].phase) {
      EXPECT_GT(progress.calls[i].done, progress.calls[i - 1].done);
    }
  }
}

}  // namespace
}  // namespace hilt
