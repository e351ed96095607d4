// FlashPlan: which bytes of a device a flash writes, zeroes or discards,
// decided from the image's extents (SEEK_DATA/SEEK_HOLE), its GPT and the
// target's geometry before a single byte is written.
#ifndef HILT_IMAGE_FLASH_PLAN_H_
#define HILT_IMAGE_FLASH_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "harness/core/status.h"
#include "harness/devices/block_target.h"
#include "harness/image/byte_ranges.h"
#include "harness/image/gpt_relocation.h"

namespace hilt {

struct FlashPlan {
  uint64_t image_size = 0;
  RangeSet data;     // where the image holds data
  RangeSet zero;     // holes to be zeroed on the device: in a partition, or asked for
  RangeSet write;    // data + zero + overlays, aligned for the target
  RangeSet discard;  // everything else on the device, aligned inward
  ByteRange stale;   // the image's own backup GPT when it moves: written as zeros if at all
  std::vector<Overlay> overlays;  // bytes that replace the image's (sorted by offset)
  bool gpt_relocated = false;
  std::vector<std::string> warnings;

  // The bytes the device must hold at [offset, offset+length): the image
  // (zeros past its end and in `stale`) with the overlays applied.
  Status Fill(int image_fd, const std::string& image_path, uint64_t offset, uint8_t* buffer,
              size_t length) const;
};

struct PlanInputs {
  RangeSet zero_ranges;             // extra ranges to zero where the image has holes
  bool zero_gpt_partitions = true;  // zero the holes inside the image's GPT partitions
  bool relocate_gpt = true;         // move the backup GPT to the end of a larger device
};

// InvalidInput when the image does not fit the target; nothing is written.
StatusOr<FlashPlan> PlanFlash(int image_fd, const std::string& image_path, uint64_t image_size,
                              const BlockTarget& target, const PlanInputs& inputs);

}  // namespace hilt

#endif  // HILT_IMAGE_FLASH_PLAN_H_
