// Files that appear whole or not at all. A report read by CI (result.json,
// junit.xml) must never be seen half-written, even if hilt is killed or the
// machine loses power mid-write: write a temporary file in the same folder,
// fsync it, rename it over the target, fsync the folder.
#ifndef HILT_CORE_ATOMIC_FILE_H_
#define HILT_CORE_ATOMIC_FILE_H_

#include <string>
#include <string_view>

#include "harness/core/status.h"

namespace hilt {

// Replaces `path` with `contents` atomically. Errors name the path and errno.
Status WriteFileAtomically(const std::string& path, std::string_view contents);

// The streaming form, for files too big to hold in memory. The temporary file
// is removed unless Commit() succeeded.
class AtomicFile {
 public:
  static StatusOr<AtomicFile> Create(const std::string& path);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  Status Write(std::string_view bytes);
  // fsync, close, rename over the target, fsync the folder.
  Status Commit();

  const std::string& path() const { return path_; }

 private:
  AtomicFile(std::string path, std::string temp_path, int fd)
      : path_(std::move(path)), temp_path_(std::move(temp_path)), fd_(fd) {}
  void Abandon();

  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace hilt

#endif  // HILT_CORE_ATOMIC_FILE_H_
