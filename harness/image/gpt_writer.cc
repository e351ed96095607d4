#include "harness/image/gpt_writer.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "harness/core/utf8.h"
#include "harness/image/le.h"

namespace hilt::image {
namespace {

uint64_t EntrySectors(const GptSpec& spec) {
  uint64_t bytes = uint64_t{spec.num_entries} * kGptEntrySize;
  return (bytes + spec.sector_size - 1) / spec.sector_size;
}

// CHS as gdisk computes it for the protective MBR: 255 heads, 63 sectors per
// track; addresses past cylinder 1023 become FF FF FF, as gdisk writes them.
void StoreChs(uint8_t* chs, uint64_t lba) {
  constexpr uint64_t kHeads = 255, kSectors = 63, kCylinders = 1024;
  if (lba >= kHeads * kSectors * kCylinders) {
    chs[0] = 0xFF;
    chs[1] = 0xFF;
    chs[2] = 0xFF;
    return;
  }
  uint64_t cylinder = lba / (kHeads * kSectors);
  uint64_t rest = lba % (kHeads * kSectors);
  uint64_t head = rest / kSectors;
  uint64_t sector = rest % kSectors + 1;
  chs[0] = static_cast<uint8_t>(head);
  chs[1] = static_cast<uint8_t>(sector | (cylinder >> 8) << 6);
  chs[2] = static_cast<uint8_t>(cylinder & 0xFF);
}

std::vector<uint8_t> ProtectiveMbr(const GptSpec& spec) {
  std::vector<uint8_t> mbr(spec.sector_size, 0);
  uint8_t* e = mbr.data() + 446;
  uint64_t last = std::min<uint64_t>(spec.total_sectors - 1, 0xFFFFFFFF);
  StoreChs(e + 1, 1);
  e[4] = 0xEE;
  StoreChs(e + 5, last);
  StoreLe32(e + 8, 1);
  StoreLe32(e + 12, static_cast<uint32_t>(last));
  mbr[510] = 0x55;
  mbr[511] = 0xAA;
  return mbr;
}

std::vector<uint8_t> Header(const GptSpec& spec, uint64_t current, uint64_t other,
                            uint64_t entries_lba, uint32_t entries_crc) {
  std::vector<uint8_t> s(spec.sector_size, 0);
  uint8_t* p = s.data();
  std::memcpy(p, "EFI PART", 8);
  StoreLe32(p + 8, kGptRevision);
  StoreLe32(p + 12, kGptHeaderSize);
  StoreLe64(p + 24, current);
  StoreLe64(p + 32, other);
  StoreLe64(p + 40, FirstUsableLba(spec));
  StoreLe64(p + 48, LastUsableLba(spec));
  std::memcpy(p + 56, spec.disk_guid.bytes.data(), 16);
  StoreLe64(p + 72, entries_lba);
  StoreLe32(p + 80, spec.num_entries);
  StoreLe32(p + 84, kGptEntrySize);
  StoreLe32(p + 88, entries_crc);
  StoreLe32(p + 16, GptCrc32({p, kGptHeaderSize}));
  return s;
}

}  // namespace

Status CheckGptSpec(const GptSpec& spec, size_t* bad_partition) {
  if (bad_partition != nullptr) *bad_partition = spec.partitions.size();
  if (spec.sector_size < 512 || (spec.sector_size & (spec.sector_size - 1)) != 0) {
    return Status::InvalidInput("sector size " + std::to_string(spec.sector_size) +
                                " is not a power of two >= 512");
  }
  if (spec.num_entries == 0 || spec.num_entries > 4096) {
    return Status::InvalidInput("entry count " + std::to_string(spec.num_entries) + " is outside 1..4096");
  }
  if (spec.total_sectors < 2 * (EntrySectors(spec) + 1) + 2) {
    return Status::InvalidInput("a disk of " + std::to_string(spec.total_sectors) +
                                " sectors is too small for a GPT");
  }
  uint64_t first = FirstUsableLba(spec), last = LastUsableLba(spec);
  const auto& parts = spec.partitions;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (bad_partition != nullptr) *bad_partition = i;
    const auto& p = parts[i];
    std::string name = "partition " + std::to_string(p.number) + " '" + p.name + "'";
    if (p.number == 0 || p.number > spec.num_entries) {
      return Status::InvalidInput(name + ": slot must be 1.." + std::to_string(spec.num_entries));
    }
    if (p.type.IsZero()) return Status::InvalidInput(name + ": type GUID must not be zero");
    if (p.first_lba > p.last_lba) {
      return Status::InvalidInput(name + ": first sector " + std::to_string(p.first_lba) +
                                  " is after last sector " + std::to_string(p.last_lba));
    }
    if (p.first_lba < first) {
      return Status::InvalidInput(name + ": starts at sector " + std::to_string(p.first_lba) +
                                  ", inside the MBR/GPT header and entries (first usable sector is " +
                                  std::to_string(first) + ")");
    }
    if (p.last_lba > last) {
      return Status::InvalidInput(name + ": ends at sector " + std::to_string(p.last_lba) +
                                  ", past the last usable sector " + std::to_string(last) +
                                  " of a " + std::to_string(spec.total_sectors) + "-sector disk");
    }
    for (size_t j = 0; j < i; ++j) {
      const auto& q = parts[j];
      if (q.number == p.number) {
        return Status::InvalidInput(name + ": slot already used by '" + q.name + "'");
      }
      if (p.first_lba <= q.last_lba && q.first_lba <= p.last_lba) {
        return Status::InvalidInput(name + " (sectors " + std::to_string(p.first_lba) + "-" +
                                    std::to_string(p.last_lba) + ") overlaps partition " +
                                    std::to_string(q.number) + " '" + q.name + "' (sectors " +
                                    std::to_string(q.first_lba) + "-" +
                                    std::to_string(q.last_lba) + ")");
      }
    }
    if (auto name_ok = EncodeGptName(p.name); !name_ok.ok()) return name_ok.status().Prefixed(name);
  }
  if (bad_partition != nullptr) *bad_partition = spec.partitions.size();
  return Status::Ok();
}

uint64_t FirstUsableLba(const GptSpec& spec) { return 2 + EntrySectors(spec); }
uint64_t LastUsableLba(const GptSpec& spec) { return spec.total_sectors - 2 - EntrySectors(spec); }

StatusOr<std::vector<uint8_t>> EncodeGptName(const std::string& utf8) {
  std::vector<uint16_t> units;
  for (size_t i = 0; i < utf8.size();) {
    // Strict UTF-8: an overlong form or a surrogate would decode to a name
    // that reads back as something else.
    const size_t len = Utf8SequenceLength(std::string_view(utf8).substr(i));
    if (len == 0) return Status::InvalidInput("partition name '" + utf8 + "' is not valid UTF-8");
    uint32_t cp = DecodeUtf8(std::string_view(utf8).substr(i), len);
    i += len;
    // A NUL ends the name in the table: what follows would be lost.
    if (cp == 0) return Status::InvalidInput("partition name '" + utf8 + "' contains a NUL character");
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units.push_back(static_cast<uint16_t>(0xD800 + (cp >> 10)));
      units.push_back(static_cast<uint16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      units.push_back(static_cast<uint16_t>(cp));
    }
  }
  if (units.size() > 36) {
    return Status::InvalidInput("partition name '" + utf8 + "' is longer than 36 UTF-16 units");
  }
  std::vector<uint8_t> out(72, 0);
  for (size_t i = 0; i < units.size(); ++i) StoreLe16(out.data() + 2 * i, units[i]);
  return out;
}

StatusOr<std::vector<DiskChunk>> BuildGpt(const GptSpec& spec) {
  HILT_RETURN_IF_ERROR(CheckGptSpec(spec));
  std::vector<uint8_t> entries(EntrySectors(spec) * spec.sector_size, 0);
  for (const auto& p : spec.partitions) {
    uint8_t* e = entries.data() + (p.number - 1) * kGptEntrySize;
    std::memcpy(e, p.type.bytes.data(), 16);
    std::memcpy(e + 16, p.unique.bytes.data(), 16);
    StoreLe64(e + 32, p.first_lba);
    StoreLe64(e + 40, p.last_lba);
    StoreLe64(e + 48, p.attributes);
    auto name = EncodeGptName(p.name);
    if (!name.ok()) return name.status();
    std::memcpy(e + 56, name->data(), name->size());
  }
  uint32_t entries_crc = GptCrc32({entries.data(), uint64_t{spec.num_entries} * kGptEntrySize});
  uint64_t last = spec.total_sectors - 1;
  uint64_t backup_entries = last - EntrySectors(spec);

  std::vector<DiskChunk> chunks;
  chunks.push_back({0, ProtectiveMbr(spec)});
  DiskChunk primary{spec.sector_size, Header(spec, 1, last, 2, entries_crc)};
  primary.bytes.insert(primary.bytes.end(), entries.begin(), entries.end());
  chunks.push_back(std::move(primary));
  DiskChunk backup{backup_entries * spec.sector_size, entries};
  auto header = Header(spec, last, 1, backup_entries, entries_crc);
  backup.bytes.insert(backup.bytes.end(), header.begin(), header.end());
  chunks.push_back(std::move(backup));
  return chunks;
}

}  // namespace hilt::image
