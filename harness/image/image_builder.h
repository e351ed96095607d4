// ImageBuilder: assembles a sparse disk or flash image from a layout and the
// files for its content slots.
//
// Only the MBR, both GPTs and the blobs are written; the rest stays a hole,
// so a 4000 MiB SD image costs a few hundred KiB of disk and milliseconds.
// The image appears under its final name only when complete: it is written
// to a temporary file in the same folder, fsynced, then renamed; on any
// error or cancellation the temporary file is removed.
#ifndef HILT_IMAGE_IMAGE_BUILDER_H_
#define HILT_IMAGE_IMAGE_BUILDER_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/core/status.h"
#include "harness/image/layout.h"

namespace hilt::image {

// `--part SLOT=FILE`.
struct SlotFile {
  std::string content;
  std::string path;
};

// Parses "SLOT=FILE"; InvalidInput if there is no '=' or either side is empty.
StatusOr<SlotFile> ParseSlotFile(const std::string& arg);

struct WrittenSlot {
  SlotRegion region;
  std::string path;
  uint64_t size = 0;    // bytes of the file
  std::string sha256;   // hex
};

struct ImageReport {
  std::string output;
  uint64_t size = 0;
  Layout::Kind kind = Layout::Kind::kGpt;
  std::string disk_guid;  // GPT only
  std::vector<GptPartition> partitions;  // GPT only, with the GUIDs written
  std::vector<WrittenSlot> slots;        // in image order
  uint64_t bytes_written = 0;            // data actually written (not holes)
};

// Builds `output` from `layout` and `files`. Refuses (InvalidInput/NotFound,
// before creating anything) an unknown slot, a slot given twice, a missing
// file, or a file larger than its region. Stops with Cancelled, leaving
// nothing behind, once *cancel becomes true.
//
// kScratch skips the fsyncs, for an image that is read once at once and
// dropped (a run's sd.img, which the flash step verifies on the card): on a
// crash it is lost with the run that made it.
enum class ImageDurability { kSynced, kScratch };
StatusOr<ImageReport> BuildImage(const Layout& layout, const std::vector<SlotFile>& files,
                                 const std::string& output,
                                 const std::atomic<bool>* cancel = nullptr,
                                 ImageDurability durability = ImageDurability::kSynced);

}  // namespace hilt::image

#endif  // HILT_IMAGE_IMAGE_BUILDER_H_
