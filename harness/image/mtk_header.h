// The MediaTek BootROM header in front of BL2 on SD/eMMC/NOR, as
// `mkimage -T mtk_image -n "media=sdmmc;arm64=1"` writes it (U-Boot's
// tools/mtk_image.{c,h}):
//
//   0x000  device header  "SDMMC_BOOT", version 1, size 0x200
//   0x200  BRLYT layout   "BRLYT", magic 0x42424242, type, header and total size
//   0x600  GFH chain      "MMM" headers: FILE_INFO (load address, sizes,
//                         signature type), BL_INFO, BROM_CFG (arm64), ...
//          payload        the BL2 binary, from GFH + hdr_size
//   end    SHA-256        over the GFH chain and payload
#ifndef HILT_IMAGE_MTK_HEADER_H_
#define HILT_IMAGE_MTK_HEADER_H_

#include <cstdint>
#include <span>
#include <string>

#include "harness/core/status.h"

namespace hilt::image {

inline constexpr uint32_t kBrlytMagic = 0x42424242;
inline constexpr uint32_t kBrlytTypeEmmc = 0x10005;
inline constexpr uint32_t kBrlytTypeNor = 0x10007;
inline constexpr uint32_t kBrlytTypeSdmmc = 0x10008;

struct MtkBl2Image {
  std::string boot_name;     // "SDMMC_BOOT", "EMMC_BOOT", "SF_BOOT"
  uint32_t brlyt_type = 0;   // kBrlytType*
  uint32_t gfh_offset = 0;   // BRLYT header size: where the GFH chain starts
  uint32_t image_size = 0;   // BRLYT total size: the whole image in bytes
  uint32_t load_address = 0; // where the BootROM puts the GFH chain
  uint32_t gfh_size = 0;     // FILE_INFO hdr_size: the GFH chain's length
  uint32_t jump_offset = 0;  // entry point = load_address + jump_offset
  uint32_t file_size = 0;    // FILE_INFO total_size: GFH + payload + signature
  uint8_t sig_type = 0;      // 0 none, 1 SHA-256
  uint32_t sig_size = 0;
  bool arm64 = false;        // BROM_CFG asks the BootROM to jump in AArch64
  std::span<const uint8_t> payload;  // the BL2 binary

  uint32_t entry_point() const { return load_address + jump_offset; }
};

// Parses and validates an image held in `data` (which must outlive the
// result). `data` may be longer than the image (a whole partition read from
// a card). Checks what the BootROM checks: names, magics, the media type,
// that every size lies inside the data, and the SHA-256 when present.
StatusOr<MtkBl2Image> ParseMtkBl2(std::span<const uint8_t> data);

// For fuzzing.
Status FuzzParseMtkBl2(const uint8_t* data, size_t size);

}  // namespace hilt::image

#endif  // HILT_IMAGE_MTK_HEADER_H_
