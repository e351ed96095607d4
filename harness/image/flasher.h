// The flasher: writes a sparse image to a BlockTarget, fast and checked.
//
//   1. plan (flash_plan.h): the image's data extents, the holes inside its
//      GPT partitions (zeroed, so no stale file system survives), the backup
//      GPT moved to the end of a larger device; an image larger than the
//      device is refused here, before any write;
//   2. write in large aligned chunks; with skip_identical the target's
//      chunk is read first and only blocks that differ are written, so
//      re-flashing an image that changed in a few blocks writes only those;
//   3. discard the rest of the device where the target supports it;
//   4. sync, then read back through the device (not the page cache) every
//      written range and compare it with the image.
// An I/O error anywhere is a LabFailure naming the offset.
#ifndef HILT_IMAGE_FLASHER_H_
#define HILT_IMAGE_FLASHER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "harness/core/status.h"
#include "harness/devices/block_target.h"
#include "harness/image/byte_ranges.h"

namespace hilt {

struct FlashOptions {
  size_t chunk_bytes = 4 << 20;  // one write; a multiple of 4096
  bool skip_identical = true;    // read before write; write only differing blocks
  bool verify = true;
  bool discard = true;
  bool relocate_gpt = true;
  bool zero_gpt_partitions = true;
  RangeSet zero_ranges;          // more ranges to zero where the image has holes
};

struct FlashReport {
  uint64_t written_bytes = 0;    // image data (and moved GPT) written
  uint64_t zeroed_bytes = 0;     // holes written as zeros
  uint64_t discarded_bytes = 0;
  uint64_t verified_bytes = 0;   // read back after sync and compared
  uint64_t skipped_bytes = 0;    // already identical on the target
  double seconds = 0;
  bool discard_supported = true;
  bool gpt_relocated = false;
  std::vector<std::string> warnings;
};

enum class FlashPhase { kWrite, kVerify };

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // `done` of `total` bytes of this phase; called after every chunk.
  virtual void OnProgress(FlashPhase phase, uint64_t done, uint64_t total) = 0;
};

StatusOr<FlashReport> Flash(const std::string& image_path, BlockTarget& target,
                            const FlashOptions& options, ProgressSink* progress);

}  // namespace hilt

#endif  // HILT_IMAGE_FLASHER_H_
