#include "harness/devices/block_device_wait.h"

#include <sys/stat.h>

#include <chrono>

#include <fmt/format.h>

namespace hilt {

Status WaitForBlockDevice(const std::string& path, Nanos timeout, Clock* clock) {
  const Nanos deadline = clock->Now() + timeout;
  for (;;) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) return Status::Ok();
    if (clock->Now() >= deadline) {
      return Status::Timeout(fmt::format(
          "block device {} did not appear within {:.1f}s after switching the SD mux to the host "
          "(is the mux's USB side connected, and the path right? see ls -l /dev/disk/by-id)",
          path, ToSeconds(timeout)));
    }
    clock->SleepFor(std::chrono::milliseconds(50));
  }
}

}  // namespace hilt
