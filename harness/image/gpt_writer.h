// Writes a protective MBR and both GPT copies, byte for byte as sgdisk
// writes them for the same table (so images can be checked with cmp).
#ifndef HILT_IMAGE_GPT_WRITER_H_
#define HILT_IMAGE_GPT_WRITER_H_

#include <cstdint>
#include <vector>

#include "harness/core/status.h"
#include "harness/image/gpt.h"

namespace hilt::image {

struct GptSpec {
  uint32_t sector_size = 512;
  uint64_t total_sectors = 0;
  Guid disk_guid;
  uint32_t num_entries = kGptDefaultEntries;
  // `number` is the 1-based entry slot; type, unique, first/last, attributes, name.
  std::vector<GptPartition> partitions;
};

// Bytes to place at a byte offset of the disk.
struct DiskChunk {
  uint64_t offset = 0;
  std::vector<uint8_t> bytes;
};

// The first usable and last usable LBA of a disk laid out as `spec`.
uint64_t FirstUsableLba(const GptSpec& spec);
uint64_t LastUsableLba(const GptSpec& spec);

// Checks that the table fits the disk. On error, *bad_partition (if given)
// is the index in spec.partitions of the culprit, or partitions.size() when
// the disk itself is the problem.
Status CheckGptSpec(const GptSpec& spec, size_t* bad_partition = nullptr);

// The protective MBR (LBA 0), the primary header and entries (LBA 1..), the
// backup entries and header (.. last LBA). InvalidInput if the table does not
// fit: partitions outside the usable area, overlapping, bad slots or names.
StatusOr<std::vector<DiskChunk>> BuildGpt(const GptSpec& spec);

// Encodes a UTF-8 name as the 36 UTF-16LE units of a GPT entry.
StatusOr<std::vector<uint8_t>> EncodeGptName(const std::string& utf8);

}  // namespace hilt::image

#endif  // HILT_IMAGE_GPT_WRITER_H_
