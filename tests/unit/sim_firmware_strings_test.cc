#include "fixtures/sim/firmware_strings.h"

#include <gtest/gtest.h>

namespace hilt::sim {
namespace {

using namespace std::string_literals;

TEST(SimFirmwareStringsTest, FindsTfaVersionAndBuildMessage) {
  const std::string z(1, '\0');
  std::string bl2 = z + "\xff\x13garbage" + z + "v2.10.0   (release):v2.4-rc0-5845-gbacca82a8-dirty" + z +
                    "\x01\x02" + z + "Built : 20:20:25, Feb  2 2024" + z;
  TfaStrings s = FindTfaStrings(bl2);
  EXPECT_EQ(s.version, "v2.10.0   (release):v2.4-rc0-5845-gbacca82a8-dirty");
  EXPECT_EQ(s.built, "Built : 20:20:25, Feb  2 2024");
}

TEST(SimFirmwareStringsTest, DefaultsWhenAbsent) {
  TfaStrings s = FindTfaStrings("\x00\x01\x02 nothing here"s);
  EXPECT_EQ(s.version, TfaStrings{}.version);
  UbootStrings u = FindUbootStrings("");
  EXPECT_EQ(u.prompt, "BPI-R4> ");
  EXPECT_EQ(u.banner, "U-Boot 2024.04 (Apr 02 2024 - 10:58:58 +0000)");
}

TEST(SimFirmwareStringsTest, FindsUbootBannerToolchainAndPrompt) {
  const std::string z(1, '\0');
  std::string bl33 = "\x7f" "ELF" + z + "U-Boot 2025.01-rc1 (Jan 05 2025 - 11:22:33 +0100)" + z +
                     "aarch64-none-elf-gcc (GCC) 13.1.0\n" + z + "GNU ld (GNU Binutils) 2.41\n" + z + "=> " + z +
                     "MYBOARD> " + z;
  UbootStrings u = FindUbootStrings(bl33);
  EXPECT_EQ(u.banner, "U-Boot 2025.01-rc1 (Jan 05 2025 - 11:22:33 +0100)");
  EXPECT_EQ(u.compiler, "aarch64-none-elf-gcc (GCC) 13.1.0");
  EXPECT_EQ(u.linker, "GNU ld (GNU Binutils) 2.41");
  EXPECT_EQ(u.prompt, "MYBOARD> ");
}

TEST(SimFirmwareStringsTest, HostileBytesStayPrintable) {
  std::string bl33 = "\x00U-Boot 1 (\x1b[2J)\x00"s;  // an escape sequence is no banner
  EXPECT_EQ(FindUbootStrings(bl33).banner, UbootStrings{}.banner);
}

}  // namespace
}  // namespace hilt::sim
