#include "harness/image/flash_plan.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "harness/devices/posix_io.h"

namespace hilt {
namespace {

// The image's data extents. File systems without SEEK_DATA answer EINVAL:
// then all of it is data (slower, still correct).
StatusOr<RangeSet> DataExtents(int fd, const std::string& path, uint64_t size) {
  RangeSet extents;
  off_t offset = 0;
  while (static_cast<uint64_t>(offset) < size) {
    off_t data = ::lseek(fd, offset, SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) break;  // only a hole remains
      if (errno == EINVAL) return RangeSet{{0, size}};
      return IoError("seek data in", path, static_cast<uint64_t>(offset), errno);
    }
    off_t hole = ::lseek(fd, data, SEEK_HOLE);
    if (hole < 0) return IoError("seek hole in", path, static_cast<uint64_t>(data), errno);
    extents.push_back({static_cast<uint64_t>(data), static_cast<uint64_t>(hole - data)});
    offset = hole;
  }
  return Normalize(std::move(extents));
}

}  // namespace

Status FlashPlan::Fill(int image_fd, const std::string& image_path, uint64_t offset,
                       uint8_t* buffer, size_t length) const {
  std::memset(buffer, 0, length);
  const ByteRange want{offset, length};
  // Read only the image's data extents: holes are zero already.
  for (const auto& r : Intersect(data, RangeSet{want})) {
    HILT_RETURN_IF_ERROR(
        PreadFull(image_fd, image_path, r.offset, buffer + (r.offset - offset), r.length));
  }
  for (const auto& r : Intersect(RangeSet{stale}, RangeSet{want})) {
    std::memset(buffer + (r.offset - offset), 0, r.length);
  }
  for (const auto& o : overlays) {
    uint64_t begin = std::max(o.offset, offset);
    uint64_t end = std::min(o.offset + o.bytes.size(), want.end());
    if (begin < end) std::memcpy(buffer + (begin - offset), o.bytes.data() + (begin - o.offset), end - begin);
  }
  return Status::Ok();
}

StatusOr<FlashPlan> PlanFlash(int image_fd, const std::string& image_path, uint64_t image_size,
                              const BlockTarget& target, const PlanInputs& inputs) {
  const uint64_t device_size = target.Size();
  if (image_size > device_size) {
    return Status::InvalidInput(fmt::format(
        "image {} ({}, {} bytes) is larger than the target {} ({} bytes); nothing was written",
        image_path, HumanBytes(image_size), image_size, target.Describe(), device_size));
  }
  FlashPlan plan;
  plan.image_size = image_size;
  StatusOr<RangeSet> data = DataExtents(image_fd, image_path, image_size);
  if (!data.ok()) return data.status();
  plan.data = std::move(*data);

  RangeSet zero = inputs.zero_ranges;
  StatusOr<std::optional<ImageGpt>> gpt = ReadImageGpt(image_fd, image_path, image_size);
  if (!gpt.ok()) {
    plan.warnings.push_back(gpt.status().message() +
                            "; flashing the bytes as they are (no partition zeroing, no GPT move)");
  } else if (gpt->has_value()) {
    const ImageGpt& table = **gpt;
    if (inputs.zero_gpt_partitions) zero.insert(zero.end(), table.partitions.begin(), table.partitions.end());
    if (inputs.relocate_gpt) {
      if (auto move = PlanGptRelocation(table, image_size, device_size)) {
        plan.overlays = std::move(move->overlays);
        plan.stale = move->stale;
        plan.gpt_relocated = true;
      }
    }
  }
  plan.zero = Subtract(Intersect(Normalize(std::move(zero)), RangeSet{{0, image_size}}), plan.data);

  RangeSet write = plan.data;
  write.insert(write.end(), plan.zero.begin(), plan.zero.end());
  write = Subtract(Normalize(std::move(write)), Normalize({plan.stale}));
  for (const auto& o : plan.overlays) write.push_back({o.offset, o.bytes.size()});
  std::sort(plan.overlays.begin(), plan.overlays.end(),
            [](const Overlay& a, const Overlay& b) { return a.offset < b.offset; });
  const uint64_t align = std::max(target.IoAlignment(), target.LogicalBlockSize());
  plan.write = AlignOutward(Normalize(std::move(write)), align, device_size);
  plan.discard = AlignInward(Subtract(RangeSet{{0, device_size}}, plan.write),
                             target.LogicalBlockSize());
  return plan;
}

}  // namespace hilt
