// A fresh, empty folder for the running test, so that tests (and parallel
// ctest processes, one per test) never share files.
#ifndef HILT_TESTS_UNIT_TEST_DIR_H_
#define HILT_TESTS_UNIT_TEST_DIR_H_

#include <unistd.h>

#include <filesystem>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace hilt {

// <tmp>/<prefix>_<pid>_<test name>, emptied and created.
inline std::filesystem::path FreshTestDir(std::string_view prefix) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      (std::string(prefix) + "_" + std::to_string(::getpid()) + "_" +
       ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace hilt

#endif  // HILT_TESTS_UNIT_TEST_DIR_H_
