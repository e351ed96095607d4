#include "harness/devices/block_device_target.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "harness/devices/posix_io.h"

namespace hilt {

StatusOr<std::unique_ptr<BlockDeviceTarget>> BlockDeviceTarget::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_DIRECT | O_EXCL);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound(fmt::format("{}: no such device", path));
    if (err == EBUSY) {
      return Status::InvalidInput(fmt::format(
          "{}: device is busy (mounted, or held by another driver or process); refusing to "
          "write it",
          path));
    }
    return Status::LabFailure(fmt::format("open {}: {}", path, std::strerror(err)));
  }
  auto fail = [&](const char* what) {
    Status s = Status::LabFailure(fmt::format("{} {}: {}", what, path, std::strerror(errno)));
    ::close(fd);
    return s;
  };
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail("stat");
  if (!S_ISBLK(st.st_mode)) {
    ::close(fd);
    return Status::InvalidInput(fmt::format("{}: not a block device", path));
  }
  uint64_t size = 0;
  int logical = 0;
  unsigned int physical = 0;
  if (::ioctl(fd, BLKGETSIZE64, &size) != 0) return fail("BLKGETSIZE64 on");
  if (::ioctl(fd, BLKSSZGET, &logical) != 0) return fail("BLKSSZGET on");
  if (::ioctl(fd, BLKPBSZGET, &physical) != 0) return fail("BLKPBSZGET on");
  if (logical <= 0) logical = 512;
  if (physical < static_cast<unsigned>(logical)) physical = static_cast<unsigned>(logical);
  return std::unique_ptr<BlockDeviceTarget>(new BlockDeviceTarget(
      path, fd, size, static_cast<uint32_t>(logical), static_cast<uint32_t>(physical)));
}

BlockDeviceTarget::~BlockDeviceTarget() { ::close(fd_); }

Status BlockDeviceTarget::CheckAligned(const char* op, uint64_t offset, const void* data,
                                       size_t length) const {
  if (offset % logical_block_ || length % logical_block_ ||
      reinterpret_cast<uintptr_t>(data) % logical_block_) {
    return Status::InvalidInput(
        fmt::format("{} {} at offset {} length {}: not aligned to the {}-byte logical block",
                    op, path_, offset, length, logical_block_));
  }
  if (offset > size_ || length > size_ - offset) {
    return Status::InvalidInput(fmt::format("{} {} at offset {} length {}: past the end ({})",
                                            op, path_, offset, length, size_));
  }
  return Status::Ok();
}

Status BlockDeviceTarget::Write(uint64_t offset, const void* data, size_t length) {
  HILT_RETURN_IF_ERROR(CheckAligned("write", offset, data, length));
  return PwriteFull(fd_, path_, offset, data, length);
}

Status BlockDeviceTarget::ReadUncached(uint64_t offset, void* data, size_t length) {
  HILT_RETURN_IF_ERROR(CheckAligned("read", offset, data, length));
  return PreadFull(fd_, path_, offset, data, length);
}

StatusOr<DiscardResult> BlockDeviceTarget::Discard(uint64_t offset, uint64_t length) {
  if (length == 0) return DiscardResult::kDiscarded;
  uint64_t range[2] = {offset, length};
  if (::ioctl(fd_, BLKDISCARD, range) != 0) {
    if (errno == EOPNOTSUPP || errno == ENOTTY) return DiscardResult::kUnsupported;
    return IoError("discard", path_, offset, errno);
  }
  return DiscardResult::kDiscarded;
}

Status BlockDeviceTarget::Sync() {
  if (::fsync(fd_) != 0) return IoError("sync", path_, 0, errno);
  return Status::Ok();
}

std::string BlockDeviceTarget::Describe() const {
  return fmt::format("{} (block device, {}, {}/{}-byte blocks)", path_, HumanBytes(size_),
                     logical_block_, physical_block_);
}

}  // namespace hilt
