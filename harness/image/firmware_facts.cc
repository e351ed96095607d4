#include "harness/image/firmware_facts.h"

#include <re2/re2.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <span>
#include <vector>

#include "harness/image/fip.h"
#include "harness/image/mtk_header.h"

namespace hilt::image {
namespace {

// Firmware images are small (BL2 ~ 200 KiB, a FIP ~ 1 MiB); anything far
// larger is the wrong file, refused before it is read into memory.
constexpr std::streamoff kMaxImageBytes = 64 << 20;

// Images are binary: match bytes as Latin-1, not UTF-8. Every pattern is a
// whole printable run, as `strings` sees it: after a non-printable byte (a
// string need not follow a NUL: BL31 packs its version right after data) and
// up to the NUL that ends the C string.
RE2::Options BinaryOptions() {
  RE2::Options opts;
  opts.set_encoding(RE2::Options::EncodingLatin1);
  opts.set_log_errors(false);
  return opts;
}

std::optional<std::string> FindFirst(const RE2& re, std::string_view image) {
  std::string found;
  if (RE2::PartialMatch(image, re, &found)) return found;
  return std::nullopt;
}

bool Printable(char c) { return c >= 0x20 && c <= 0x7e; }

// The printable run around `pos` with the byte before it (or the image's
// start) and the byte after it: all that a pattern above can match in, since
// each match is one run with its neighbours.
std::string_view RunAround(std::string_view image, size_t pos) {
  size_t start = pos, end = pos;
  while (start > 0 && Printable(image[start - 1])) --start;
  while (end < image.size() && Printable(image[end])) ++end;
  size_t from = start > 0 ? start - 1 : 0;
  size_t to = end < image.size() ? end + 1 : end;
  return image.substr(from, to - from);
}

// Calls `match` on the run around each occurrence of `literal` (printable,
// and in every match), left to right, each run once, until it returns true. The
// same first match as the pattern's scan of the whole image, which ran the
// DFA over a megabyte of U-Boot: 3-5 ms on every run's image step, a
// memchr-speed search of a literal instead.
template <typename Match>
void ForEachRunWith(std::string_view image, std::string_view literal, Match match) {
  size_t at = image.find(literal);
  while (at != std::string_view::npos) {
    std::string_view run = RunAround(image, at);
    if (match(run)) return;
    // A literal starts on a printable byte: none in the bytes around the run.
    at = image.find(literal, static_cast<size_t>(run.data() - image.data()) + run.size());
  }
}

std::string_view AsChars(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string FileMessage(const std::string& path, std::string_view what, std::string_view msg) {
  return path + ": " + std::string(what) + " " + std::string(msg);
}

StatusOr<std::vector<uint8_t>> ReadImageFile(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    return Status::NotFound(
        FileMessage(path, what, std::string("cannot open: ") + std::strerror(errno)));
  }
  std::streamoff size = in.tellg();
  if (size < 0 || size > kMaxImageBytes) {
    return Status::InvalidInput(FileMessage(
        path, what, "is " + std::to_string(size) + " bytes; firmware images are under 64 MiB"));
  }
  in.seekg(0);
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  if (!in.read(reinterpret_cast<char*>(bytes.data()), size)) {
    return Status::LabFailure(FileMessage(path, what, "read error"));
  }
  return bytes;
}

void PutIf(std::map<std::string, std::string>* facts, const std::string& key,
           const std::optional<std::string>& value) {
  if (value) (*facts)[key] = *value;
}

void PutUboot(std::map<std::string, std::string>* facts, const UbootStrings& u) {
  PutIf(facts, "build.uboot_banner", u.banner);
  PutIf(facts, "build.uboot_version", u.Version());
  PutIf(facts, "build.uboot_prompt", u.prompt);
}

void PutTfa(std::map<std::string, std::string>* facts, const TfaStrings& tfa) {
  PutIf(facts, "build.tfa_version", tfa.VersionNumber());
  PutIf(facts, "build.tfa_version_string", tfa.version);
  PutIf(facts, "build.tfa_built", tfa.built);
}

// BL31 and BL33 of a FIP, and its BL2 when `with_bl2`.
Status PutFipFacts(const std::string& fip_path, bool with_bl2, std::map<std::string, std::string>* facts) {
  StatusOr<std::vector<uint8_t>> fip_file = ReadImageFile(fip_path, "(FIP)");
  if (!fip_file.ok()) return fip_file.status();
  StatusOr<Fip> fip = ParseFip(*fip_file);
  if (!fip.ok()) return fip.status().Prefixed(fip_path + ": not a FIP");
  if (auto bl2 = fip->Image(kFipUuidTbFw); bl2 && with_bl2) PutTfa(facts, FindTfaStrings(AsChars(*bl2)));
  if (auto bl31 = fip->Image(kFipUuidSocFw)) {
    TfaStrings s = FindTfaStrings(AsChars(*bl31));
    PutIf(facts, "build.bl31_version_string", s.version);
    PutIf(facts, "build.bl31_built", s.built);
  }
  if (auto bl33 = fip->Image(kFipUuidNtFw)) PutUboot(facts, FindUbootStrings(AsChars(*bl33)));
  return Status::Ok();
}

}  // namespace

std::optional<std::string> TfaStrings::VersionNumber() const {
  if (!version) return std::nullopt;
  static const RE2 number(R"(^v(\d+\.\d+(?:\.\d+)?))");
  std::string n;
  if (RE2::PartialMatch(*version, number, &n)) return n;
  return std::nullopt;
}

std::optional<std::string> UbootStrings::Version() const {
  if (!banner) return std::nullopt;
  static const RE2 version(R"(^U-Boot (\S+) \()");
  std::string v;
  if (RE2::PartialMatch(*banner, version, &v)) return v;
  return std::nullopt;
}

TfaStrings FindTfaStrings(std::string_view image) {
  // TF-A's Makefile: VERSION_STRING = v$(VERSION)($(BUILD_TYPE)):$(BUILD_STRING);
  // MediaTek's fork pads the version ("v2.10.0   (release):").
  static const RE2 version(
      R"((?:^|[^\x20-\x7e])(v\d+\.\d+(?:\.\d+)?[\x20-\x7e]{0,16}\((?:release|debug)\):[\x20-\x7e]{0,100})\x00)",
      BinaryOptions());
  // common/tf_log.c / bl_common.c: build_message = "Built : " BUILD_MESSAGE_TIMESTAMP.
  static const RE2 built(R"((?:^|[^\x20-\x7e])(Built : [\x20-\x7e]{1,60})\x00)", BinaryOptions());
  TfaStrings s;
  s.version = FindFirst(version, image);
  s.built = FindFirst(built, image);
  return s;
}

UbootStrings FindUbootStrings(std::string_view image) {
  // include/version.h: U_BOOT_VERSION " (" U_BOOT_DATE " - " U_BOOT_TIME " "
  // U_BOOT_TZ ")" CONFIG_IDENT_STRING.
  static const RE2 banner(
      R"((?:^|[^\x20-\x7e])(U-Boot \d{4}\.\d{2}[\x21-\x7e]{0,40} \([A-Z][a-z]{2} [ \d]\d \d{4} - \d\d:\d\d:\d\d [+-]?[\x20-\x7e]{0,10}\)[\x20-\x7e]{0,40})\x00)",
      BinaryOptions());
  // CONFIG_SYS_PROMPT is a string of its own, ending in "> " by convention
  // ("=> ", "BPI-R4> "). Other strings of U-Boot end so too ("<DIR> ", "%s
  // for %08lx ... %08lx ==> ", "< ? > ", hush's PS2 "> "); the prompt starts
  // with a letter, digit or '=' and holds no printf format and no other '>'.
  // U-Boot's default "=> " may sit beside a configured one: the other wins.
  static const RE2 prompt(R"((?:^|[^\x20-\x7e])([A-Za-z0-9=][\x20-\x24\x26-\x3d\x3f-\x7e]{0,30}> )\x00)",
                          BinaryOptions());
  UbootStrings s;
  ForEachRunWith(image, "U-Boot ", [&](std::string_view run) {
    s.banner = FindFirst(banner, run);
    return s.banner.has_value();
  });
  std::string candidate;
  ForEachRunWith(image, std::string_view("> \0", 3), [&](std::string_view run) {
    if (!RE2::PartialMatch(run, prompt, &candidate)) return false;
    if (!s.prompt || *s.prompt == "=> ") s.prompt = candidate;
    return *s.prompt != "=> ";
  });
  return s;
}

StatusOr<std::map<std::string, std::string>> ReadBuildFacts(const std::string& bl2_path,
                                                            const std::string& fip_path) {
  std::map<std::string, std::string> facts;

  StatusOr<std::vector<uint8_t>> bl2_file = ReadImageFile(bl2_path, "(BL2 image)");
  if (!bl2_file.ok()) return bl2_file.status();
  StatusOr<MtkBl2Image> bl2 = ParseMtkBl2(*bl2_file);
  if (!bl2.ok()) return bl2.status().Prefixed(bl2_path + ": not a MediaTek BL2 image");
  PutTfa(&facts, FindTfaStrings(AsChars(bl2->payload)));

  HILT_RETURN_IF_ERROR(PutFipFacts(fip_path, /*with_bl2=*/false, &facts));
  return facts;
}

StatusOr<std::map<std::string, std::string>> ReadFipFacts(const std::string& fip_path) {
  std::map<std::string, std::string> facts;
  HILT_RETURN_IF_ERROR(PutFipFacts(fip_path, /*with_bl2=*/true, &facts));
  return facts;
}

StatusOr<std::map<std::string, std::string>> ReadUbootFacts(const std::string& uboot_path) {
  StatusOr<std::vector<uint8_t>> file = ReadImageFile(uboot_path, "(U-Boot)");
  if (!file.ok()) return file.status();
  std::map<std::string, std::string> facts;
  PutUboot(&facts, FindUbootStrings(AsChars(*file)));
  return facts;
}

}  // namespace hilt::image
