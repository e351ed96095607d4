#include "harness/devices/file_block_target.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include <gtest/gtest.h>

namespace hilt {
namespace {

class FileBlockTargetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hilt-fbt-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(FileBlockTargetTest, MissingFileWithoutSizeIsNotFound) {
  auto t = FileBlockTarget::Open(dir_ + "/nope", 0);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), Status::Code::kNotFound);
}

TEST_F(FileBlockTargetTest, CreatesSparseFileOfTheGivenSize) {
  auto t = FileBlockTarget::Open(dir_ + "/new", 8 << 20);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ((*t)->Size(), 8u << 20);
  EXPECT_EQ(std::filesystem::file_size(dir_ + "/new"), 8u << 20);
}

TEST_F(FileBlockTargetTest, ExistingFileKeepsItsSize) {
  std::ofstream(dir_ + "/old") << std::string(4096, 'x');
  auto t = FileBlockTarget::Open(dir_ + "/old", 1 << 20);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)->Size(), 4096u);
  std::vector<char> byte(512);
  EXPECT_FALSE((*t)->Write(4096, byte.data(), 512).ok());  // past the end
}

TEST_F(FileBlockTargetTest, AlignedAndUnalignedWritesReadBack) {
  auto t = FileBlockTarget::Open(dir_ + "/f", 1 << 20);
  ASSERT_TRUE(t.ok());
  auto* raw = static_cast<char*>(std::aligned_alloc(4096, 8192));
  std::fill(raw, raw + 8192, 'A');
  ASSERT_TRUE((*t)->Write(4096, raw, 8192).ok());
  ASSERT_TRUE((*t)->Write(4096 + 7, "hello", 5).ok());  // unaligned: the buffered path
  ASSERT_TRUE((*t)->Sync().ok());
  std::fill(raw, raw + 8192, 0);
  ASSERT_TRUE((*t)->ReadUncached(4096, raw, 8192).ok());
  EXPECT_EQ(std::string(raw + 7, 5), "hello");
  EXPECT_EQ(raw[0], 'A');
  EXPECT_EQ(raw[8191], 'A');
  char small[3] = {};
  ASSERT_TRUE((*t)->ReadUncached(4096 + 8, small, 3).ok());
  EXPECT_EQ(std::string(small, 3), "ell");
  std::free(raw);
}

TEST_F(FileBlockTargetTest, DiscardPunchesAHole) {
  const std::string path = dir_ + "/f";
  auto t = FileBlockTarget::Open(path, 4 << 20);
  ASSERT_TRUE(t.ok());
  std::vector<char> data(1 << 20, 'Z');
  ASSERT_TRUE((*t)->Write(1 << 20, data.data(), data.size()).ok());
  ASSERT_TRUE((*t)->Sync().ok());
  struct stat before {}, after {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  auto result = (*t)->Discard(1 << 20, 1 << 20);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  if (*result == DiscardResult::kUnsupported) GTEST_SKIP() << "file system cannot punch holes";
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_LT(after.st_blocks, before.st_blocks);
  std::vector<char> back(4096, 1);
  ASSERT_TRUE((*t)->ReadUncached(1 << 20, back.data(), back.size()).ok());
  EXPECT_EQ(back, std::vector<char>(4096, 0));
}

// A reflash of the same image discards what is a hole already: nothing is
// punched (or synced), and the data beside it stays.
TEST_F(FileBlockTargetTest, DiscardOfAHoleLeavesTheDataBesideIt) {
  const std::string path = dir_ + "/f";
  auto t = FileBlockTarget::Open(path, 4 << 20);
  ASSERT_TRUE(t.ok());
  std::vector<char> data(1 << 20, 'Z');
  ASSERT_TRUE((*t)->Write(0, data.data(), data.size()).ok());
  ASSERT_TRUE((*t)->Sync().ok());
  auto result = (*t)->Discard(2 << 20, 2 << 20);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, DiscardResult::kDiscarded);
  EXPECT_TRUE((*t)->Sync().ok());
  std::vector<char> back(1 << 20, 0);
  ASSERT_TRUE((*t)->ReadUncached(0, back.data(), back.size()).ok());
  EXPECT_EQ(back, data);
  std::vector<char> hole(4096, 1);
  ASSERT_TRUE((*t)->ReadUncached(3 << 20, hole.data(), hole.size()).ok());
  EXPECT_EQ(hole, std::vector<char>(4096, 0));
}

}  // namespace
}  // namespace hilt
