#include "harness/image/byte_source.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hilt::image {

Status ByteSource::Read(uint64_t offset, std::span<uint8_t> out) const {
  if (offset > size || out.size() > size - offset) {
    return Status::InvalidInput(name + ": read of " + std::to_string(out.size()) +
                                " bytes at offset " + std::to_string(offset) +
                                " is past the end (" + std::to_string(size) + " bytes)");
  }
  return read(offset, out);
}

StatusOr<ByteSource> ByteSourceFromFd(int fd, std::string name) {
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    return Status::LabFailure(name + ": fstat: " + std::strerror(errno));
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (S_ISBLK(st.st_mode)) {
    if (ioctl(fd, BLKGETSIZE64, &size) != 0) {
      return Status::LabFailure(name + ": BLKGETSIZE64: " + std::strerror(errno));
    }
  }
  ByteSource src;
  src.size = size;
  src.name = name;
  src.read = [fd, name](uint64_t offset, std::span<uint8_t> out) -> Status {
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = pread(fd, out.data() + done, out.size() - done,
                        static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        return Status::LabFailure(name + ": read at offset " + std::to_string(offset + done) +
                                  ": " + std::strerror(errno));
      }
      if (n == 0) {
        return Status::InvalidInput(name + ": unexpected end of data at offset " +
                                    std::to_string(offset + done));
      }
      done += static_cast<size_t>(n);
    }
    return Status::Ok();
  };
  return src;
}

ByteSource ByteSourceFromMemory(std::span<const uint8_t> data, std::string name) {
  ByteSource src;
  src.size = data.size();
  src.name = std::move(name);
  src.read = [data](uint64_t offset, std::span<uint8_t> out) -> Status {
    std::memcpy(out.data(), data.data() + offset, out.size());
    return Status::Ok();
  };
  return src;
}

}  // namespace hilt::image
