#include "harness/image/flasher.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "harness/image/flash_plan.h"

namespace hilt {
namespace {

// Blocks compared one by one when skipping identical content: small enough
// that a few changed bytes cost a few KiB of writes, a multiple of every
// alignment a target asks for.
constexpr uint64_t kCompareBlock = 4096;
constexpr size_t kBufferAlignment = 4096;

struct FreeDeleter {
  void operator()(uint8_t* p) const { std::free(p); }
};
using AlignedBuffer = std::unique_ptr<uint8_t, FreeDeleter>;

AlignedBuffer Allocate(size_t size) {
  size_t rounded = (size + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment;
  return AlignedBuffer(static_cast<uint8_t*>(std::aligned_alloc(kBufferAlignment, rounded)));
}

class ImageFile {
 public:
  ~ImageFile() {
    if (fd >= 0) ::close(fd);
  }
  int fd = -1;
  uint64_t size = 0;
};

Status OpenImage(const std::string& path, ImageFile& image) {
  image.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (image.fd < 0) {
    if (errno == ENOENT) return Status::NotFound(fmt::format("image {}: no such file", path));
    return Status::InvalidInput(fmt::format("image {}: {}", path, std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(image.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::InvalidInput(fmt::format("image {}: not a regular file", path));
  }
  if (st.st_size == 0) return Status::InvalidInput(fmt::format("image {}: empty", path));
  image.size = static_cast<uint64_t>(st.st_size);
  return Status::Ok();
}

class Flasher {
 public:
  Flasher(const std::string& path, const ImageFile& image, const FlashPlan& plan,
          BlockTarget& target, const FlashOptions& options, ProgressSink* progress)
      : path_(path), image_(image), plan_(plan), target_(target), options_(options),
        progress_(progress), chunk_(std::max<size_t>(options.chunk_bytes / kCompareBlock, 1) * kCompareBlock),
        source_(Allocate(chunk_)), device_(Allocate(chunk_)) {}

  Status WritePass(FlashReport& report) {
    const uint64_t total = TotalLength(plan_.write);
    uint64_t done = 0;
    for (const auto& range : plan_.write) {
      for (uint64_t at = range.offset; at < range.end(); at += chunk_) {
        size_t length = static_cast<size_t>(std::min<uint64_t>(chunk_, range.end() - at));
        HILT_RETURN_IF_ERROR(plan_.Fill(image_.fd, path_, at, source_.get(), length));
        if (options_.skip_identical) {
          HILT_RETURN_IF_ERROR(target_.ReadUncached(at, device_.get(), length));
          HILT_RETURN_IF_ERROR(WriteDiffering(at, length, report));
        } else {
          HILT_RETURN_IF_ERROR(WriteRun(at, 0, length, report));
        }
        done += length;
        if (progress_) progress_->OnProgress(FlashPhase::kWrite, done, total);
      }
    }
    written_ = Normalize(std::move(written_));
    return Status::Ok();
  }

  Status DiscardPass(FlashReport& report) {
    for (const auto& range : plan_.discard) {
      StatusOr<DiscardResult> result = target_.Discard(range.offset, range.length);
      if (!result.ok()) return result.status();
      if (*result == DiscardResult::kUnsupported) {
        report.discard_supported = false;
        return Status::Ok();
      }
      report.discarded_bytes += range.length;
    }
    return Status::Ok();
  }

  Status VerifyPass(FlashReport& report) {
    const uint64_t total = TotalLength(written_);
    uint64_t done = 0;
    for (const auto& range : written_) {
      for (uint64_t at = range.offset; at < range.end(); at += chunk_) {
        size_t length = static_cast<size_t>(std::min<uint64_t>(chunk_, range.end() - at));
        HILT_RETURN_IF_ERROR(plan_.Fill(image_.fd, path_, at, source_.get(), length));
        HILT_RETURN_IF_ERROR(target_.ReadUncached(at, device_.get(), length));
        if (std::memcmp(source_.get(), device_.get(), length) != 0) {
          size_t i = 0;
          while (source_.get()[i] == device_.get()[i]) ++i;
          return Status::LabFailure(fmt::format(
              "verify: {} holds different bytes than the image at offset {} after writing and "
              "syncing (the card may be failing or read-only)",
              target_.Describe(), at + i));
        }
        done += length;
        report.verified_bytes += length;
        if (progress_) progress_->OnProgress(FlashPhase::kVerify, done, total);
      }
    }
    return Status::Ok();
  }

 private:
  // Writes the runs of blocks where the image chunk at `at` differs from
  // what the device holds.
  Status WriteDiffering(uint64_t at, size_t length, FlashReport& report) {
    size_t run_begin = 0;
    bool in_run = false;
    for (size_t b = 0; b < length; b += kCompareBlock) {
      size_t n = std::min<size_t>(kCompareBlock, length - b);
      bool same = std::memcmp(source_.get() + b, device_.get() + b, n) == 0;
      if (same) {
        report.skipped_bytes += n;
        if (in_run) HILT_RETURN_IF_ERROR(WriteRun(at, run_begin, b - run_begin, report));
        in_run = false;
      } else if (!in_run) {
        run_begin = b;
        in_run = true;
      }
    }
    if (in_run) HILT_RETURN_IF_ERROR(WriteRun(at, run_begin, length - run_begin, report));
    return Status::Ok();
  }

  Status WriteRun(uint64_t chunk_at, size_t begin, size_t length, FlashReport& report) {
    const uint64_t offset = chunk_at + begin;
    HILT_RETURN_IF_ERROR(target_.Write(offset, source_.get() + begin, length));
    uint64_t zeroed = OverlapLength(plan_.zero, {offset, length});
    report.zeroed_bytes += zeroed;
    report.written_bytes += length - zeroed;
    written_.push_back({offset, length});
    return Status::Ok();
  }

  const std::string& path_;
  const ImageFile& image_;
  const FlashPlan& plan_;
  BlockTarget& target_;
  const FlashOptions& options_;
  ProgressSink* progress_;
  const size_t chunk_;
  AlignedBuffer source_;
  AlignedBuffer device_;
  RangeSet written_;
};

}  // namespace

StatusOr<FlashReport> Flash(const std::string& image_path, BlockTarget& target,
                            const FlashOptions& options, ProgressSink* progress) {
  const auto start = std::chrono::steady_clock::now();
  ImageFile image;
  HILT_RETURN_IF_ERROR(OpenImage(image_path, image));
  PlanInputs inputs;
  inputs.zero_ranges = options.zero_ranges;
  inputs.zero_gpt_partitions = options.zero_gpt_partitions;
  inputs.relocate_gpt = options.relocate_gpt;
  StatusOr<FlashPlan> plan = PlanFlash(image.fd, image_path, image.size, target, inputs);
  if (!plan.ok()) return plan.status();

  FlashReport report;
  report.gpt_relocated = plan->gpt_relocated;
  report.warnings = plan->warnings;
  Flasher flasher(image_path, image, *plan, target, options, progress);
  const std::string where = fmt::format("flash {} to {}", image_path, target.Describe());
  HILT_RETURN_IF_ERROR(flasher.WritePass(report).Prefixed(where));
  if (options.discard) HILT_RETURN_IF_ERROR(flasher.DiscardPass(report).Prefixed(where));
  HILT_RETURN_IF_ERROR(target.Sync().Prefixed(where));
  if (options.verify) HILT_RETURN_IF_ERROR(flasher.VerifyPass(report).Prefixed(where));
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace hilt
