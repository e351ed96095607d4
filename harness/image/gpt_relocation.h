// Fitting an image's GPT to a larger device, as `sgdisk -e` does.
//
// An image made for 4000 MiB ends with its backup GPT (entries + header) at
// its last sectors. Written to a 16 GB card, that backup sits in the middle
// and the card's last sector holds junk, so firmware and tools see a broken
// GPT. The flasher instead writes the backup at the device's end and patches
// the primary header (alternate LBA, last usable LBA, CRC) and the
// protective MBR's size. Also reports the partitions' byte ranges, whose
// holes the flasher zeroes so no stale file system survives.
//
// The GPT is read and checked by harness/image/gpt.h; this file only adds
// the raw bytes it patches.
#ifndef HILT_IMAGE_GPT_RELOCATION_H_
#define HILT_IMAGE_GPT_RELOCATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/status.h"
#include "harness/image/byte_ranges.h"

namespace hilt {

// Bytes that replace the image's bytes (or fill past its end) at `offset`.
struct Overlay {
  uint64_t offset = 0;
  std::vector<uint8_t> bytes;
};

struct ImageGpt {
  uint32_t sector_size = 512;
  std::vector<uint8_t> pmbr;           // LBA 0
  std::vector<uint8_t> header;         // primary header sector (LBA 1)
  std::vector<uint8_t> entries;        // the partition entry array
  uint64_t alternate_lba = 0;          // where the image puts its backup header
  uint64_t backup_entries_lba = 0;     // where the image puts its backup entries
  std::vector<ByteRange> partitions;   // used entries, in bytes, clamped to the image
};

// The image's primary GPT, read from `fd` (an image of `image_size` bytes).
// nullopt when there is none; InvalidInput when it is there but broken (bad
// CRC, impossible geometry) — `path` names the image in messages.
StatusOr<std::optional<ImageGpt>> ReadImageGpt(int fd, const std::string& path,
                                               uint64_t image_size);

struct GptRelocation {
  std::vector<Overlay> overlays;  // protective MBR, primary header, backup entries + header
  ByteRange stale;                // the image's own backup GPT: not to be written
};

// The writes that move the backup GPT to the end of a device of
// `device_size` bytes. nullopt when the backup is already at its end.
std::optional<GptRelocation> PlanGptRelocation(const ImageGpt& gpt, uint64_t image_size,
                                               uint64_t device_size);

}  // namespace hilt

#endif  // HILT_IMAGE_GPT_RELOCATION_H_
