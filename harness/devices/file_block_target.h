// FileBlockTarget: a regular file as a BlockTarget — an image written to disk
// for later, or a test's stand-in for an SD card.
//
// Aligned transfers go through O_DIRECT where the file system allows it, so a
// read-back checks the disk and not the page cache. Where O_DIRECT is refused
// (tmpfs, some FUSE) or a transfer is unaligned, a buffered descriptor is
// used, and a read-back first flushes and drops the cached pages of its range
// (fdatasync + posix_fadvise DONTNEED) so it still reads the medium.
#ifndef HILT_DEVICES_FILE_BLOCK_TARGET_H_
#define HILT_DEVICES_FILE_BLOCK_TARGET_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "harness/devices/block_target.h"

namespace hilt {

class FileBlockTarget final : public BlockTarget {
 public:
  // Opens `path` for writing. A missing or empty file is created with
  // `create_size` bytes (sparse); with create_size 0 it must already exist.
  // An existing file keeps its size, as a device would.
  static StatusOr<std::unique_ptr<FileBlockTarget>> Open(const std::string& path,
                                                         uint64_t create_size);
  ~FileBlockTarget() override;
  FileBlockTarget(const FileBlockTarget&) = delete;
  FileBlockTarget& operator=(const FileBlockTarget&) = delete;

  uint64_t Size() const override { return size_; }
  uint32_t LogicalBlockSize() const override { return 512; }
  uint32_t PhysicalBlockSize() const override { return physical_block_; }
  uint32_t IoAlignment() const override { return direct_fd_ >= 0 ? kDirectAlignment : 1; }

  Status Write(uint64_t offset, const void* data, size_t length) override;
  Status ReadUncached(uint64_t offset, void* data, size_t length) override;
  StatusOr<DiscardResult> Discard(uint64_t offset, uint64_t length) override;
  Status Sync() override;
  std::string Describe() const override;

  bool uses_direct_io() const { return direct_fd_ >= 0; }

 private:
  // Safe for every Linux file system that supports O_DIRECT.
  static constexpr uint32_t kDirectAlignment = 4096;

  FileBlockTarget(std::string path, int fd, int direct_fd, uint64_t size, uint32_t physical_block)
      : path_(std::move(path)), fd_(fd), direct_fd_(direct_fd), size_(size),
        physical_block_(physical_block) {}
  bool Aligned(uint64_t offset, const void* data, size_t length) const;

  std::string path_;
  int fd_;         // buffered
  int direct_fd_;  // O_DIRECT, or -1 where the file system refuses it
  uint64_t size_;
  uint32_t physical_block_;
  bool buffered_dirty_ = false;  // buffered writes not yet flushed
  // Anything written or punched since the last Sync(): a reflash of the same
  // image changes nothing, and its Sync() then costs no fsync.
  bool changed_ = false;
};

}  // namespace hilt

#endif  // HILT_DEVICES_FILE_BLOCK_TARGET_H_
