#include "harness/image/fip.h"

#include <cstdio>
#include <cstring>

#include "harness/image/le.h"

namespace hilt::image {
namespace {

constexpr size_t kTocHeaderSize = 16;
constexpr size_t kTocEntrySize = 40;

// TF-A writes UUIDs as raw bytes in its struct order, which matches the GPT
// on-disk GUID order, so Guid::Parse of the text form gives the same bytes.
Guid FromBytes(std::initializer_list<uint8_t> b) {
  Guid g;
  std::copy(b.begin(), b.end(), g.bytes.begin());
  return g;
}

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

// Bytes exactly as in firmware_image_package.h.
const Guid kFipUuidSocFw = FromBytes({0x47, 0xd4, 0x08, 0x6d, 0x4c, 0xfe, 0x98, 0x46, 0x9b, 0x95,
                                      0x29, 0x50, 0xcb, 0xbd, 0x5a, 0x00});
const Guid kFipUuidNtFw = FromBytes({0xd6, 0xd0, 0xee, 0xa7, 0xfc, 0xea, 0xd5, 0x4b, 0x97, 0x82,
                                     0x99, 0x34, 0xf2, 0x34, 0xb6, 0xe4});
const Guid kFipUuidTosFw = FromBytes({0x05, 0xd0, 0xe1, 0x89, 0x53, 0xdc, 0x13, 0x47, 0x8d, 0x2b,
                                      0x50, 0x0a, 0x4b, 0x7a, 0x3e, 0x38});
const Guid kFipUuidTbFw = FromBytes({0x5f, 0xf9, 0xec, 0x0b, 0x4d, 0x22, 0x3e, 0x4d, 0xa5, 0x44,
                                     0xc3, 0x9d, 0x81, 0xc7, 0x3f, 0x0a});

std::string FipEntry::Name() const {
  if (uuid == kFipUuidSocFw) return "soc-fw";
  if (uuid == kFipUuidNtFw) return "nt-fw";
  if (uuid == kFipUuidTosFw) return "tos-fw";
  if (uuid == kFipUuidTbFw) return "tb-fw";
  return "";
}

const FipEntry* Fip::Find(const Guid& uuid) const {
  for (const auto& e : entries) {
    if (e.uuid == uuid) return &e;
  }
  return nullptr;
}

std::optional<std::span<const uint8_t>> Fip::Image(const Guid& uuid) const {
  const FipEntry* e = Find(uuid);
  if (e == nullptr) return std::nullopt;
  return data.subspan(e->offset, e->size);
}

StatusOr<Fip> ParseFip(std::span<const uint8_t> data) {
  if (data.size() < kTocHeaderSize) {
    return Status::InvalidInput("FIP is truncated: " + std::to_string(data.size()) +
                                " bytes, a ToC header needs 16");
  }
  uint32_t name = LoadLe32(data.data());
  if (name != kFipTocName) {
    return Status::InvalidInput("not a FIP: ToC header name is " + Hex(name) + ", expected 0xaa640001");
  }
  Fip fip;
  fip.serial_number = LoadLe32(data.data() + 4);
  fip.flags = LoadLe64(data.data() + 8);
  fip.data = data;
  for (size_t pos = kTocHeaderSize;; pos += kTocEntrySize) {
    size_t index = (pos - kTocHeaderSize) / kTocEntrySize;
    if (data.size() - pos < kTocEntrySize) {
      return Status::InvalidInput("FIP ToC has no terminator: entry " + std::to_string(index) +
                                  " at offset " + Hex(pos) + " is cut off at " +
                                  Hex(data.size()));
    }
    FipEntry e;
    std::memcpy(e.uuid.bytes.data(), data.data() + pos, 16);
    e.offset = LoadLe64(data.data() + pos + 16);
    e.size = LoadLe64(data.data() + pos + 24);
    e.flags = LoadLe64(data.data() + pos + 32);
    if (e.uuid.IsZero()) break;
    if (e.offset > data.size() || e.size > data.size() - e.offset) {
      std::string what = e.Name().empty() ? e.uuid.ToString() : e.Name();
      return Status::InvalidInput("FIP entry " + std::to_string(index) + " (" + what +
                                  "): offset " + Hex(e.offset) + " + size " + Hex(e.size) +
                                  " is past the end of the FIP (" + Hex(data.size()) + " bytes)");
    }
    fip.entries.push_back(e);
  }
  return fip;
}

Status FuzzParseFip(const uint8_t* data, size_t size) {
  auto fip = ParseFip({data, size});
  if (!fip.ok()) return fip.status();
  for (const auto& e : fip->entries) {
    auto image = fip->Image(e.uuid);
    if (image && !image->empty()) (void)(*image)[image->size() - 1];
  }
  return Status::Ok();
}

}  // namespace hilt::image
