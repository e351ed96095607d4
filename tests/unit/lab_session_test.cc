#include "harness/runner/lab_session.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "tests/unit/test_dir.h"

namespace hilt {
namespace {

std::string Board(const std::string& name, const std::string& type) {
  return "  " + name + ":\n    type: " + type +
         "\n    console: {type: socket, address: 'unix:/nonexistent'}\n"
         "    power: {type: command, on: 'true', off: 'true'}\n"
         "    mux: {type: command, host: 'true', dut: 'true'}\n"
         "    block-device: /nonexistent\n";
}

class LabSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshTestDir("hilt-lab-session");
    lab_ = (dir_ / "lab.yaml").string();
    std::ofstream(lab_) << "state-dir: ${LAB_DIR}/state\nboards:\n"
                        << Board("r4-a", "bpi-r4") << Board("qemu", "qemu-virt")
                        << Board("r4-b", "bpi-r4");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<BoardLock> Hold(const std::string& board) {
    auto lock = BoardLock::Acquire((dir_ / "state").string(), board, Nanos(0));
    EXPECT_TRUE(lock.ok()) << lock.status().ToString();
    return lock.ok() ? std::move(*lock) : nullptr;
  }

  std::filesystem::path dir_;
  std::string lab_;
};

TEST_F(LabSessionTest, TypeTakesTheFirstFreeBoardOfThatTypeInLabOrder) {
  auto first = OpenLabSession(lab_, BoardChoice{"", "bpi-r4"}, Nanos(0), nullptr);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ((*first)->board->name, "r4-a");
  ASSERT_NE((*first)->lock, nullptr);
  // r4-a is now held by `first`: the next run of the type takes r4-b, not qemu.
  auto second = OpenLabSession(lab_, BoardChoice{"", "bpi-r4"}, Nanos(0), nullptr);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ((*second)->board->name, "r4-b");
  // Both held: a third fails at once, naming the holders and --wait.
  auto third = OpenLabSession(lab_, BoardChoice{"", "bpi-r4"}, Nanos(0), nullptr);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().code(), Status::Code::kLabFailure);
  const std::string& msg = third.status().message();
  EXPECT_NE(msg.find("all 2 board(s) of type 'bpi-r4' are busy"), std::string::npos) << msg;
  EXPECT_NE(msg.find("board 'r4-a' is in use by pid " + std::to_string(getpid())), std::string::npos) << msg;
  EXPECT_NE(msg.find("use --wait DURATION to queue for the first to free up"), std::string::npos) << msg;
}

TEST_F(LabSessionTest, TypeWaitsForTheFirstBoardToFreeUp) {
  auto a = Hold("r4-a");
  auto b = Hold("r4-b");
  std::thread release([&b] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    b.reset();
  });
  std::ostringstream progress;
  const auto start = std::chrono::steady_clock::now();
  auto s = OpenLabSession(lab_, BoardChoice{"", "bpi-r4"}, std::chrono::seconds(10), nullptr, &progress);
  const auto took = std::chrono::steady_clock::now() - start;
  release.join();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->board->name, "r4-b");
  EXPECT_GE(took, std::chrono::milliseconds(250));
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_NE(progress.str().find("every board of type 'bpi-r4' is busy; waiting up to 10 s"),
            std::string::npos)
      << progress.str();
}

TEST_F(LabSessionTest, TypeWaitIsBoundedAndCancellable) {
  auto a = Hold("r4-a");
  auto b = Hold("r4-b");
  const auto start = std::chrono::steady_clock::now();
  auto s = OpenLabSession(lab_, BoardChoice{"", "bpi-r4"}, std::chrono::milliseconds(300), nullptr);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kLabFailure);
  EXPECT_NE(s.status().message().find("waited 0.3 s for one to free up"), std::string::npos)
      << s.status().message();

  std::atomic<bool> cancel{true};
  auto c = OpenLabSession(lab_, BoardChoice{"", "bpi-r4"}, std::chrono::seconds(30), &cancel);
  EXPECT_EQ(c.status().code(), Status::Code::kCancelled);
}

TEST_F(LabSessionTest, TypeMistakesAreBadInput) {
  auto unknown = OpenLabSession(lab_, BoardChoice{"", "rpi5"}, Nanos(0), nullptr);
  EXPECT_EQ(unknown.status().code(), Status::Code::kInvalidInput);
  EXPECT_NE(unknown.status().message().find("no board of type 'rpi5' (boards: r4-a, qemu, r4-b)"),
            std::string::npos)
      << unknown.status().message();
  auto mismatch = OpenLabSession(lab_, BoardChoice{"qemu", "bpi-r4"}, Nanos(0), nullptr);
  EXPECT_EQ(mismatch.status().code(), Status::Code::kInvalidInput);
  // Neither name nor type in a lab of several boards: the caller must choose.
  auto neither = OpenLabSession(lab_, BoardChoice{}, Nanos(0), nullptr);
  EXPECT_EQ(neither.status().code(), Status::Code::kInvalidInput);
  auto named = OpenLabSession(lab_, BoardChoice{"qemu", ""}, Nanos(0), nullptr);
  ASSERT_TRUE(named.ok()) << named.status().ToString();
  EXPECT_EQ((*named)->board->name, "qemu");
}

}  // namespace
}  // namespace hilt
