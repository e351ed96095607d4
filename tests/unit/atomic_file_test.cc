#include "harness/core/atomic_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/unit/test_dir.h"

namespace hilt {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshTestDir("hilt_atomic");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  size_t Entries() { return std::distance(fs::directory_iterator(dir_), fs::directory_iterator()); }
  fs::path dir_;
};

TEST_F(AtomicFileTest, ReplacesTheWholeFileAndLeavesNoTemporary) {
  std::string path = (dir_ / "result.json").string();
  ASSERT_TRUE(WriteFileAtomically(path, "old").ok());
  ASSERT_TRUE(WriteFileAtomically(path, std::string("new\0bytes", 9)).ok());
  EXPECT_EQ(Read(path), std::string("new\0bytes", 9));
  EXPECT_EQ(Entries(), 1u);
}

TEST_F(AtomicFileTest, UncommittedFileNeverAppears) {
  std::string path = (dir_ / "junit.xml").string();
  ASSERT_TRUE(WriteFileAtomically(path, "complete").ok());
  {
    StatusOr<AtomicFile> file = AtomicFile::Create(path);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE(file->Write("half").ok());
    EXPECT_EQ(Read(path), "complete");  // readers still see the old one
  }
  EXPECT_EQ(Read(path), "complete");
  EXPECT_EQ(Entries(), 1u);  // the temporary file was removed
}

TEST_F(AtomicFileTest, StreamsThenCommits) {
  std::string path = (dir_ / "console.log").string();
  StatusOr<AtomicFile> file = AtomicFile::Create(path);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(file->Write("a").ok());
  ASSERT_TRUE(file->Write("b").ok());
  EXPECT_FALSE(fs::exists(path));
  ASSERT_TRUE(file->Commit().ok());
  EXPECT_EQ(Read(path), "ab");
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::others_read, fs::perms::others_read);
}

TEST_F(AtomicFileTest, MissingFolderIsAnErrorNamingThePath) {
  std::string path = (dir_ / "no" / "such" / "result.json").string();
  Status s = WriteFileAtomically(path, "x");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
}

}  // namespace
}  // namespace hilt
