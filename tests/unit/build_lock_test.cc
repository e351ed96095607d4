#include "harness/runner/build_lock.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

namespace hilt {
namespace {

// Records "<who> build", "<who> image", … with a pause in build and image,
// so that two runs' steps would interleave without the lock.
class RecordingSteps : public LabSteps {
 public:
  RecordingSteps(std::string who, std::vector<std::string>* events, std::mutex* mu)
      : who_(std::move(who)), events_(events), mu_(mu) {}
  Status Build(const BuildStep&, const std::string&, const std::atomic<bool>*) override {
    return Record("build");
  }
  Status Image(const ImageConfig&, const std::map<std::string, std::string>&, const std::string&,
               const std::string&) override {
    return Record("image");
  }
  Status WaitForBlockDevice(const std::string&, Nanos, const std::atomic<bool>*) override {
    return Record("card");
  }
  Status Flash(const std::string&, const std::string&, const std::string&, Nanos,
               const std::atomic<bool>*) override {
    return Record("flash");
  }
  StatusOr<std::unique_ptr<ConsoleSession>> StartConsole(const std::string&) override {
    return Status::LabFailure("not used");
  }
  StatusOr<std::unique_ptr<BootCheck>> MakeChecker(const Suite&) override {
    return Status::LabFailure("not used");
  }

 private:
  Status Record(const std::string& what) {
    {
      std::lock_guard<std::mutex> hold(*mu_);
      events_->push_back(who_ + " " + what + " start");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(80));
    std::lock_guard<std::mutex> hold(*mu_);
    events_->push_back(who_ + " " + what + " end");
    return Status::Ok();
  }
  std::string who_;
  std::vector<std::string>* events_;
  std::mutex* mu_;
};

class BuildLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("hilt-build-lock-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    lock_ = (dir_ / "state" / "build.lock").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // One run's build and image (two build steps), then its flash.
  static void Run(LabSteps* steps) {
    BuildStep step;
    step.timeout = std::chrono::seconds(10);
    EXPECT_TRUE(steps->Build(step, "log", nullptr).ok());
    EXPECT_TRUE(steps->Build(step, "log", nullptr).ok());
    EXPECT_TRUE(steps->Image(ImageConfig{}, {}, "img", "log").ok());
    EXPECT_TRUE(steps->Flash("img", "dev", "log", Nanos(0), nullptr).ok());
  }

  std::filesystem::path dir_;
  std::string lock_;
};

TEST_F(BuildLockTest, RunsBuildAndImageOneAtATimeAndFlashInParallel) {
  std::vector<std::string> events;
  std::mutex mu;
  RecordingSteps a_inner("a", &events, &mu), b_inner("b", &events, &mu);
  std::ostringstream b_progress;
  BuildLockedSteps a(&a_inner, lock_, nullptr), b(&b_inner, lock_, &b_progress);
  std::thread ta([&] { Run(&a); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::thread tb([&] { Run(&b); });
  ta.join();
  tb.join();
  EXPECT_FALSE(a.held());
  EXPECT_FALSE(b.held());
  // a's three steps (build, build, image) complete before b's first starts ...
  auto at = [&](const std::string& e) {
    return std::find(events.begin(), events.end(), e) - events.begin();
  };
  ASSERT_EQ(events.size(), 16u);
  EXPECT_LT(at("a image end"), at("b build start"));
  // ... and the lock is gone once a's image is done: b builds while a flashes.
  EXPECT_LT(at("b build start"), at("a flash end"));
  EXPECT_NE(b_progress.str().find("another run of this lab (pid " + std::to_string(getpid()) +
                                  ") is building"),
            std::string::npos)
      << b_progress.str();
}

TEST_F(BuildLockTest, WaitIsBoundedByTheStepTimeoutAndCancellable) {
  std::vector<std::string> events;
  std::mutex mu;
  RecordingSteps inner("x", &events, &mu);
  auto holder = std::make_unique<BuildLockedSteps>(&inner, lock_, nullptr);
  BuildLockedSteps waiter(&inner, lock_, nullptr);
  BuildStep step;
  ASSERT_TRUE(holder->Build(step, "log", nullptr).ok());
  ASSERT_TRUE(holder->held());
  step.timeout = std::chrono::milliseconds(200);
  const auto start = std::chrono::steady_clock::now();
  Status s = waiter.Build(step, "log", nullptr);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
  EXPECT_EQ(s.code(), Status::Code::kLabFailure);
  EXPECT_NE(s.message().find("held the build lock " + lock_), std::string::npos) << s.message();
  std::atomic<bool> cancel{true};
  step.timeout = std::chrono::seconds(30);
  EXPECT_EQ(waiter.Build(step, "log", &cancel).code(), Status::Code::kCancelled);
  // The waiter never ran a step; the holder's lock is dropped with it.
  EXPECT_EQ(events.size(), 2u);
  holder.reset();
  EXPECT_TRUE(waiter.Build(step, "log", nullptr).ok());
}

TEST_F(BuildLockTest, AnUnwritableLockIsALabFailure) {
  std::vector<std::string> events;
  std::mutex mu;
  RecordingSteps inner("x", &events, &mu);
  BuildLockedSteps steps(&inner, "/proc/hilt-no-such-dir/build.lock", nullptr);
  BuildStep step;
  Status s = steps.Build(step, "log", nullptr);
  EXPECT_EQ(s.code(), Status::Code::kLabFailure);
  EXPECT_NE(s.message().find("cannot open the build lock /proc/hilt-no-such-dir/build.lock"),
            std::string::npos)
      << s.message();
  EXPECT_TRUE(events.empty());
}

}  // namespace
}  // namespace hilt
