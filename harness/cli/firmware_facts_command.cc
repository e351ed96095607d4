// `hilt firmware-facts --bl2 F --fip F [--uboot F] [--json]`: prints the facts
// a run takes from the built firmware (build.uboot_banner, build.tfa_version,
// ...), so a user can see what `uboot_banner == build.uboot_banner` compares
// with, and a script can check a build without booting it.
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/cli/command_error.h"
#include "harness/cli/commands.h"
#include "harness/core/exit_code.h"
#include "harness/image/firmware_facts.h"

namespace hilt::cli {
namespace {

struct FirmwareFactsArgs {
  std::string bl2, fip, uboot;
  bool json = false;
};

int RunFirmwareFacts(const FirmwareFactsArgs& args) {
  std::map<std::string, std::string> facts;
  if (!args.bl2.empty()) {
    auto chain = image::ReadBuildFacts(args.bl2, args.fip);
    if (!chain.ok()) return ReportFailure("firmware-facts", chain.status());
    facts = std::move(*chain);
  }
  if (!args.uboot.empty()) {
    auto uboot = image::ReadUbootFacts(args.uboot);
    if (!uboot.ok()) return ReportFailure("firmware-facts", uboot.status());
    for (auto& [key, value] : *uboot) facts[key] = value;  // u-boot.bin as given wins
  }
  if (args.json) {
    std::printf("%s\n", nlohmann::json(facts).dump(2).c_str());
  } else {
    for (const auto& [key, value] : facts) std::printf("%s=%s\n", key.c_str(), value.c_str());
  }
  std::fflush(stdout);
  return kExitPass;
}

}  // namespace

void AddFirmwareFactsCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "firmware-facts",
      "Print the facts read from built firmware, as a run passes them to suite checks "
      "(build.uboot_banner, build.uboot_version, build.uboot_prompt, build.tfa_version, "
      "build.tfa_version_string, build.tfa_built, build.bl31_version_string, build.bl31_built). "
      "BL2 is read from bl2.img's MediaTek header, BL31 and BL33 from the FIP. A fact whose "
      "image or string is absent is not printed. Exit 2 if a file is missing or of the wrong kind.");
  auto args = std::make_shared<FirmwareFactsArgs>();
  auto* bl2 = cmd->add_option("--bl2", args->bl2, "bl2.img (MediaTek BootROM header + TF-A BL2)");
  auto* fip = cmd->add_option("--fip", args->fip, "fip.bin (BL31 as soc-fw, U-Boot as nt-fw)");
  bl2->needs(fip);
  fip->needs(bl2);
  cmd->add_option("--uboot", args->uboot, "u-boot.bin, read on its own (overrides the FIP's BL33)");
  cmd->add_flag("--json", args->json, "print one JSON object instead of key=value lines");
  cmd->callback([args, cmd, exit_code] {
    if (args->bl2.empty() && args->uboot.empty()) {
      std::fprintf(stderr, "hilt firmware-facts: give --bl2 and --fip, or --uboot\n%s",
                   cmd->help().c_str());
      *exit_code = kExitBadInput;
      return;
    }
    *exit_code = RunFirmwareFacts(*args);
  });
}

}  // namespace hilt::cli
