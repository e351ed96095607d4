#include "harness/image/gpt_relocation.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "harness/devices/posix_io.h"
#include "harness/image/gpt.h"
#include "harness/image/le.h"

namespace hilt {
namespace {

// GPT header field offsets (UEFI spec, "GPT Header").
constexpr size_t kHeaderCrc = 16;
constexpr size_t kMyLba = 24;
constexpr size_t kAlternateLba = 32;
constexpr size_t kLastUsable = 48;
constexpr size_t kEntriesLba = 72;

uint64_t Get(const std::vector<uint8_t>& b, size_t at, int width) {
  return image::LoadLe(b.data() + at, static_cast<size_t>(width));
}
void Put(std::vector<uint8_t>& b, size_t at, int width, uint64_t v) {
  image::StoreLe(b.data() + at, v, static_cast<size_t>(width));
}
void SetHeaderCrc(std::vector<uint8_t>& header) {
  size_t size = image::LoadLe32(header.data() + 12);
  Put(header, kHeaderCrc, 4, 0);
  Put(header, kHeaderCrc, 4, image::GptCrc32({header.data(), size}));
}

}  // namespace

StatusOr<std::optional<ImageGpt>> ReadImageGpt(int fd, const std::string& path,
                                               uint64_t image_size) {
  for (uint32_t sector : {512u, 4096u}) {
    if (image_size < 3ull * sector) continue;
    ImageGpt gpt;
    gpt.sector_size = sector;
    gpt.pmbr.resize(sector);
    gpt.header.resize(sector);
    HILT_RETURN_IF_ERROR(PreadFull(fd, path, 0, gpt.pmbr.data(), sector));
    HILT_RETURN_IF_ERROR(PreadFull(fd, path, sector, gpt.header.data(), sector));
    if (std::memcmp(gpt.header.data(), "EFI PART", 8) != 0) continue;

    // The image engineer's reader checks all of it (CRCs, geometry, layout).
    StatusOr<image::ByteSource> source = image::ByteSourceFromFd(fd, path);
    if (!source.ok()) return source.status();
    StatusOr<image::GptReadResult> table = image::ReadGpt(*source, sector);
    if (!table.ok()) return table.status();
    if (!table->primary.ok()) {
      return Status::InvalidInput(
          fmt::format("{}: primary GPT is broken: {}", path, table->primary.message()));
    }
    const image::GptHeader& header = table->header;
    const uint64_t entry_bytes = uint64_t{header.num_entries} * header.entry_size;
    gpt.alternate_lba = header.backup_lba;
    gpt.entries.resize(entry_bytes);
    HILT_RETURN_IF_ERROR(
        PreadFull(fd, path, header.entries_lba * sector, gpt.entries.data(), entry_bytes));
    const uint64_t entry_sectors = (entry_bytes + sector - 1) / sector;
    gpt.backup_entries_lba = header.backup_lba > entry_sectors ? header.backup_lba - entry_sectors : 0;
    const uint64_t sectors = image_size / sector;
    for (const auto& p : table->partitions) {
      if (p.last_lba < p.first_lba || p.first_lba >= sectors) continue;
      uint64_t end = std::min((p.last_lba + 1) * sector, sectors * sector);
      gpt.partitions.push_back({p.first_lba * sector, end - p.first_lba * sector});
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
