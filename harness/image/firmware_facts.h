// Facts read from built firmware: the strings a boot chain prints that are
// fixed at build time (TF-A's version and build time, U-Boot's banner and
// prompt), found in the binaries themselves. A suite compares them with what
// the board printed (`uboot_banner == build.uboot_banner`), so a stale card or
// a failed flash cannot pass as a boot of the firmware just built. The
// simulated board uses the same search to print what the images would print.
//
// The strings are C strings in .rodata: TF-A's version_string
// ("v2.9.0(release):<BUILD_STRING>") and build_message ("Built : <time>,
// <date>"); U-Boot's version_string (U_BOOT_VERSION_STRING, "U-Boot 2024.04
// (Apr 13 2024 - 16:50:21 +0000)") and CONFIG_SYS_PROMPT ("BPI-R4> ").
#ifndef HILT_IMAGE_FIRMWARE_FACTS_H_
#define HILT_IMAGE_FIRMWARE_FACTS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "harness/core/status.h"

namespace hilt::image {

struct TfaStrings {
  std::optional<std::string> version;  // "v2.9.0(release):"
  std::optional<std::string> built;    // "Built : 16:50:21, Apr 13 2024"
  // The number in `version` ("2.9.0"), as a suite's `BL2: v(\d+...)` captures it.
  std::optional<std::string> VersionNumber() const;
};

struct UbootStrings {
  std::optional<std::string> banner;  // "U-Boot 2024.04 (Apr 13 2024 - 16:50:21 +0000)"
  std::optional<std::string> prompt;  // "BPI-R4> "
  // "2024.04" (with any -rc/-localversion suffix) from `banner`.
  std::optional<std::string> Version() const;
};

// Searches a TF-A image (BL2 or BL31, not its MediaTek header) or U-Boot's
// u-boot.bin. Works on any bytes: a string is found only NUL-terminated and
// printable, and at most 120 bytes long, so hostile input yields nothing or a
// short printable string, never a crash.
TfaStrings FindTfaStrings(std::string_view image);
UbootStrings FindUbootStrings(std::string_view image);

// The facts of the boot chain on a card, from `bl2_path` (bl2.img, with its
// MediaTek header) and `fip_path` (fip.bin: BL31 = soc-fw, BL33 = nt-fw):
//   build.tfa_version          "2.9.0"             (BL2)
//   build.tfa_version_string   "v2.9.0(release):"  (BL2)
//   build.tfa_built            "Built : ..."       (BL2)
//   build.bl31_version_string, build.bl31_built    (BL31)
//   build.uboot_banner, build.uboot_version, build.uboot_prompt (BL33)
// A fact whose image or string is absent is left out (a stand-in FIP without
// BL33 has no U-Boot facts; a check that uses one fails with "never
// captured"). Errors: a file that cannot be read (NotFound/LabFailure) or
// that is not a MediaTek BL2 image / not a FIP (InvalidInput).
StatusOr<std::map<std::string, std::string>> ReadBuildFacts(const std::string& bl2_path,
                                                            const std::string& fip_path);

// The facts of a FIP that holds BL2 itself (BL1 platforms such as QEMU virt:
// tb-fw = BL2, soc-fw = BL31, nt-fw = BL33): the same keys as above, the
// build.tfa_* ones from its BL2. InvalidInput when it is not a FIP.
StatusOr<std::map<std::string, std::string>> ReadFipFacts(const std::string& fip_path);

// The facts of a u-boot.bin alone (build.uboot_*), e.g. before TF-A packs it.
StatusOr<std::map<std::string, std::string>> ReadUbootFacts(const std::string& uboot_path);

}  // namespace hilt::image

#endif  // HILT_IMAGE_FIRMWARE_FACTS_H_
