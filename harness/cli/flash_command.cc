// `hilt flash IMG --to DEV`: checks the target is safe to write, writes the
// image (only what differs), discards the rest, verifies by reading back.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/cli/commands.h"
#include "harness/cli/flash_progress.h"
#include "harness/core/exit_code.h"
#include "harness/devices/block_device_target.h"
#include "harness/devices/device_safety.h"
#include "harness/devices/file_block_target.h"
#include "harness/devices/posix_io.h"
#include "harness/image/flasher.h"
#include "harness/runner/lab_config.h"

namespace hilt::cli {
namespace {

struct FlashArgs {
  std::string image;
  std::string to;
  std::vector<std::string> allow;
  std::vector<std::string> labs;  // lab configs whose boards' cards may be written
  bool force = false;
  bool json = false;
  bool write_all = false;
};

StatusOr<std::unique_ptr<BlockTarget>> OpenTarget(const std::string& path, uint64_t image_size) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISBLK(st.st_mode)) {
    auto device = BlockDeviceTarget::Open(path);
    if (!device.ok()) return device.status();
    return std::unique_ptr<BlockTarget>(std::move(*device));
  }
  // A new or empty file becomes an image of the image's size, in whole sectors.
  auto file = FileBlockTarget::Open(path, (image_size + 511) / 512 * 512);
  if (!file.ok()) return file.status();
  return std::unique_ptr<BlockTarget>(std::move(*file));
}

StatusOr<FlashReport> RunFlash(const FlashArgs& args) {
  struct stat image {};
  if (::stat(args.image.c_str(), &image) != 0) {
    return Status::NotFound(fmt::format("image {}: no such file", args.image));
  }
  if (!S_ISREG(image.st_mode)) {
    return Status::InvalidInput(fmt::format("image {}: not a regular file", args.image));
  }
  // The allow-list: --allow devices plus the card of every board of each --lab.
  std::vector<std::string> allow = args.allow;
  for (const std::string& lab_path : args.labs) {
    auto lab = LoadLabConfigFile(lab_path);
    if (!lab.ok()) return lab.status();
    for (const BoardConfig& board : lab->boards) {
      if (!board.block_device.empty()) allow.push_back(board.block_device);
    }
  }
  HILT_RETURN_IF_ERROR(CheckFlashTarget(args.to, FlashPermission{allow, args.force}));
  auto target = OpenTarget(args.to, static_cast<uint64_t>(image.st_size));
  if (!target.ok()) return target.status();

  std::unique_ptr<TerminalProgress> progress;
  if (::isatty(STDERR_FILENO)) progress = std::make_unique<TerminalProgress>(stderr);
  FlashOptions options;
  options.skip_identical = !args.write_all;
  auto report = Flash(args.image, **target, options, progress.get());
  if (progress) progress->Finish();
  return report;
}

int Run(const FlashArgs& args) {
  StatusOr<FlashReport> report = RunFlash(args);
  if (!report.ok()) {
    fmt::print(stderr, "hilt flash: {}\n", report.status().message());
    return ExitCodeFor(report.status());
  }
  for (const auto& w : report->warnings) fmt::print(stderr, "hilt flash: warning: {}\n", w);
  if (args.json) {
    nlohmann::json j = {{"written_bytes", report->written_bytes},
                        {"zeroed_bytes", report->zeroed_bytes},
                        {"discarded_bytes", report->discarded_bytes},
                        {"verified_bytes", report->verified_bytes},
                        {"skipped_bytes", report->skipped_bytes},
                        {"seconds", report->seconds}};
    fmt::print("{}\n", j.dump());
  } else {
    fmt::print("flashed {} to {} in {:.2f}s: wrote {}, zeroed {}, skipped {} (identical), "
               "discarded {}{}, verified {}{}\n",
               args.image, args.to, report->seconds, HumanBytes(report->written_bytes),
               HumanBytes(report->zeroed_bytes), HumanBytes(report->skipped_bytes),
               HumanBytes(report->discarded_bytes),
               report->discard_supported ? "" : " (target cannot discard)",
               HumanBytes(report->verified_bytes),
               report->gpt_relocated ? ", backup GPT moved to the end of the device" : "");
  }
  return kExitPass;
}

}  // namespace

void AddFlashCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<FlashArgs>();
  CLI::App* cmd = app.add_subcommand(
      "flash",
      "Write a (sparse) image to an SD card, loop device or file: only the image's data and "
      "the holes inside its GPT partitions are written, and only where the target differs; "
      "the rest is discarded; the backup GPT moves to the end of a larger device; everything "
      "written is read back from the device and compared.\n"
      "Refused (exit 2, nothing written): a mounted or swap device or one whose partition or "
      "holder is, the disk holding /, a device not in the allow-list (--force skips only this "
      "check), an image larger than the device. I/O errors exit 3.");
  cmd->add_option("image", args->image, "the image file to write")->required();
  cmd->add_option("--to", args->to, "target: a block device (/dev/sdX, /dev/loopN) or a file")
      ->required();
  cmd->add_option("--allow", args->allow,
                  "a device this lab may write (repeatable; any alias of the same device "
                  "matches)");
  cmd->add_option("--lab", args->labs,
                  "lab config: the block devices its boards name are allowed (repeatable)");
  cmd->add_flag("--force", args->force,
                "write a device not in the allow-list (never a mounted or root disk)");
  cmd->add_flag("--write-all", args->write_all,
                "write every block of the image's data and partitions without first reading "
                "what the target holds (by default blocks already identical are skipped)");
  cmd->add_flag("--json", args->json,
                "print {written_bytes, zeroed_bytes, discarded_bytes, verified_bytes, "
                "skipped_bytes, seconds} on stdout");
  cmd->callback([args, exit_code] { *exit_code = Run(*args); });
}

}  // namespace hilt::cli
