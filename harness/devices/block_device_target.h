// BlockDeviceTarget: an SD card (or loop device) opened as a raw block device.
//
// Opened O_EXCL, so the kernel itself refuses a device that is mounted or held
// by another driver, and O_DIRECT, so writes skip the page cache and reads
// come from the card. Geometry comes from BLKGETSIZE64, BLKSSZGET, BLKPBSZGET.
// Callers run CheckFlashTarget (device_safety.h) before opening.
#ifndef HILT_DEVICES_BLOCK_DEVICE_TARGET_H_
#define HILT_DEVICES_BLOCK_DEVICE_TARGET_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "harness/devices/block_target.h"

namespace hilt {

class BlockDeviceTarget final : public BlockTarget {
 public:
  // EBUSY (mounted or held) is InvalidInput: it is a refusal, not a fault.
  static StatusOr<std::unique_ptr<BlockDeviceTarget>> Open(const std::string& path);
  ~BlockDeviceTarget() override;
  BlockDeviceTarget(const BlockDeviceTarget&) = delete;
  BlockDeviceTarget& operator=(const BlockDeviceTarget&) = delete;

  uint64_t Size() const override { return size_; }
  uint32_t LogicalBlockSize() const override { return logical_block_; }
  uint32_t PhysicalBlockSize() const override { return physical_block_; }
  uint32_t IoAlignment() const override { return logical_block_; }

  // Offsets, lengths and buffers must be multiples of LogicalBlockSize().
  Status Write(uint64_t offset, const void* data, size_t length) override;
  Status ReadUncached(uint64_t offset, void* data, size_t length) override;
  StatusOr<DiscardResult> Discard(uint64_t offset, uint64_t length) override;
  Status Sync() override;
  std::string Describe() const override;

 private:
  BlockDeviceTarget(std::string path, int fd, uint64_t size, uint32_t logical, uint32_t physical)
      : path_(std::move(path)), fd_(fd), size_(size), logical_block_(logical),
        physical_block_(physical) {}
  Status CheckAligned(const char* op, uint64_t offset, const void* data, size_t length) const;

  std::string path_;
  int fd_;
  uint64_t size_;
  uint32_t logical_block_;
  uint32_t physical_block_;
};

}  // namespace hilt

#endif  // HILT_DEVICES_BLOCK_DEVICE_TARGET_H_
