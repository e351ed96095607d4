// ByteSource: random-access reads from a disk image, a block device or memory.
//
// The GPT reader needs only "read these bytes at this offset" and "how big is
// it", so it takes this small value type instead of a file descriptor: the
// simulator hands it an image file, the flasher a block device, tests a buffer.
#ifndef HILT_IMAGE_BYTE_SOURCE_H_
#define HILT_IMAGE_BYTE_SOURCE_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "harness/core/status.h"

namespace hilt::image {

struct ByteSource {
  // Total size in bytes.
  uint64_t size = 0;
  // Fills `out` from byte `offset`; an error if any of it cannot be read.
  std::function<Status(uint64_t offset, std::span<uint8_t> out)> read;
  // Names the source in messages ("card.img", "/dev/sdb").
  std::string name;

  Status Read(uint64_t offset, std::span<uint8_t> out) const;
};

// Reads an open fd with pread. The size comes from BLKGETSIZE64 for a block
// device and from fstat otherwise. The fd stays owned by the caller.
StatusOr<ByteSource> ByteSourceFromFd(int fd, std::string name);

// Reads a buffer that must outlive the source.
ByteSource ByteSourceFromMemory(std::span<const uint8_t> data, std::string name);

}  // namespace hilt::image

#endif  // HILT_IMAGE_BYTE_SOURCE_H_
