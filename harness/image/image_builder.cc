#include "harness/image/image_builder.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>

namespace hilt::image {
namespace {

constexpr size_t kCopyBlock = 1 << 20;
constexpr size_t kSparseBlock = 4096;

std::string Errno() { return std::strerror(errno); }

// Closes and unlinks the temporary file unless released after the rename.
class TempFile {
 public:
  explicit TempFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~TempFile() {
    if (fd_ >= 0) close(fd_);
    if (!path_.empty()) unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  Status Close() {
    int fd = fd_;
    fd_ = -1;
    if (close(fd) != 0) return Status::LabFailure(path_ + ": close: " + Errno());
    return Status::Ok();
  }
  void Release() { path_.clear(); }

 private:
  std::string path_;
  int fd_;
};

Status WriteAll(int fd, const uint8_t* data, size_t size, uint64_t offset, const std::string& name) {
  while (size > 0) {
    ssize_t n = pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::LabFailure(name + ": write at offset " + std::to_string(offset) + ": " + Errno());
    data += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

std::string Hex(const unsigned char* digest, unsigned int len) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

// Copies `in` to `out` at `offset`, leaving all-zero blocks as holes so the
// image stays sparse (the file was just truncated: holes read as zeros).
Status CopyBlob(int in, const std::string& in_name, int out, const std::string& out_name,
                uint64_t offset, uint64_t capacity, const std::atomic<bool>* cancel,
                std::string* sha256, uint64_t* written) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<uint8_t> buf(kCopyBlock);
  uint64_t pos = 0;
  for (;;) {
    if (cancel != nullptr && cancel->load()) return Status::Cancelled("interrupted while writing " + in_name);
    ssize_t n = read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::NotFound(in_name + ": read: " + Errno());
    if (n == 0) break;
    auto len = static_cast<size_t>(n);
    if (pos + len > capacity) {
      return Status::InvalidInput(in_name + ": grew past its region of " + std::to_string(capacity) +
                                  " bytes while being copied");
    }
    EVP_DigestUpdate(ctx.get(), buf.data(), len);
    // Write runs of 4 KiB blocks that hold data; skip the all-zero ones.
    size_t run_start = 0, run_end = 0;
    for (size_t b = 0; b < len; b += kSparseBlock) {
      size_t e = std::min(len, b + kSparseBlock);
      bool zero = std::all_of(buf.begin() + static_cast<long>(b), buf.begin() + static_cast<long>(e),
                              [](uint8_t v) { return v == 0; });
      if (zero) continue;
      if (b != run_end) {
        HILT_RETURN_IF_ERROR(WriteAll(out, buf.data() + run_start, run_end - run_start,
                                      offset + pos + run_start, out_name));
        *written += run_end - run_start;
        run_start = b;
      }
      run_end = e;
    }
    if (run_end > run_start) {
      HILT_RETURN_IF_ERROR(WriteAll(out, buf.data() + run_start, run_end - run_start,
                                    offset + pos + run_start, out_name));
      *written += run_end - run_start;
    }
    pos += len;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &digest_len);
  *sha256 = Hex(digest, digest_len);
  return Status::Ok();
}

std::string SlotList(const std::vector<SlotRegion>& regions) {
  std::string list;
  for (const auto& r : regions) list += (list.empty() ? "" : ", ") + r.content;
  return list.empty() ? "(none)" : list;
}

}  // namespace

StatusOr<SlotFile> ParseSlotFile(const std::string& arg) {
  auto eq = arg.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size()) {
    return Status::InvalidInput("--part '" + arg + "': expected SLOT=FILE, e.g. bl2=bl2.img");
  }
  return SlotFile{arg.substr(0, eq), arg.substr(eq + 1)};
}

StatusOr<ImageReport> BuildImage(const Layout& layout, const std::vector<SlotFile>& files,
                                 const std::string& output, const std::atomic<bool>* cancel,
                                 ImageDurability durability) {
  // Everything the user can get wrong is checked before a byte is written.
  std::vector<SlotRegion> regions = layout.Slots();
  std::map<std::string, const SlotRegion*> by_slot;
  for (const auto& r : regions) by_slot[r.content] = &r;
  std::map<std::string, std::string> given;
  for (const auto& f : files) {
    if (!by_slot.count(f.content)) {
      return Status::InvalidInput("--part " + f.content + "=" + f.path + ": layout " + layout.file +
                                  " has no content slot '" + f.content + "' (slots: " + SlotList(regions) + ")");
    }
    if (!given.emplace(f.content, f.path).second) {
      return Status::InvalidInput("--part " + f.content + " is given twice");
    }
  }
  ImageReport report;
  report.output = output;
  report.size = layout.size;
  report.kind = layout.kind;
  for (const auto& r : regions) {
    auto it = given.find(r.content);
    if (it == given.end()) continue;
    struct stat st {};
    if (stat(it->second.c_str(), &st) != 0) {
      return Status::NotFound("--part " + r.content + "=" + it->second + ": " + Errno());
    }
    if (!S_ISREG(st.st_mode)) {
      return Status::InvalidInput("--part " + r.content + "=" + it->second + ": not a regular file");
    }
    auto size = static_cast<uint64_t>(st.st_size);
    if (size > r.capacity) {
      return Status::InvalidInput("--part " + r.content + "=" + it->second + ": " + std::to_string(size) +
                                  " bytes do not fit '" + r.name + "' (" + std::to_string(r.capacity) +
                                  " bytes at offset " + std::to_string(r.offset) + ", " + r.where.ToString() + ")");
    }
    report.slots.push_back({r, it->second, size, ""});
  }
  std::vector<DiskChunk> chunks;
  if (layout.kind == Layout::Kind::kGpt) {
    GptSpec spec = layout.ToGptSpec();
    auto built = BuildGpt(spec);
    if (!built.ok()) return built.status().Prefixed(layout.file);
    chunks = std::move(built).value();
    report.disk_guid = spec.disk_guid.ToString();
    report.partitions = spec.partitions;
  }

  std::filesystem::path out_path(output);
  std::filesystem::path dir = out_path.has_parent_path() ? out_path.parent_path() : ".";
  std::string tmpl = (dir / ("." + out_path.filename().string() + ".tmp-XXXXXX")).string();
  int fd = mkstemp(tmpl.data());
  if (fd < 0) return Status::InvalidInput(output + ": cannot create a file in " + dir.string() + ": " + Errno());
  TempFile tmp(tmpl, fd);
  fchmod(fd, 0644);
  if (ftruncate(fd, static_cast<off_t>(layout.size)) != 0) {
    return Status::LabFailure(tmp.path() + ": cannot size to " + std::to_string(layout.size) + " bytes: " + Errno());
  }
  for (const auto& c : chunks) {
    HILT_RETURN_IF_ERROR(WriteAll(fd, c.bytes.data(), c.bytes.size(), c.offset, tmp.path()));
    report.bytes_written += c.bytes.size();
  }
  for (auto& slot : report.slots) {
    int in = open(slot.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return Status::NotFound(slot.path + ": " + Errno());
    Status s = CopyBlob(in, slot.path, fd, tmp.path(), slot.region.offset,
                        slot.region.capacity, cancel, &slot.sha256,
                        &report.bytes_written);
    close(in);
    HILT_RETURN_IF_ERROR(s);
  }
  if (cancel != nullptr && cancel->load()) return Status::Cancelled("interrupted before " + output + " was complete");
  const bool sync = durability == ImageDurability::kSynced;
  if (sync && fsync(fd) != 0) return Status::LabFailure(tmp.path() + ": fsync: " + Errno());
  HILT_RETURN_IF_ERROR(tmp.Close());
  if (rename(tmp.path().c_str(), output.c_str()) != 0) {
    return Status::LabFailure("cannot rename " + tmp.path() + " to " + output + ": " + Errno());
  }
  tmp.Release();
  // Make the rename itself durable.
  int dfd = sync ? open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return report;
}

}  // namespace hilt::image
