// Whole-buffer pread/pwrite on a file descriptor, shared by the file and
// block-device targets: they retry short transfers and EINTR, and turn errno
// into a Status that says what failed, where, and at which byte.
#ifndef HILT_DEVICES_POSIX_IO_H_
#define HILT_DEVICES_POSIX_IO_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "harness/core/status.h"

namespace hilt {

// "write /dev/sdb at offset 4194304 (4 MiB): Input/output error". EIO, ENODEV,
// ENXIO and friends are the lab's fault (LabFailure); so is everything else
// at this level, since the caller checked its input before any I/O.
Status IoError(std::string_view op, const std::string& path, uint64_t offset, int err);

// Reads exactly `length` bytes; reading past the end is an error.
Status PreadFull(int fd, const std::string& path, uint64_t offset, void* data, size_t length);
Status PwriteFull(int fd, const std::string& path, uint64_t offset, const void* data,
                  size_t length);

// "4000 MiB", "512 KiB", "17 B": sizes for people.
std::string HumanBytes(uint64_t bytes);

}  // namespace hilt

#endif  // HILT_DEVICES_POSIX_IO_H_
