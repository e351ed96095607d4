#include "harness/runner/drill_point.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace hilt {

void DrillPoint(std::string_view point, const std::atomic<bool>* cancel) {
  static std::atomic<bool> paused{false};
  const char* at = std::getenv("HILT_TEST_PAUSE_AT");
  const char* file = std::getenv("HILT_TEST_PAUSE_FILE");
  if (at == nullptr || file == nullptr || point != at || paused.exchange(true)) return;
  {
    // Written whole and renamed into place: the drill never reads half a line.
    std::string tmp = std::string(file) + ".tmp";
    std::ofstream(tmp) << point << ' ' << ::getpid() << '\n';
    std::error_code ignored;
    std::filesystem::rename(tmp, file, ignored);
  }
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::error_code ec;
  while (std::filesystem::exists(file, ec) && !(cancel && cancel->load()) &&
         std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace hilt
