#include "harness/image/gpt.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <boost/crc.hpp>

#include "harness/image/le.h"

namespace hilt::image {
namespace {

// Refuse entry arrays larger than this: no real disk has one, and a hostile
// header must not make us allocate gigabytes.
constexpr uint64_t kMaxEntryArrayBytes = 4u << 20;

std::string Lba(uint64_t lba) { return "LBA " + std::to_string(lba); }

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | cp >> 6);
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | cp >> 12);
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | cp >> 18);
    out += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// 36 UTF-16LE code units, NUL-terminated if shorter; bad surrogates become U+FFFD.
std::string DecodeName(const uint8_t* p) {
  std::string out;
  for (size_t i = 0; i < 36; ++i) {
    uint32_t u = LoadLe16(p + 2 * i);
    if (u == 0) break;
    if (u >= 0xD800 && u < 0xDC00 && i + 1 < 36) {
      uint32_t low = LoadLe16(p + 2 * (i + 1));
      if (low >= 0xDC00 && low < 0xE000) {
        AppendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
        ++i;
        continue;
      }
    }
    if (u >= 0xD800 && u < 0xE000) u = 0xFFFD;
    AppendUtf8(out, u);
  }
  return out;
}

Guid LoadGuid(const uint8_t* p) {
  Guid g;
  std::memcpy(g.bytes.data(), p, 16);
  return g;
}

Status CheckMbr(std::span<const uint8_t> sector) {
  if (sector[510] != 0x55 || sector[511] != 0xAA) {
    return Status::InvalidInput("protective MBR: no 0x55AA boot signature at byte 510");
  }
  for (int i = 0; i < 4; ++i) {
    if (sector[446 + 16 * i + 4] == 0xEE) return Status::Ok();
  }
  return Status::InvalidInput("protective MBR: no partition of type 0xEE (not a GPT disk?)");
}

// Reads and checks one copy: header at `lba`, then its entries.
Status ReadCopy(const ByteSource& src, uint32_t sector_size, uint64_t total_sectors,
                uint64_t lba, const char* which, GptHeader* header,
                std::vector<GptPartition>* parts) {
  std::string where = std::string(which) + " GPT header at " + Lba(lba);
  std::vector<uint8_t> sector(sector_size);
  HILT_RETURN_IF_ERROR(src.Read(lba * sector_size, sector));
  auto h = ParseGptHeader(sector, lba);
  if (!h.ok()) return h.status().Prefixed(where);
  uint64_t last = total_sectors - 1;
  uint64_t expected_other = lba == 1 ? last : 1;
  if (h->backup_lba != expected_other) {
    return Status::InvalidInput(where + ": the other copy is recorded at " + Lba(h->backup_lba) +
                                ", expected " + Lba(expected_other) + " (disk has " +
                                std::to_string(total_sectors) + " sectors; image resized?)");
  }
  if (h->last_usable_lba >= last || h->first_usable_lba < 2) {
    return Status::InvalidInput(where + ": usable area " + std::to_string(h->first_usable_lba) +
                                "-" + std::to_string(h->last_usable_lba) +
                                " does not fit a disk of " + std::to_string(total_sectors) +
                                " sectors");
  }
  uint64_t bytes = uint64_t{h->num_entries} * h->entry_size;
  if (bytes > kMaxEntryArrayBytes) {
    return Status::InvalidInput(where + ": entry array of " + std::to_string(bytes) +
                                " bytes is implausibly large");
  }
  uint64_t entry_sectors = (bytes + sector_size - 1) / sector_size;
  // Written to avoid overflow: entries_lba comes from the disk.
  bool inside = h->entries_lba >= 2 && entry_sectors <= last + 1 &&
                h->entries_lba <= last + 1 - entry_sectors;
  bool clear = lba == 1 ? h->entries_lba + entry_sectors <= h->first_usable_lba
                        : h->entries_lba > h->last_usable_lba && h->entries_lba + entry_sectors <= lba;
  if (!inside || !clear) {
    return Status::InvalidInput(where + ": partition entries at " + Lba(h->entries_lba) + " (" +
                                std::to_string(entry_sectors) +
                                " sectors) overlap the header, the usable area or the disk end");
  }
  std::vector<uint8_t> entries(bytes);
  HILT_RETURN_IF_ERROR(src.Read(h->entries_lba * sector_size, entries));
  uint32_t crc = GptCrc32(entries);
  if (crc != h->entries_crc) {
    char buf[96];
    std::snprintf(buf, sizeof buf, ": partition entries CRC32 is 0x%08X, header says 0x%08X", crc,
                  h->entries_crc);
    return Status::InvalidInput(std::string(which) + " GPT entries at " + Lba(h->entries_lba) + buf);
  }
  *header = *h;
  *parts = ParseGptEntries(entries, h->num_entries, h->entry_size);
  return Status::Ok();
}

Status CheckLayout(const GptHeader& h, const std::vector<GptPartition>& parts) {
  for (const auto& p : parts) {
    std::string name = "partition " + std::to_string(p.number) + " (" + p.name + ")";
    if (p.first_lba > p.last_lba) {
      return Status::InvalidInput(name + ": first " + Lba(p.first_lba) + " is after last " +
                                  Lba(p.last_lba));
    }
    if (p.first_lba < h.first_usable_lba || p.last_lba > h.last_usable_lba) {
      return Status::InvalidInput(name + ": sectors " + std::to_string(p.first_lba) + "-" +
                                  std::to_string(p.last_lba) + " are outside the usable area " +
                                  std::to_string(h.first_usable_lba) + "-" +
                                  std::to_string(h.last_usable_lba));
    }
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    for (size_t j = i + 1; j < parts.size(); ++j) {
      const auto& a = parts[i];
      const auto& b = parts[j];
      if (a.first_lba <= b.last_lba && b.first_lba <= a.last_lba) {
        return Status::InvalidInput("partitions " + std::to_string(a.number) + " (" + a.name +
                                    ") and " + std::to_string(b.number) + " (" + b.name +
                                    ") overlap");
      }
    }
  }
  return Status::Ok();
}

// Fields both copies must agree on.
Status CompareCopies(const GptHeader& p, const GptHeader& b) {
  if (p.disk_guid != b.disk_guid) return Status::InvalidInput("backup GPT header: disk GUID differs from the primary");
  if (p.first_usable_lba != b.first_usable_lba || p.last_usable_lba != b.last_usable_lba) {
    return Status::InvalidInput("backup GPT header: usable area differs from the primary");
  }
  if (p.num_entries != b.num_entries || p.entry_size != b.entry_size || p.entries_crc != b.entries_crc) {
    return Status::InvalidInput("backup GPT entries differ from the primary's");
  }
  return Status::Ok();
}

}  // namespace

uint32_t GptCrc32(std::span<const uint8_t> data) {
  boost::crc_32_type crc;
  crc.process_bytes(data.data(), data.size());
  return crc.checksum();
}

StatusOr<GptHeader> ParseGptHeader(std::span<const uint8_t> sector, uint64_t expected_lba) {
  if (sector.size() < kGptHeaderSize) return Status::InvalidInput("sector too small for a GPT header");
  const uint8_t* p = sector.data();
  if (std::memcmp(p, "EFI PART", 8) != 0) {
    return Status::InvalidInput("no \"EFI PART\" signature");
  }
  GptHeader h;
  h.revision = LoadLe32(p + 8);
  h.header_size = LoadLe32(p + 12);
  h.header_crc = LoadLe32(p + 16);
  h.current_lba = LoadLe64(p + 24);
  h.backup_lba = LoadLe64(p + 32);
  h.first_usable_lba = LoadLe64(p + 40);
  h.last_usable_lba = LoadLe64(p + 48);
  h.disk_guid = LoadGuid(p + 56);
  h.entries_lba = LoadLe64(p + 72);
  h.num_entries = LoadLe32(p + 80);
  h.entry_size = LoadLe32(p + 84);
  h.entries_crc = LoadLe32(p + 88);
  if (h.revision >> 16 != 1) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "unsupported revision 0x%08X", h.revision);
    return Status::InvalidInput(buf);
  }
  if (h.header_size < kGptHeaderSize || h.header_size > sector.size()) {
    return Status::InvalidInput("header size " + std::to_string(h.header_size) +
                                " is outside 92.." + std::to_string(sector.size()));
  }
  std::vector<uint8_t> copy(p, p + h.header_size);
  StoreLe32(copy.data() + 16, 0);
  uint32_t crc = GptCrc32(copy);
  if (crc != h.header_crc) {
    char buf[80];
    std::snprintf(buf, sizeof buf, "header CRC32 is 0x%08X, header says 0x%08X", crc, h.header_crc);
    return Status::InvalidInput(buf);
  }
  if (h.current_lba != expected_lba) {
    return Status::InvalidInput("header says it is at " + Lba(h.current_lba));
  }
  if (h.entry_size < kGptEntrySize || h.entry_size % kGptEntrySize != 0 || h.num_entries == 0) {
    return Status::InvalidInput("bad entry array shape: " + std::to_string(h.num_entries) +
                                " entries of " + std::to_string(h.entry_size) + " bytes");
  }
  if (h.first_usable_lba > h.last_usable_lba) {
    return Status::InvalidInput("first usable " + Lba(h.first_usable_lba) + " is after last usable " +
                                Lba(h.last_usable_lba));
  }
  return h;
}

std::vector<GptPartition> ParseGptEntries(std::span<const uint8_t> entries, uint32_t num_entries,
                                          uint32_t entry_size) {
  std::vector<GptPartition> parts;
  for (uint64_t i = 0; i < num_entries; ++i) {
    if ((i + 1) * entry_size > entries.size()) break;
    const uint8_t* e = entries.data() + i * entry_size;
    GptPartition part;
    part.type = LoadGuid(e);
    if (part.type.IsZero()) continue;
    part.number = static_cast<uint32_t>(i + 1);
    part.unique = LoadGuid(e + 16);
    part.first_lba = LoadLe64(e + 32);
    part.last_lba = LoadLe64(e + 40);
    part.attributes = LoadLe64(e + 48);
    part.name = DecodeName(e + 56);
    parts.push_back(std::move(part));
  }
  return parts;
}

Status GptReadResult::Overall() const {
  HILT_RETURN_IF_ERROR(mbr);
  HILT_RETURN_IF_ERROR(primary);
  HILT_RETURN_IF_ERROR(backup);
  return layout;
}

StatusOr<GptReadResult> ReadGpt(const ByteSource& source, uint32_t sector_size) {
  if (sector_size < 512 || (sector_size & (sector_size - 1)) != 0) {
    return Status::InvalidInput("sector size " + std::to_string(sector_size) +
                                " is not a power of two >= 512");
  }
  GptReadResult r;
  r.sector_size = sector_size;
  r.total_sectors = source.size / sector_size;
  if (r.total_sectors < 6) {
    return Status::InvalidInput(source.name + ": " + std::to_string(source.size) +
                                " bytes is too small to hold a GPT");
  }
  std::vector<uint8_t> mbr(sector_size);
  HILT_RETURN_IF_ERROR(source.Read(0, mbr));
  r.mbr = CheckMbr(mbr);

  GptHeader primary_header, backup_header;
  std::vector<GptPartition> primary_parts, backup_parts;
  r.primary = ReadCopy(source, sector_size, r.total_sectors, 1, "primary", &primary_header,
                       &primary_parts);
  uint64_t backup_lba = r.total_sectors - 1;
  r.backup = ReadCopy(source, sector_size, r.total_sectors, backup_lba, "backup", &backup_header,
                      &backup_parts);
  if (r.primary.ok() && r.backup.ok()) r.backup = CompareCopies(primary_header, backup_header);
  if (!r.primary.ok() && !r.backup.ok()) {
    return Status::InvalidInput(source.name + ": no valid GPT: " + r.primary.message() + "; " +
                                r.backup.message());
  }
  r.from_backup = !r.primary.ok();
  r.header = r.from_backup ? backup_header : primary_header;
  r.partitions = r.from_backup ? std::move(backup_parts) : std::move(primary_parts);
  r.layout = CheckLayout(r.header, r.partitions);
  return r;
}

Status FuzzReadGpt(const uint8_t* data, size_t size) {
  auto r = ReadGpt(ByteSourceFromMemory({data, size}, "fuzz"));
  return r.ok() ? r->Overall() : r.status();
}

}  // namespace hilt::image
