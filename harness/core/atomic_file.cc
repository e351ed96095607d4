#include "harness/core/atomic_file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace hilt {

namespace {

Status Errno(std::string_view what, const std::string& path) {
  return Status::LabFailure(std::string(what) + " " + path + ": " + std::strerror(errno));
}

std::string FolderOf(const std::string& path) {
  std::string folder = std::filesystem::path(path).parent_path().string();
  return folder.empty() ? "." : folder;
}

}  // namespace

StatusOr<AtomicFile> AtomicFile::Create(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  if (name.empty()) return Status::InvalidInput("not a file name: '" + path + "'");
  // In the same folder, so the rename cannot cross file systems.
  std::string temp = FolderOf(path) + "/." + name + ".tmp.XXXXXX";
  int fd = mkstemp(temp.data());
  if (fd < 0) return Errno("cannot create a temporary file for", path);
  // mkstemp makes the file 0600; reports are meant to be read by others.
  fchmod(fd, 0644);
  return AtomicFile(path, temp, fd);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      temp_path_(std::move(other.temp_path_)),
      fd_(other.fd_),
      committed_(other.committed_) {
  other.fd_ = -1;
  other.committed_ = true;  // nothing left for the moved-from object to clean
}

AtomicFile::~AtomicFile() {
  if (!committed_) Abandon();
}

void AtomicFile::Abandon() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  if (!temp_path_.empty()) unlink(temp_path_.c_str());
  committed_ = true;
}

Status AtomicFile::Write(std::string_view bytes) {
  if (fd_ < 0) return Status::LabFailure("write to a closed file: " + path_);
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("cannot write", path_);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status AtomicFile::Commit() {
  if (fd_ < 0) return Status::LabFailure("commit of a closed file: " + path_);
  if (fsync(fd_) != 0) {
    Status s = Errno("cannot fsync", path_);
    Abandon();
    return s;
  }
  int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) {
    Status s = Errno("cannot close", path_);
    Abandon();
    return s;
  }
  if (rename(temp_path_.c_str(), path_.c_str()) != 0) {
    Status s = Errno("cannot rename into", path_);
    Abandon();
    return s;
  }
  committed_ = true;
  // The rename is durable only once the folder is synced; failure here
  // leaves a complete file, so it is not an error.
  int dir = open(FolderOf(path_).c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    fsync(dir);
    close(dir);
  }
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, std::string_view contents) {
  StatusOr<AtomicFile> file = AtomicFile::Create(path);
  if (!file.ok()) return file.status();
  HILT_RETURN_IF_ERROR(file->Write(contents));
  return file->Commit();
}

}  // namespace hilt
