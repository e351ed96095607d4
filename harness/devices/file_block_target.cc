#include "harness/devices/file_block_target.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "harness/devices/posix_io.h"

namespace hilt {

StatusOr<std::unique_ptr<FileBlockTarget>> FileBlockTarget::Open(const std::string& path,
                                                                 uint64_t create_size) {
  int flags = O_RDWR | O_CLOEXEC | (create_size > 0 ? O_CREAT : 0);
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound(fmt::format("{}: no such file", path));
    return Status::LabFailure(fmt::format("open {}: {}", path, std::strerror(err)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::InvalidInput(fmt::format("{}: not a regular file", path));
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size == 0 && create_size > 0) {
    if (::ftruncate(fd, static_cast<off_t>(create_size)) != 0) {
      int err = errno;
      ::close(fd);
      return Status::LabFailure(
          fmt::format("size {} to {}: {}", path, HumanBytes(create_size), std::strerror(err)));
    }
    size = create_size;
  }
  // EINVAL means the file system has no O_DIRECT: fall back to buffered I/O
  // with explicit cache dropping.
  int direct_fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_DIRECT);
  uint32_t physical = st.st_blksize > 0 ? static_cast<uint32_t>(st.st_blksize) : 4096;
  return std::unique_ptr<FileBlockTarget>(
      new FileBlockTarget(path, fd, direct_fd, size, physical));
}

FileBlockTarget::~FileBlockTarget() {
  if (direct_fd_ >= 0) ::close(direct_fd_);
  ::close(fd_);
}

bool FileBlockTarget::Aligned(uint64_t offset, const void* data, size_t length) const {
  return direct_fd_ >= 0 && offset % kDirectAlignment == 0 && length % kDirectAlignment == 0 &&
         reinterpret_cast<uintptr_t>(data) % kDirectAlignment == 0;
}

Status FileBlockTarget::Write(uint64_t offset, const void* data, size_t length) {
  if (offset > size_ || length > size_ - offset) {
    return Status::InvalidInput(
        fmt::format("write {} at offset {}: past the end ({} bytes)", path_, offset, size_));
  }
  changed_ = true;
  if (Aligned(offset, data, length)) return PwriteFull(direct_fd_, path_, offset, data, length);
  buffered_dirty_ = true;
  return PwriteFull(fd_, path_, offset, data, length);
}

Status FileBlockTarget::ReadUncached(uint64_t offset, void* data, size_t length) {
  if (Aligned(offset, data, length)) return PreadFull(direct_fd_, path_, offset, data, length);
  if (buffered_dirty_) {
    if (::fdatasync(fd_) != 0) return IoError("flush", path_, offset, errno);
    buffered_dirty_ = false;
  }
  // Drop the cached pages of the whole range (page-rounded outward), so the
  // read below comes from the disk.
  const uint64_t page = 4096;
  uint64_t begin = offset / page * page;
  uint64_t end = (offset + length + page - 1) / page * page;
  ::posix_fadvise(fd_, static_cast<off_t>(begin), static_cast<off_t>(end - begin),
                  POSIX_FADV_DONTNEED);
  return PreadFull(fd_, path_, offset, data, length);
}

StatusOr<DiscardResult> FileBlockTarget::Discard(uint64_t offset, uint64_t length) {
  if (length == 0) return DiscardResult::kDiscarded;
  // A range that is a hole already reads as zeros: nothing to punch.
  off_t data = ::lseek(fd_, static_cast<off_t>(offset), SEEK_DATA);
  if ((data < 0 && errno == ENXIO) || (data >= 0 && static_cast<uint64_t>(data) >= offset + length)) {
    return DiscardResult::kDiscarded;
  }
  changed_ = true;
  if (::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset),
                  static_cast<off_t>(length)) != 0) {
    if (errno == EOPNOTSUPP || errno == ENOSYS) return DiscardResult::kUnsupported;
    return IoError("punch a hole in", path_, offset, errno);
  }
  return DiscardResult::kDiscarded;
}

Status FileBlockTarget::Sync() {
  if (!changed_) return Status::Ok();
  if (::fsync(fd_) != 0) return IoError("sync", path_, 0, errno);
  if (direct_fd_ >= 0 && ::fsync(direct_fd_) != 0) return IoError("sync", path_, 0, errno);
  buffered_dirty_ = false;
  changed_ = false;
  return Status::Ok();
}

std::string FileBlockTarget::Describe() const {
  return fmt::format("{} (file, {}{})", path_, HumanBytes(size_),
                     direct_fd_ >= 0 ? ", O_DIRECT" : ", buffered");
}

}  // namespace hilt
