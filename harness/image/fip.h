// FIP: TF-A's Firmware Image Package, the container BL2 loads BL31 and BL33
// from (include/tools_share/firmware_image_package.h in TF-A). A ToC header
// (name 0xAA640001, serial number, flags), then entries of UUID, offset, size
// and flags, ended by an entry with the null UUID.
#ifndef HILT_IMAGE_FIP_H_
#define HILT_IMAGE_FIP_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "harness/core/status.h"
#include "harness/image/guid.h"

namespace hilt::image {

inline constexpr uint32_t kFipTocName = 0xAA640001;

// UUIDs as fiptool knows them (tools/fiptool/tbbr_config.c).
extern const Guid kFipUuidSocFw;  // BL31, EL3 runtime firmware ("--soc-fw")
extern const Guid kFipUuidNtFw;   // BL33, non-trusted firmware, U-Boot ("--nt-fw")
extern const Guid kFipUuidTosFw;  // BL32, secure payload ("--tos-fw")
extern const Guid kFipUuidTbFw;   // BL2, trusted boot firmware ("--tb-fw"), where BL1 loads it from

struct FipEntry {
  Guid uuid;
  uint64_t offset = 0;  // from the start of the FIP
  uint64_t size = 0;
  uint64_t flags = 0;
  // fiptool's name for known UUIDs ("soc-fw", "nt-fw"), else empty.
  std::string Name() const;
};

struct Fip {
  uint32_t serial_number = 0;
  uint64_t flags = 0;
  std::vector<FipEntry> entries;  // in ToC order, without the terminator
  // The image bytes of `entry` within the data the FIP was parsed from.
  std::span<const uint8_t> data;

  const FipEntry* Find(const Guid& uuid) const;
  // The bytes of the entry with `uuid`, or nullopt if absent.
  std::optional<std::span<const uint8_t>> Image(const Guid& uuid) const;
};

// Parses the ToC of a FIP held in `data` (which must outlive the result).
// Every offset and size is checked against data.size(); a missing terminator,
// a truncated entry or an image past the end is InvalidInput, never a crash.
StatusOr<Fip> ParseFip(std::span<const uint8_t> data);

// For fuzzing.
Status FuzzParseFip(const uint8_t* data, size_t size);

}  // namespace hilt::image

#endif  // HILT_IMAGE_FIP_H_
