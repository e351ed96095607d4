// `hilt image`: assembles a sparse SD or flash image from a layout.
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/cli/command_error.h"
#include "harness/cli/commands.h"
#include "harness/core/exit_code.h"
#include "harness/image/image_builder.h"
#include "harness/image/layout.h"

namespace hilt::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void OnInterrupt(int) { g_interrupted.store(true); }

// SIGINT/SIGTERM only raise a flag: the builder stops at the next block and
// removes its temporary file, so no half-written image is ever left behind.
class InterruptGuard {
 public:
  InterruptGuard() {
    struct sigaction sa {};
    sa.sa_handler = OnInterrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~InterruptGuard() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

std::string Human(uint64_t bytes) {
  if (bytes >= (uint64_t{1} << 30) && bytes % (uint64_t{1} << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes >= (uint64_t{1} << 20)) return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
  if (bytes >= 1024) return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024);
  return fmt::format("{} B", bytes);
}

const image::WrittenSlot* SlotFor(const image::ImageReport& r, const std::string& name) {
  for (const auto& s : r.slots) {
    if (s.region.name == name) return &s;
  }
  return nullptr;
}

nlohmann::json SlotJson(const image::WrittenSlot& s) {
  return {{"content", s.region.content}, {"file", s.path}, {"size", s.size}, {"sha256", s.sha256}};
}

nlohmann::json ToJson(const image::Layout& layout, const image::ImageReport& r) {
  nlohmann::json j;
  j["output"] = r.output;
  j["layout"] = layout.name;
  j["kind"] = r.kind == image::Layout::Kind::kGpt ? "gpt" : "raw";
  j["size"] = r.size;
  j["bytes_written"] = r.bytes_written;
  if (r.kind == image::Layout::Kind::kGpt) {
    j["sector_size"] = layout.sector_size;
    j["disk_guid"] = r.disk_guid;
    j["partitions"] = nlohmann::json::array();
    for (const auto& p : r.partitions) {
      nlohmann::json pj = {{"number", p.number},
                           {"name", p.name},
                           {"first_lba", p.first_lba},
                           {"last_lba", p.last_lba},
                           {"offset", p.first_lba * layout.sector_size},
                           {"size", p.sectors() * layout.sector_size},
                           {"type", p.type.ToString()},
                           {"guid", p.unique.ToString()},
                           {"attributes", p.attributes}};
      if (const auto* s = SlotFor(r, p.name)) pj["blob"] = SlotJson(*s);
      j["partitions"].push_back(pj);
    }
  } else {
    j["blobs"] = nlohmann::json::array();
    for (const auto& s : r.slots) {
      auto bj = SlotJson(s);
      bj["offset"] = s.region.offset;
      bj["capacity"] = s.region.capacity;
      j["blobs"].push_back(bj);
    }
  }
  return j;
}

void PrintHuman(const image::Layout& layout, const image::ImageReport& r) {
  std::printf("wrote %s: %s %s image from layout %s (%s of data, the rest sparse)\n", r.output.c_str(),
              Human(r.size).c_str(), r.kind == image::Layout::Kind::kGpt ? "GPT" : "raw",
              layout.name.c_str(), Human(r.bytes_written).c_str());
  if (r.kind == image::Layout::Kind::kGpt) {
    std::printf("  disk GUID %s\n", r.disk_guid.c_str());
    for (const auto& p : r.partitions) {
      const auto* s = SlotFor(r, p.name);
      std::printf("  %2u %-12s sectors %llu-%llu  attrs 0x%llx  %s\n", p.number, p.name.c_str(),
                  static_cast<unsigned long long>(p.first_lba), static_cast<unsigned long long>(p.last_lba),
                  static_cast<unsigned long long>(p.attributes),
                  s ? fmt::format("{} ({} bytes, sha256 {})", s->path, s->size, s->sha256.substr(0, 16)).c_str()
                    : "empty");
    }
  } else {
    for (const auto& s : r.slots) {
      std::printf("  %-12s offset 0x%llx  %s (%llu bytes, sha256 %s)\n", s.region.content.c_str(),
                  static_cast<unsigned long long>(s.region.offset), s.path.c_str(),
                  static_cast<unsigned long long>(s.size), s.sha256.substr(0, 16).c_str());
    }
  }
}

}  // namespace

void AddImageCommand(CLI::App& app, int* exit_code) {
  struct Options {
    std::string layout;
    std::vector<std::string> parts;
    std::string output;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "image",
      "Assemble a sparse SD or flash image from a layout (lab/layouts/*.yaml).\n"
      "Writes only the partition table and the given files; the rest is left as holes.\n"
      "Example: hilt image --layout lab/layouts/bpi-r4-sd.yaml --part bl2=bl2.img --part fip=fip.bin -o sd.img");
  cmd->add_option("--layout", opts->layout, "layout YAML (kind gpt or raw)")->required();
  cmd->add_option("--part", opts->parts, "SLOT=FILE: put FILE in the layout's content slot SLOT (repeatable)");
  cmd->add_option("-o,--output", opts->output, "image to write (replaced atomically)")->required();
  cmd->add_flag("--json", opts->json, "print what was written as JSON (partitions, offsets, sizes, sha256)");
  cmd->callback([opts, exit_code] {
    auto fail = [&](const Status& s) { *exit_code = ReportFailure("image", s); };
    auto layout = image::LoadLayoutFile(opts->layout);
    if (!layout.ok()) return fail(layout.status());
    std::vector<image::SlotFile> files;
    for (const auto& arg : opts->parts) {
      auto f = image::ParseSlotFile(arg);
      if (!f.ok()) return fail(f.status());
      files.push_back(*f);
    }
    InterruptGuard guard;
    g_interrupted.store(false);
    auto report = image::BuildImage(*layout, files, opts->output, &g_interrupted);
    if (!report.ok()) return fail(report.status());
    if (opts->json) {
      std::printf("%s\n", ToJson(*layout, *report).dump(2).c_str());
    } else {
      PrintHuman(*layout, *report);
    }
    *exit_code = kExitPass;
  });
}

}  // namespace hilt::cli
