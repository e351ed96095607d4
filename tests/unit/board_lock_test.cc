#include "harness/runner/board_lock.h"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace hilt {
namespace {

using std::chrono::milliseconds;

class BoardLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() / ("hilt_lock_" + std::to_string(getpid()))).string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(BoardLockTest, SecondHolderIsRefusedWithTheFirstOnesPidAndHost) {
  auto first = BoardLock::Acquire(dir_, "r4", Nanos(0));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::ifstream in((*first)->path());
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content.rfind("pid=" + std::to_string(getpid()) + " host=", 0), 0u) << content;

  // flock locks belong to the open file description: a second open in the
  // same process conflicts just as another process would.
  auto second = BoardLock::Acquire(dir_, "r4", milliseconds(250));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kLabFailure);
  EXPECT_NE(second.status().message().find("in use by pid " + std::to_string(getpid())), std::string::npos)
      << second.status().message();
  EXPECT_NE(second.status().message().find(" since 20"), std::string::npos);

  auto other = BoardLock::Acquire(dir_, "other-board", Nanos(0));
  EXPECT_TRUE(other.ok()) << "boards lock independently";

  first->reset();
  auto third = BoardLock::Acquire(dir_, "r4", Nanos(0));
  EXPECT_TRUE(third.ok()) << third.status().ToString();
}

TEST_F(BoardLockTest, ReleasedWhenTheHolderDies) {
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto lock = BoardLock::Acquire(dir_, "r4", Nanos(0));
    _exit(lock.ok() ? 0 : 1);  // dies holding it: no destructor runs
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_EQ(WEXITSTATUS(status), 0);
  auto lock = BoardLock::Acquire(dir_, "r4", Nanos(0));
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  // The dead holder's pid is still in the file: the next holder knows the
  // board may have been left powered.
  EXPECT_NE((*lock)->stale_holder().find("pid " + std::to_string(child)), std::string::npos)
      << (*lock)->stale_holder();
}

TEST_F(BoardLockTest, AHolderThatEndedNormallyIsNotStale) {
  { auto first = BoardLock::Acquire(dir_, "r4", Nanos(0)); ASSERT_TRUE(first.ok()); }
  auto lock = BoardLock::Acquire(dir_, "r4", Nanos(0));
  ASSERT_TRUE(lock.ok());
  EXPECT_EQ((*lock)->stale_holder(), "");
}

TEST_F(BoardLockTest, WaitStopsOnCancel) {
  auto first = BoardLock::Acquire(dir_, "r4", Nanos(0));
  ASSERT_TRUE(first.ok());
  std::atomic<bool> cancel{true};
  auto second = BoardLock::Acquire(dir_, "r4", std::chrono::seconds(30), &cancel);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kCancelled);
}

}  // namespace
}  // namespace hilt
