// RealLabSteps::Image: the lab's layout filled with the build outputs.
#include <fstream>

#include <fmt/format.h>

#include "harness/image/firmware_facts.h"
#include "harness/image/image_builder.h"
#include "harness/image/layout.h"
#include "harness/runner/real_parts.h"

namespace hilt {

Status RealLabSteps::Image(const ImageConfig& image, const std::map<std::string, std::string>& parts,
                           const std::string& image_path, const std::string& log_path) {
  auto layout = image::LoadLayoutFile(image.layout);
  if (!layout.ok()) return layout.status();
  std::vector<image::SlotFile> files;
  for (const auto& [slot, path] : parts) files.push_back({slot, path});
  // Flashed and verified next; a scratch file (dropped after the run unless
  // --keep-image, and never synced: the card is what must be durable).
  auto report = image::BuildImage(*layout, files, image_path, nullptr, image::ImageDurability::kScratch);
  std::ofstream log(log_path, std::ios::app);
  if (!report.ok()) {
    log << "failed: " << report.status().message() << "\n";
    return report.status().Prefixed("image from " + image.layout + " (" + image.where.ToString() + ")");
  }
  log << fmt::format("{}: {} bytes from layout {}\n", report->output, report->size, image.layout);
  for (const auto& s : report->slots) {
    log << fmt::format("  {} at byte {}: {} ({} bytes, sha256 {})\n", s.region.name, s.region.offset, s.path,
                       s.size, s.sha256);
  }
  // The facts of the firmware on the card, for suites that require the board
  // to boot this build. Unreadable facts are no lab failure: a broken stand-in
  // is a board test too, and a check that needs a missing fact fails.
  auto bl2 = parts.find("bl2");
  auto fip = parts.find("fip");
  if (fip != parts.end()) {
    // Without a BL2 part (BL1 platforms: QEMU virt) the FIP holds BL2.
    auto facts = bl2 != parts.end() ? image::ReadBuildFacts(bl2->second, fip->second)
                                    : image::ReadFipFacts(fip->second);
    if (facts.ok()) {
      build_facts_ = std::move(*facts);
      for (const auto& [key, value] : build_facts_) log << fmt::format("  {} = {}\n", key, value);
    } else {
      log << "  no build facts: " << facts.status().message() << "\n";
    }
  }
  return Status::Ok();
}

}  // namespace hilt
