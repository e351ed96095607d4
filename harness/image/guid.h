// Guid: a GPT GUID as stored on disk (the first three fields little-endian,
// the rest as bytes), with the text form tools print and accept.
#ifndef HILT_IMAGE_GUID_H_
#define HILT_IMAGE_GUID_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "harness/core/status.h"

namespace hilt::image {

struct Guid {
  std::array<uint8_t, 16> bytes{};  // on-disk order

  // "0FC63DAF-8483-4772-8E79-3D69D8477DE4" (upper case, as sgdisk prints).
  std::string ToString() const;
  bool IsZero() const;
  bool operator==(const Guid&) const = default;

  // Parses the text form (either case, with dashes).
  static StatusOr<Guid> Parse(std::string_view text);
  // An RFC 4122 version 5 (SHA-1, name-based) GUID: the same name always
  // gives the same GUID, which makes images reproducible.
  static Guid NameBased(const Guid& name_space, std::string_view name);
};

// hilt's namespace for the name-based GUIDs of layouts.
extern const Guid kHiltLayoutNamespace;

// Type GUIDs for sgdisk's short codes that boards use ("8300", "ef00", ...),
// or a full GUID. InvalidInput names the accepted codes.
StatusOr<Guid> PartitionTypeFromCode(std::string_view code);

}  // namespace hilt::image

#endif  // HILT_IMAGE_GUID_H_
