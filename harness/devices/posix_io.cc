#include "harness/devices/posix_io.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace hilt {

Status IoError(std::string_view op, const std::string& path, uint64_t offset, int err) {
  return Status::LabFailure(fmt::format("{} {} at offset {} ({}): {}", op, path, offset,
                                        HumanBytes(offset), std::strerror(err)));
}

Status PreadFull(int fd, const std::string& path, uint64_t offset, void* data, size_t length) {
  auto* p = static_cast<char*>(data);
  while (length > 0) {
    ssize_t n = ::pread(fd, p, length, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("read", path, offset, errno);
    }
    if (n == 0) {
      return Status::LabFailure(
          fmt::format("read {} at offset {}: unexpected end of device", path, offset));
    }
    p += n;
    offset += static_cast<uint64_t>(n);
    length -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status PwriteFull(int fd, const std::string& path, uint64_t offset, const void* data,
                  size_t length) {
  const auto* p = static_cast<const char*>(data);
  while (length > 0) {
    ssize_t n = ::pwrite(fd, p, length, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("write", path, offset, errno);
    }
    if (n == 0) return IoError("write", path, offset, ENOSPC);
    p += n;
    offset += static_cast<uint64_t>(n);
    length -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

std::string HumanBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 4) {
    v /= 1024;
    ++unit;
  }
  if (unit == 0) return fmt::format("{} B", bytes);
  if (v == static_cast<double>(static_cast<uint64_t>(v))) {
    return fmt::format("{} {}", static_cast<uint64_t>(v), kUnits[unit]);
  }
  return fmt::format("{:.1f} {}", v, kUnits[unit]);
}

}  // namespace hilt
