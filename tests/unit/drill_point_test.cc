// The drills' pause hook: inert unless asked, pauses where asked, goes on
// when its file is removed or the run is cancelled.
#include "harness/runner/drill_point.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace hilt {
namespace {

using namespace std::chrono_literals;

TEST(DrillPointTest, InertUnlessAskedThenPausesOnceUntilReleased) {
  std::string file = (std::filesystem::temp_directory_path() / ("hilt_drill_" + std::to_string(getpid()))).string();
  std::filesystem::remove(file);
  ::unsetenv("HILT_TEST_PAUSE_AT");
  ::unsetenv("HILT_TEST_PAUSE_FILE");
  DrillPoint("boot", nullptr);  // unset: returns at once
  ::setenv("HILT_TEST_PAUSE_AT", "boot", 1);
  ::setenv("HILT_TEST_PAUSE_FILE", file.c_str(), 1);
  DrillPoint("build", nullptr);  // another point: returns at once
  EXPECT_FALSE(std::filesystem::exists(file));

  std::atomic<bool> done{false};
  std::thread run([&] {
    DrillPoint("boot", nullptr);
    done = true;
  });
  for (int i = 0; i < 2000 && !std::filesystem::exists(file); ++i) std::this_thread::sleep_for(1ms);
  ASSERT_TRUE(std::filesystem::exists(file));
  std::string point, pid;
  std::ifstream(file) >> point >> pid;
  EXPECT_EQ(point, "boot");
  EXPECT_EQ(pid, std::to_string(getpid()));
  std::this_thread::sleep_for(30ms);
  EXPECT_FALSE(done) << "went on while the file was still there";
  std::filesystem::remove(file);
  run.join();
  EXPECT_TRUE(done);

  DrillPoint("boot", nullptr);  // once only: a second pass does not pause
  EXPECT_FALSE(std::filesystem::exists(file));
  ::unsetenv("HILT_TEST_PAUSE_AT");
  ::unsetenv("HILT_TEST_PAUSE_FILE");
}

}  // namespace
}  // namespace hilt
