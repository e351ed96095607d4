#include "harness/image/mtk_header.h"

#include <openssl/sha.h>

#include <cstdio>
#include <cstring>

#include "harness/image/le.h"

namespace hilt::image {
namespace {

constexpr uint32_t kDeviceHeaderSize = 0x200;
constexpr uint32_t kBrlytOffset = 0x200;
constexpr uint32_t kBrlytSize = 40;
constexpr uint32_t kGfhMagic = 0x4D4D4D;  // "MMM"
constexpr uint16_t kGfhTypeFileInfo = 0;
constexpr uint16_t kGfhTypeBromCfg = 7;
constexpr uint32_t kFileInfoSize = 0x38;
constexpr uint8_t kFlashTypeGen = 5;
constexpr uint8_t kSigTypeNone = 0;
constexpr uint8_t kSigTypeSha256 = 1;
constexpr uint32_t kBromCfgArm64Enable = 0x1000;
constexpr uint8_t kBromCfgArm64 = 0x64;

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

Status Bad(const std::string& what) { return Status::InvalidInput("MediaTek BL2 header: " + what); }

// A NUL-terminated name in a fixed field.
bool NameIs(const uint8_t* field, size_t field_size, const char* name) {
  size_t n = std::strlen(name);
  return n < field_size && std::memcmp(field, name, n) == 0 && field[n] == 0;
}

// Walks the GFH chain for BROM_CFG's arm64 bits.
Status ReadArm64(std::span<const uint8_t> gfh, bool* arm64) {
  *arm64 = false;
  for (size_t pos = 0; pos + 8 <= gfh.size();) {
    const uint8_t* h = gfh.data() + pos;
    if ((LoadLe32(h) & 0xFFFFFF) != kGfhMagic) {
      return Bad("GFH header at chain offset " + Hex(pos) + " has no \"MMM\" magic");
    }
    uint16_t size = LoadLe16(h + 4);
    if (size < 8 || size > gfh.size() - pos) {
      return Bad("GFH header at chain offset " + Hex(pos) + " has size " + Hex(size) +
                 " outside the chain of " + Hex(gfh.size()) + " bytes");
    }
    if (LoadLe16(h + 6) == kGfhTypeBromCfg && size >= 0x58) {
      *arm64 = (LoadLe32(h + 8) & kBromCfgArm64Enable) && h[0x55] == kBromCfgArm64;
    }
    pos += size;
  }
  return Status::Ok();
}

}  // namespace

StatusOr<MtkBl2Image> ParseMtkBl2(std::span<const uint8_t> data) {
  const uint8_t* d = data.data();
  if (data.size() < kBrlytOffset + kBrlytSize) {
    return Bad("image is truncated: " + std::to_string(data.size()) + " bytes, headers need " +
               std::to_string(kBrlytOffset + kBrlytSize));
  }
  MtkBl2Image img;
  if (NameIs(d, 12, "SDMMC_BOOT")) img.boot_name = "SDMMC_BOOT";
  else if (NameIs(d, 12, "EMMC_BOOT")) img.boot_name = "EMMC_BOOT";
  else if (NameIs(d, 12, "SF_BOOT")) img.boot_name = "SF_BOOT";
  else return Bad("no SDMMC_BOOT/EMMC_BOOT/SF_BOOT device header at offset 0");
  if (LoadLe32(d + 12) != 1 || LoadLe32(d + 16) != kDeviceHeaderSize) {
    return Bad("device header version " + std::to_string(LoadLe32(d + 12)) + " size " +
               Hex(LoadLe32(d + 16)) + ", expected version 1 size 0x200");
  }
  const uint8_t* b = d + kBrlytOffset;
  if (!NameIs(b, 8, "BRLYT")) return Bad("no BRLYT layout header at offset 0x200");
  // name[8], version, header_size, total_size, magic, type, copies of the sizes.
  if (LoadLe32(b + 20) != kBrlytMagic) {
    return Bad("BRLYT magic is " + Hex(LoadLe32(b + 20)) + ", expected 0x42424242");
  }
  if (LoadLe32(b + 8) != 1) return Bad("BRLYT version " + std::to_string(LoadLe32(b + 8)) + " is not 1");
  img.brlyt_type = LoadLe32(b + 24);
  bool sd_like = img.brlyt_type == kBrlytTypeSdmmc || img.brlyt_type == kBrlytTypeEmmc ||
                 img.brlyt_type == kBrlytTypeNor;
  if (!sd_like) return Bad("BRLYT type " + Hex(img.brlyt_type) + " is not SD/eMMC/NOR");
  img.gfh_offset = LoadLe32(b + 12);
  img.image_size = LoadLe32(b + 16);
  if (img.image_size > data.size()) {
    return Bad("image is truncated: BRLYT says " + std::to_string(img.image_size) +
               " bytes, only " + std::to_string(data.size()) + " present");
  }
  if (img.gfh_offset < kBrlytOffset + kBrlytSize ||
      uint64_t{img.gfh_offset} + kFileInfoSize > img.image_size) {
    return Bad("GFH offset " + Hex(img.gfh_offset) + " lies outside the image of " +
               Hex(img.image_size) + " bytes");
  }
  const uint8_t* f = d + img.gfh_offset;
  if ((LoadLe32(f) & 0xFFFFFF) != kGfhMagic || LoadLe16(f + 6) != kGfhTypeFileInfo ||
      !NameIs(f + 8, 12, "FILE_INFO")) {
    return Bad("no GFH FILE_INFO header at " + Hex(img.gfh_offset));
  }
  if (f[26] != kFlashTypeGen) {
    return Bad("FILE_INFO flash type " + std::to_string(f[26]) + " is not 5 (SD/eMMC/NOR)");
  }
  img.sig_type = f[27];
  img.load_address = LoadLe32(f + 28);
  img.file_size = LoadLe32(f + 32);
  img.gfh_size = LoadLe32(f + 40);
  img.sig_size = LoadLe32(f + 44);
  img.jump_offset = LoadLe32(f + 48);
  uint64_t file_end = uint64_t{img.gfh_offset} + img.file_size;
  if (file_end > img.image_size) {
    return Bad("FILE_INFO total size " + Hex(img.file_size) + " at " + Hex(img.gfh_offset) +
               " runs past the image end " + Hex(img.image_size));
  }
  if (img.sig_type == kSigTypeSha256 && img.sig_size != SHA256_DIGEST_LENGTH) {
    return Bad("SHA-256 signature size is " + std::to_string(img.sig_size) + ", expected 32");
  }
  if (img.sig_type != kSigTypeSha256 && img.sig_type != kSigTypeNone) {
    return Bad("unsupported signature type " + std::to_string(img.sig_type));
  }
  if (img.sig_type == kSigTypeNone) img.sig_size = 0;
  if (img.gfh_size < kFileInfoSize || uint64_t{img.gfh_size} + img.sig_size > img.file_size ||
      img.jump_offset >= img.file_size - img.sig_size) {
    return Bad("FILE_INFO sizes are inconsistent: GFH " + Hex(img.gfh_size) + ", signature " +
               Hex(img.sig_size) + ", jump offset " + Hex(img.jump_offset) + ", total " +
               Hex(img.file_size));
  }
  auto file = data.subspan(img.gfh_offset, img.file_size);
  HILT_RETURN_IF_ERROR(ReadArm64(file.first(img.gfh_size), &img.arm64));
  if (img.sig_type == kSigTypeSha256) {
    uint8_t digest[SHA256_DIGEST_LENGTH];
    size_t hashed = img.file_size - img.sig_size;
    SHA256(file.data(), hashed, digest);
    if (std::memcmp(digest, file.data() + hashed, sizeof digest) != 0) {
      return Bad("SHA-256 of the GFH and payload does not match the one stored at " +
                 Hex(img.gfh_offset + hashed) + " (image corrupt)");
    }
  }
  img.payload = file.subspan(img.gfh_size, img.file_size - img.gfh_size - img.sig_size);
  return img;
}

Status FuzzParseMtkBl2(const uint8_t* data, size_t size) {
  auto img = ParseMtkBl2({data, size});
  if (!img.ok()) return img.status();
  if (!img->payload.empty()) (void)img->payload.back();
  return Status::Ok();
}

}  // namespace hilt::image
