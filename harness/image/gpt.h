// GPT: the GUID partition table of a disk, as UEFI 2.x defines it and sgdisk
// writes it. The reader checks everything a firmware or a kernel would check
// and reports which copy (primary or backup) is broken and why.
#ifndef HILT_IMAGE_GPT_H_
#define HILT_IMAGE_GPT_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "harness/core/status.h"
#include "harness/image/byte_source.h"
#include "harness/image/guid.h"

namespace hilt::image {

inline constexpr uint32_t kGptHeaderSize = 92;
inline constexpr uint32_t kGptEntrySize = 128;
inline constexpr uint32_t kGptDefaultEntries = 128;
inline constexpr uint32_t kGptRevision = 0x00010000;

struct GptHeader {
  uint32_t revision = kGptRevision;
  uint32_t header_size = kGptHeaderSize;
  uint32_t header_crc = 0;
  uint64_t current_lba = 0;
  uint64_t backup_lba = 0;
  uint64_t first_usable_lba = 0;
  uint64_t last_usable_lba = 0;
  Guid disk_guid;
  uint64_t entries_lba = 0;
  uint32_t num_entries = 0;
  uint32_t entry_size = 0;
  uint32_t entries_crc = 0;
};

struct GptPartition {
  uint32_t number = 0;  // 1-based slot in the entry array, as sgdisk numbers them
  Guid type;
  Guid unique;
  uint64_t first_lba = 0;
  uint64_t last_lba = 0;  // inclusive
  uint64_t attributes = 0;
  std::string name;  // UTF-8

  uint64_t sectors() const { return last_lba - first_lba + 1; }
  bool attribute(int bit) const { return (attributes >> bit) & 1; }
};

// The outcome of reading a disk's GPT. Each part carries its own status so a
// caller can say "the primary header CRC is wrong, the backup is fine".
struct GptReadResult {
  uint32_t sector_size = 512;
  uint64_t total_sectors = 0;
  Status mbr;      // the protective MBR (0xEE entry, 0x55AA signature)
  Status primary;  // the primary header and its entries
  Status backup;   // the backup header and its entries
  bool from_backup = false;  // the table below came from the backup copy
  GptHeader header;          // the header the partitions came from
  std::vector<GptPartition> partitions;  // non-empty entries, in slot order
  Status layout;   // partitions outside the usable area or overlapping

  // Ok only when every part is fine.
  Status Overall() const;
};

// Reads the protective MBR and both GPT copies. Fails only if the source
// cannot be read or neither copy is valid; otherwise the result says what is
// wrong with each part.
StatusOr<GptReadResult> ReadGpt(const ByteSource& source, uint32_t sector_size = 512);

// CRC32 (IEEE 802.3, as GPT uses it).
uint32_t GptCrc32(std::span<const uint8_t> data);

// Decodes one header from a sector; checks signature, sizes and header CRC.
// `expected_lba` is where it was read from.
StatusOr<GptHeader> ParseGptHeader(std::span<const uint8_t> sector, uint64_t expected_lba);
// Decodes the entry array (num_entries * entry_size bytes); returns the used ones.
std::vector<GptPartition> ParseGptEntries(std::span<const uint8_t> entries,
                                          uint32_t num_entries, uint32_t entry_size);

// For fuzzing: treats `data` as a whole disk of 512-byte sectors.
Status FuzzReadGpt(const uint8_t* data, size_t size);

}  // namespace hilt::image

#endif  // HILT_IMAGE_GPT_H_
