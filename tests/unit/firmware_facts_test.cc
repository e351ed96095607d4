#include "harness/image/firmware_facts.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>
#include <string>

#include "tests/unit/image_test_util.h"

namespace hilt::image {
namespace {

using testing::Pattern;
using testing::RunCommand;
using testing::ScratchDir;
using namespace std::string_literals;

// Binary filler around C strings, as in a real image's .text and .rodata.
std::string Blob(uint32_t seed, size_t size = 3000) {
  std::vector<uint8_t> p = Pattern(size, seed);
  return std::string(p.begin(), p.end());
}

std::string CStr(const std::string& s) { return "\0"s + s + "\0"s; }

std::string UbootImage(const std::string& prompt) {
  return Blob(1) + CStr("U-Boot SPL 2024.04 (Apr 13 2024 - 16:50:21 +0000)") + Blob(2) +
         // Strings of the real u-boot.bin that also end in "> ".
         CStr("%s for %08lx ... %08lx ==> ") + CStr("<DIR> ") + CStr("< ? > ") + CStr("> ") +
         CStr("%s> ") + CStr("Hit any key to stop autoboot: %2d ") +
         Blob(3) + CStr("U-Boot 2024.04 (Apr 13 2024 - 16:50:21 +0000)") + Blob(4) +
         CStr(prompt) + Blob(5);
}

std::string TfaImage(const std::string& version, const std::string& built) {
  return Blob(6) + CStr("BL2: %s\n") + CStr(version) + Blob(7) + CStr(built) + Blob(8);
}

TEST(FindUbootStrings, BannerAndPromptAmongDecoys) {
  UbootStrings u = FindUbootStrings(UbootImage("BPI-R4> "));
  ASSERT_TRUE(u.banner.has_value());
  EXPECT_EQ(*u.banner, "U-Boot 2024.04 (Apr 13 2024 - 16:50:21 +0000)");
  EXPECT_EQ(u.Version(), "2024.04");
  ASSERT_TRUE(u.prompt.has_value());
  EXPECT_EQ(*u.prompt, "BPI-R4> ");
}

TEST(FindUbootStrings, DefaultPromptAndLocalVersion) {
  std::string img = Blob(1) + CStr("U-Boot 2024.04-rc3-00011-g77a5683 (Jan 02 2025 - 09:08:07 +0100)") +
                    Blob(2) + CStr("=> ") + Blob(3);
  UbootStrings u = FindUbootStrings(img);
  EXPECT_EQ(u.banner, "U-Boot 2024.04-rc3-00011-g77a5683 (Jan 02 2025 - 09:08:07 +0100)");
  EXPECT_EQ(u.Version(), "2024.04-rc3-00011-g77a5683");
  EXPECT_EQ(u.prompt, "=> ");
}

TEST(FindUbootStrings, ConfiguredPromptBeatsTheDefault) {
  std::string img = Blob(1) + CStr("=> ") + Blob(2) + CStr("MYBOARD> ") + Blob(3);
  EXPECT_EQ(FindUbootStrings(img).prompt, "MYBOARD> ");
  // Adjacent strings share the NUL between them.
  EXPECT_EQ(FindUbootStrings("\0=> \0R4> \0"s).prompt, "R4> ");
}

TEST(FindUbootStrings, PromptWithSpaces) {
  EXPECT_EQ(FindUbootStrings(UbootImage("My Board 2> ")).prompt, "My Board 2> ");
}

TEST(FindUbootStrings, NothingInNoise) {
  UbootStrings u = FindUbootStrings(Blob(9, 100000));
  EXPECT_FALSE(u.banner.has_value());
  EXPECT_FALSE(u.Version().has_value());
  EXPECT_FALSE(u.prompt.has_value());
}

TEST(FindUbootStrings, UnterminatedOrOverlongIsNotAString) {
  // A banner that runs into binary bytes is not a C string of its own.
  std::string img = Blob(1) + CStr("") + "U-Boot 2024.04 (Apr 13 2024 - 16:50:21 +0000)\x01\x02" +
                    CStr(std::string(200, 'A') + "> ");
  UbootStrings u = FindUbootStrings(img);
  EXPECT_FALSE(u.banner.has_value());
  EXPECT_FALSE(u.prompt.has_value());
}

// FindUbootStrings searches only the runs around a literal; the reference is
// the patterns' scan of the whole image, as it was before that prefilter.
UbootStrings WholeImageScan(std::string_view image) {
  RE2::Options opts;
  opts.set_encoding(RE2::Options::EncodingLatin1);
  static const RE2 banner(
      R"((?:^|[^\x20-\x7e])(U-Boot \d{4}\.\d{2}[\x21-\x7e]{0,40} \([A-Z][a-z]{2} [ \d]\d \d{4} - \d\d:\d\d:\d\d [+-]?[\x20-\x7e]{0,10}\)[\x20-\x7e]{0,40})\x00)",
      opts);
  static const RE2 prompt(R"((?:^|[^\x20-\x7e])([A-Za-z0-9=][\x20-\x24\x26-\x3d\x3f-\x7e]{0,30}> )\x00)", opts);
  UbootStrings s;
  std::string found;
  if (RE2::PartialMatch(image, banner, &found)) s.banner = found;
  re2::StringPiece rest(image.data(), image.size());
  std::string candidate;
  while (RE2::FindAndConsume(&rest, prompt, &candidate)) {
    if (!s.prompt || *s.prompt == "=> ") s.prompt = candidate;
    if (*s.prompt != "=> ") break;
    if (rest.data() > image.data()) rest = re2::StringPiece(rest.data() - 1, rest.size() + 1);
  }
  return s;
}

TEST(FindUbootStrings, SameAsAScanOfTheWholeImage) {
  // Fragments that make and break matches at every edge: banners and
  // prompts, near misses, NULs, other binary bytes, runs that join them.
  const std::vector<std::string> pieces = {
      "U-Boot 2024.04 (Apr 13 2024 - 16:50:21 +0000)", "U-Boot 2023.01+dfsg-2 (Jun 22 2026 - 08:38:07 +0000) x",
      "U-Boot ", "U-Boot SPL 2024.04 (Apr 13 2024 - 16:50:21 +0000)", "U-Boot 2024.04 (Apr", "=> ", "> ",
      "BPI-R4> ", "My Board 2> ", "%s> ", "<DIR> ", "a> b> ", "=", "x", std::string(40, 'A'), " ",
      "\0"s, "\0"s, "\0"s, "\x01"s, "\xff"s, "\n"s, "\x7f"s};
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; ++round) {
    std::string img;
    const int n = static_cast<int>(rng() % 14);
    for (int i = 0; i < n; ++i) img += pieces[rng() % pieces.size()];
    UbootStrings want = WholeImageScan(img), got = FindUbootStrings(img);
    ASSERT_EQ(got.banner, want.banner) << ::testing::PrintToString(img);
    ASSERT_EQ(got.prompt, want.prompt) << ::testing::PrintToString(img);
  }
}

TEST(FindTfaStrings, UpstreamAndMediatekVersions) {
  TfaStrings t = FindTfaStrings(TfaImage("v2.9.0(release):", "Built : 16:50:21, Apr 13 2024"));
  EXPECT_EQ(t.version, "v2.9.0(release):");
  EXPECT_EQ(t.VersionNumber(), "2.9.0");
  EXPECT_EQ(t.built, "Built : 16:50:21, Apr 13 2024");

  t = FindTfaStrings(TfaImage("v2.10.0   (release):v2.10-mtk", "Built : 00:00:00, Jan  1 1980"));
  EXPECT_EQ(t.version, "v2.10.0   (release):v2.10-mtk");
  EXPECT_EQ(t.VersionNumber(), "2.10.0");
  EXPECT_EQ(t.built, "Built : 00:00:00, Jan  1 1980");

  // BL31 of the real build: the version right after binary data, no NUL.
  t = FindTfaStrings("@\x00\x80\x00\x00\x01\x00\x02v2.9(release): sdmmc\0Built : 09:56:27, Jun 30 2024\0"s);
  EXPECT_EQ(t.version, "v2.9(release): sdmmc");
  EXPECT_EQ(t.built, "Built : 09:56:27, Jun 30 2024");
  // Part of a longer printable run is not a string of its own.
  t = FindTfaStrings("\0Xv2.9(release):\0"s);
  EXPECT_FALSE(t.version.has_value());

  t = FindTfaStrings(Blob(3, 50000));
  EXPECT_FALSE(t.version.has_value());
  EXPECT_FALSE(t.built.has_value());
}

// bl2.img and fip.bin made by the same tools TF-A's build uses.
class BuildFactsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HILT_REQUIRE_TOOL("mkimage");
    HILT_REQUIRE_TOOL("fiptool");
    testing::WriteText(dir_ / "bl2.bin", TfaImage("v2.9.0(release):", "Built : 10:00:00, Apr 13 2024"));
    testing::WriteText(dir_ / "bl31.bin", TfaImage("v2.9.0(release):abc", "Built : 10:00:01, Apr 13 2024"));
    testing::WriteText(dir_ / "u-boot.bin", UbootImage("BPI-R4> "));
    Run("mkimage -T mtk_image -n 'media=sdmmc;arm64=1' -a 0x201000 -e 0x201000 -d " +
        dir_ / "bl2.bin " + dir_ / "bl2.img");
    Run("fiptool create --soc-fw " + dir_ / "bl31.bin" + " --nt-fw " + dir_ / "u-boot.bin " +
        dir_ / "fip.bin");
    Run("fiptool create --soc-fw " + dir_ / "bl31.bin " + dir_ / "fip-no-bl33.bin");
  }
  void Run(const std::string& command) {
    auto r = RunCommand(command);
    ASSERT_EQ(r.exit_code, 0) << command << "\n" << r.output;
  }
  ScratchDir dir_;
};

TEST_F(BuildFactsTest, ReadsAllFacts) {
  auto facts = ReadBuildFacts(dir_ / "bl2.img", dir_ / "fip.bin");
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  std::map<std::string, std::string> want = {
      {"build.tfa_version", "2.9.0"},
      {"build.tfa_version_string", "v2.9.0(release):"},
      {"build.tfa_built", "Built : 10:00:00, Apr 13 2024"},
      {"build.bl31_version_string", "v2.9.0(release):abc"},
      {"build.bl31_built", "Built : 10:00:01, Apr 13 2024"},
      {"build.uboot_banner", "U-Boot 2024.04 (Apr 13 2024 - 16:50:21 +0000)"},
      {"build.uboot_version", "2024.04"},
      {"build.uboot_prompt", "BPI-R4> "},
  };
  EXPECT_EQ(*facts, want);
}

TEST_F(BuildFactsTest, FipWithoutBl33HasNoUbootFacts) {
  auto facts = ReadBuildFacts(dir_ / "bl2.img", dir_ / "fip-no-bl33.bin");
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  EXPECT_EQ(facts->count("build.bl31_built"), 1u);
  EXPECT_EQ(facts->count("build.uboot_banner"), 0u);
  EXPECT_EQ(facts->count("build.uboot_prompt"), 0u);
}

TEST_F(BuildFactsTest, WrongFilesAreErrorsNamingThem) {
  auto missing = ReadBuildFacts(dir_ / "nope.img", dir_ / "fip.bin");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("nope.img"), std::string::npos);

  // The FIP where BL2 should be, and BL2 where the FIP should be.
  auto swapped = ReadBuildFacts(dir_ / "fip.bin", dir_ / "bl2.img");
  ASSERT_FALSE(swapped.ok());
  EXPECT_EQ(swapped.status().code(), Status::Code::kInvalidInput);
  EXPECT_NE(swapped.status().message().find("not a MediaTek BL2 image"), std::string::npos);

  auto not_fip = ReadBuildFacts(dir_ / "bl2.img", dir_ / "bl2.img");
  ASSERT_FALSE(not_fip.ok());
  EXPECT_NE(not_fip.status().message().find("not a FIP"), std::string::npos);
}

// QEMU virt's FIP carries BL2 itself (tb-fw): its facts come from there, and
// ReadBuildFacts (which takes BL2 from bl2.img) ignores it.
TEST_F(BuildFactsTest, FipWithBl2) {
  Run("fiptool create --tb-fw " + dir_ / "bl2.bin" + " --soc-fw " + dir_ / "bl31.bin" + " --nt-fw " +
      dir_ / "u-boot.bin " + dir_ / "fip-bl2.bin");
  auto facts = ReadFipFacts(dir_ / "fip-bl2.bin");
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  EXPECT_EQ(facts->at("build.tfa_version_string"), "v2.9.0(release):");
  EXPECT_EQ(facts->at("build.tfa_version"), "2.9.0");
  EXPECT_EQ(facts->at("build.bl31_version_string"), "v2.9.0(release):abc");
  EXPECT_EQ(facts->at("build.uboot_banner"), "U-Boot 2024.04 (Apr 13 2024 - 16:50:21 +0000)");
  auto without_bl2 = ReadFipFacts(dir_ / "fip.bin");
  ASSERT_TRUE(without_bl2.ok());
  EXPECT_EQ(without_bl2->count("build.tfa_version"), 0u);
  EXPECT_EQ(without_bl2->count("build.uboot_banner"), 1u);
  auto not_fip = ReadFipFacts(dir_ / "bl2.img");
  EXPECT_EQ(not_fip.status().code(), Status::Code::kInvalidInput);
}

TEST_F(BuildFactsTest, UbootAlone) {
  auto facts = ReadUbootFacts(dir_ / "u-boot.bin");
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  EXPECT_EQ(facts->at("build.uboot_version"), "2024.04");
  EXPECT_EQ(facts->size(), 3u);
}

}  // namespace
}  // namespace hilt::image
