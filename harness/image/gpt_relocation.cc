#include "harness/image/gpt_relocation.h"

#include <algorithm>
#include <cstring>

#include <boost/crc.hpp>
#include <fmt/format.h>

#include "harness/devices/posix_io.h"

namespace hilt {
namespace {

// GPT header field offsets (UEFI spec, "GPT Header").
constexpr size_t kHeaderSizeField = 12;
constexpr size_t kHeaderCrc = 16;
constexpr size_t kMyLba = 24;
constexpr size_t kAlternateLba = 32;
constexpr size_t kLastUsable = 48;
constexpr size_t kEntriesLba = 72;
constexpr size_t kEntryCount = 80;
constexpr size_t kEntrySize = 84;
constexpr size_t kEntriesCrc = 88;
constexpr size_t kMinHeaderSize = 92;
constexpr uint64_t kMaxEntryBytes = 1 << 20;

uint64_t Get(const std::vector<uint8_t>& b, size_t at, int width) {
  uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i) v = v << 8 | b[at + static_cast<size_t>(i)];
  return v;
}
void Put(std::vector<uint8_t>& b, size_t at, int width, uint64_t v) {
  for (int i = 0; i < width; ++i) b[at + static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t Crc32(const uint8_t* data, size_t length) {
  boost::crc_32_type crc;
  crc.process_bytes(data, length);
  return crc.checksum();
}
uint32_t HeaderCrc(std::vector<uint8_t> header) {
  size_t size = Get(header, kHeaderSizeField, 4);
  Put(header, kHeaderCrc, 4, 0);
  return Crc32(header.data(), size);
}
void SetHeaderCrc(std::vector<uint8_t>& header) { Put(header, kHeaderCrc, 4, HeaderCrc(header)); }

}  // namespace

StatusOr<std::optional<ImageGpt>> ReadImageGpt(int fd, const std::string& path,
                                               uint64_t image_size) {
  for (uint32_t sector : {512u, 4096u}) {
    if (image_size < 2ull * sector) continue;
    ImageGpt gpt;
    gpt.sector_size = sector;
    gpt.pmbr.resize(sector);
    gpt.header.resize(sector);
    HILT_RETURN_IF_ERROR(PreadFull(fd, path, 0, gpt.pmbr.data(), sector));
    HILT_RETURN_IF_ERROR(PreadFull(fd, path, sector, gpt.header.data(), sector));
    if (std::memcmp(gpt.header.data(), "EFI PART", 8) != 0) continue;

    auto bad = [&](const std::string& why) {
      return Status::InvalidInput(fmt::format("{}: broken GPT at byte {}: {}", path, sector, why));
    };
    uint64_t header_size = Get(gpt.header, kHeaderSizeField, 4);
    if (header_size < kMinHeaderSize || header_size > sector) {
      return bad(fmt::format("header size {} is not within {}..{}", header_size, kMinHeaderSize, sector));
    }
    if (HeaderCrc(gpt.header) != Get(gpt.header, kHeaderCrc, 4)) return bad("header CRC mismatch");
    uint64_t sectors = image_size / sector;
    uint64_t entries_lba = Get(gpt.header, kEntriesLba, 8);
    uint64_t count = Get(gpt.header, kEntryCount, 4);
    uint64_t entry_size = Get(gpt.header, kEntrySize, 4);
    gpt.alternate_lba = Get(gpt.header, kAlternateLba, 8);
    if (entry_size < 128 || entry_size % 128 != 0 || count * entry_size > kMaxEntryBytes) {
      return bad(fmt::format("{} entries of {} bytes", count, entry_size));
    }
    uint64_t entry_bytes = count * entry_size;
    uint64_t entry_sectors = (entry_bytes + sector - 1) / sector;
    if (entries_lba < 2 || entries_lba + entry_sectors > sectors || gpt.alternate_lba >= sectors ||
        gpt.alternate_lba < entry_sectors + 2) {
      return bad(fmt::format("entries at LBA {} or backup header at LBA {} lie outside the "
                             "{}-sector image",
                             entries_lba, gpt.alternate_lba, sectors));
    }
    gpt.entries.resize(entry_bytes);
    HILT_RETURN_IF_ERROR(PreadFull(fd, path, entries_lba * sector, gpt.entries.data(), entry_bytes));
    if (Crc32(gpt.entries.data(), entry_bytes) != Get(gpt.header, kEntriesCrc, 4)) {
      return bad("partition entries CRC mismatch");
    }
    // The backup entries normally sit just before the backup header; the
    // backup header says so itself when it is intact.
    gpt.backup_entries_lba = gpt.alternate_lba - entry_sectors;
    std::vector<uint8_t> backup(sector);
    HILT_RETURN_IF_ERROR(PreadFull(fd, path, gpt.alternate_lba * sector, backup.data(), sector));
    if (std::memcmp(backup.data(), "EFI PART", 8) == 0 &&
        Get(backup, kHeaderSizeField, 4) >= kMinHeaderSize &&
        Get(backup, kHeaderSizeField, 4) <= sector && HeaderCrc(backup) == Get(backup, kHeaderCrc, 4) &&
        Get(backup, kEntriesLba, 8) < gpt.alternate_lba) {
      gpt.backup_entries_lba = Get(backup, kEntriesLba, 8);
    }
    for (uint64_t i = 0; i < count; ++i) {
      const uint8_t* e = gpt.entries.data() + i * entry_size;
      if (std::all_of(e, e + 16, [](uint8_t b) { return b == 0; })) continue;  // unused
      std::vector<uint8_t> entry(e, e + 48);
      uint64_t first = Get(entry, 32, 8), last = Get(entry, 40, 8);
      if (last < first || first >= sectors) continue;
      uint64_t end = std::min((last + 1) * sector, sectors * sector);
      gpt.partitions.push_back({first * sector, end - first * sector});
    }
    return std::optional<ImageGpt>(std::move(gpt));
  }
  return std::optional<ImageGpt>();
}

std::optional<GptRelocation> PlanGptRelocation(const ImageGpt& gpt, uint64_t image_size,
                                               uint64_t device_size) {
  const uint64_t sector = gpt.sector_size;
  const uint64_t device_last = device_size / sector - 1;
  if (device_size <= image_size || gpt.alternate_lba >= device_last) return std::nullopt;
  const uint64_t entry_sectors = (gpt.entries.size() + sector - 1) / sector;
  const uint64_t new_entries_lba = device_last - entry_sectors;

  GptRelocation plan;
  // The image's own backup is left unwritten (the flasher discards it) only
  // when it is the image's tail, as every partitioning tool puts it.
  uint64_t stale_begin = std::min(gpt.backup_entries_lba, gpt.alternate_lba) * sector;
  if ((gpt.alternate_lba + 1) * sector >= image_size / sector * sector) {
    plan.stale = {stale_begin, image_size - stale_begin};
  }

  // A protective MBR (one 0xEE entry, nothing else) covers the whole disk.
  std::vector<uint8_t> pmbr = gpt.pmbr;
  bool protective = sector == 512 && pmbr[510] == 0x55 && pmbr[511] == 0xAA && pmbr[446 + 4] == 0xEE;
  for (int i = 1; i < 4 && protective; ++i) protective = pmbr[446 + 16 * i + 4] == 0;
  if (protective) {
    Put(pmbr, 446 + 12, 4, std::min<uint64_t>(device_last, 0xFFFFFFFF));
    plan.overlays.push_back({0, std::move(pmbr)});
  }

  std::vector<uint8_t> primary = gpt.header;
  Put(primary, kAlternateLba, 8, device_last);
  Put(primary, kLastUsable, 8, new_entries_lba - 1);
  SetHeaderCrc(primary);

  std::vector<uint8_t> backup = primary;
  Put(backup, kMyLba, 8, device_last);
  Put(backup, kAlternateLba, 8, Get(primary, kMyLba, 8));
  Put(backup, kEntriesLba, 8, new_entries_lba);
  SetHeaderCrc(backup);

  std::vector<uint8_t> entries = gpt.entries;
  entries.resize(entry_sectors * sector, 0);
  plan.overlays.push_back({sector, std::move(primary)});
  plan.overlays.push_back({new_entries_lba * sector, std::move(entries)});
  plan.overlays.push_back({device_last * sector, std::move(backup)});
  return plan;
}

}  // namespace hilt
