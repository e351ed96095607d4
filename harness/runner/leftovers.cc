#include "harness/runner/leftovers.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace hilt {
namespace {

bool AllDigits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// True when /proc/<pid>/environ holds exactly `entry` ("NAME=value").
bool HasEnvEntry(const std::string& pid, const std::string& entry) {
  std::ifstream in("/proc/" + pid + "/environ", std::ios::binary);
  if (!in) return false;
  std::string env((std::istreambuf_iterator<char>(in)), {});
  std::string needle = '\0' + entry + '\0';
  return ('\0' + env).find(needle) != std::string::npos;
}

}  // namespace

std::string OwnerMark(const std::string& lock_path, pid_t pid) { return lock_path + ":" + std::to_string(pid); }

void MarkChildrenAsOwned(const std::string& lock_path) {
  ::setenv(kOwnerVariable, OwnerMark(lock_path, ::getpid()).c_str(), 1);
}

int KillLeftovers(const std::string& mark) {
  const std::string entry = std::string(kOwnerVariable) + "=" + mark;
  const std::string self = std::to_string(::getpid());
  int killed = 0;
  // Again while some were found: one may have forked before it was killed.
  for (int round = 0; round < 5; ++round) {
    int found = 0;
    std::error_code ec;
    for (const auto& dir : std::filesystem::directory_iterator("/proc", ec)) {
      std::string pid = dir.path().filename().string();
      if (!AllDigits(pid) || pid == self || !HasEnvEntry(pid, entry)) continue;
      if (::kill(static_cast<pid_t>(std::stol(pid)), SIGKILL) == 0) ++found;
    }
    killed += found;
    if (found == 0) break;
    ::usleep(20000);
  }
  return killed;
}

}  // namespace hilt
