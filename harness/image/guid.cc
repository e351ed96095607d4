#include "harness/image/guid.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <utility>

namespace hilt::image {
namespace {

// Text order of the 16 bytes: the first three fields are byte-swapped.
constexpr std::array<int, 16> kTextOrder = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

Guid MustParse(std::string_view text) {
  auto g = Guid::Parse(text);
  return g.ok() ? *g : Guid{};
}

}  // namespace

const Guid kHiltLayoutNamespace = MustParse("5C1D3A7E-0B9E-4C4F-9D2A-68696C740001");

std::string Guid::ToString() const {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    uint8_t b = bytes[kTextOrder[i]];
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

bool Guid::IsZero() const {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

StatusOr<Guid> Guid::Parse(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidInput("'" + std::string(text) +
                                "' is not a GUID (expected XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX)");
  };
  if (text.size() != 36) return bad();
  Guid g;
  size_t pos = 0;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      if (text[pos] != '-') return bad();
      ++pos;
    }
    int hi = HexValue(text[pos]), lo = HexValue(text[pos + 1]);
    if (hi < 0 || lo < 0) return bad();
    g.bytes[kTextOrder[i]] = static_cast<uint8_t>(hi << 4 | lo);
    pos += 2;
  }
  return g;
}

Guid Guid::NameBased(const Guid& name_space, std::string_view name) {
  // RFC 4122 hashes the namespace and the result in network (text) order.
  std::string input;
  for (int i : kTextOrder) input += static_cast<char>(name_space.bytes[i]);
  input += name;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0F) | 0x50);  // version 5
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3F) | 0x80);  // RFC 4122 variant
  Guid g;
  for (size_t i = 0; i < 16; ++i) g.bytes[kTextOrder[i]] = digest[i];
  return g;
}

StatusOr<Guid> PartitionTypeFromCode(std::string_view code) {
  // A few of sgdisk's codes (gdisk's parttypes.cc); others may be given in full.
  static const std::pair<std::string_view, std::string_view> kCodes[] = {
      {"0700", "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"},  // Microsoft basic data
      {"8300", "0FC63DAF-8483-4772-8E79-3D69D8477DE4"},  // Linux filesystem
      {"8200", "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F"},  // Linux swap
      {"8305", "B921B045-1DF0-41C3-AF44-4C6F280D3FAE"},  // Linux ARM64 root
      {"ef00", "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"},  // EFI system partition
      {"ef02", "21686148-6449-6E6F-744E-656564454649"},  // BIOS boot
      {"a000", "2568845D-2332-4675-BC39-8FA5A4748D15"},  // Android bootloader
  };
  std::string lower(code);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [short_code, guid] : kCodes) {
    if (lower == short_code) return Guid::Parse(guid);
  }
  if (code.size() == 36) return Guid::Parse(code);
  std::string known;
  for (const auto& [short_code, guid] : kCodes) known += (known.empty() ? "" : ", ") + std::string(short_code);
  return Status::InvalidInput("unknown partition type '" + std::string(code) +
                              "' (use one of " + known + " or a full GUID)");
}

}  // namespace hilt::image
