// Fuzzes the image layout loader (lab/layouts/*.yaml) with arbitrary YAML.
// Properties:
//   - never a crash or a hang; a rejected layout is InvalidInput;
//   - a GPT layout the loader accepts can be built (BuildGpt) without error,
//     and reading that table back (ReadGpt over a sparse disk, so a 4 TB
//     layout costs nothing) gives a valid GPT with exactly the layout's
//     partitions;
//   - the content slots lie inside the image.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "harness/image/byte_source.h"
#include "harness/image/gpt.h"
#include "harness/image/gpt_writer.h"
#include "harness/image/layout.h"

namespace {

namespace img = hilt::image;

[[noreturn]] void Fail(const std::string& what, const std::string& yaml) {
  std::fprintf(stderr, "layout_fuzz: %s\nlayout:\n%s\n", what.c_str(), yaml.c_str());
  std::abort();
}

// A disk of `size` bytes that holds `chunks` and zeros elsewhere.
img::ByteSource SparseDisk(const std::vector<img::DiskChunk>& chunks, uint64_t size) {
  img::ByteSource source;
  source.size = size;
  source.name = "layout";
  source.read = [&chunks](uint64_t offset, std::span<uint8_t> out) {
    std::fill(out.begin(), out.end(), 0);
    for (const auto& c : chunks) {
      const uint64_t lo = std::max(offset, c.offset);
      const uint64_t hi = std::min<uint64_t>(offset + out.size(), c.offset + c.bytes.size());
      if (lo < hi) std::memcpy(out.data() + (lo - offset), c.bytes.data() + (lo - c.offset), hi - lo);
    }
    return hilt::Status::Ok();
  };
  return source;
}

void CheckGpt(const img::Layout& layout, const std::string& yaml) {
  const img::GptSpec spec = layout.ToGptSpec();
  auto chunks = img::BuildGpt(spec);
  if (!chunks.ok()) Fail("loaded, but BuildGpt rejects it: " + chunks.status().message(), yaml);
  const uint64_t size = spec.total_sectors * spec.sector_size;
  auto read = img::ReadGpt(SparseDisk(*chunks, size), spec.sector_size);
  if (!read.ok()) Fail("the table written cannot be read: " + read.status().message(), yaml);
  if (!read->Overall().ok()) Fail("the table written is not valid: " + read->Overall().message(), yaml);
  if (read->partitions.size() != spec.partitions.size()) Fail("partition count differs", yaml);
  for (const auto& want : spec.partitions) {
    const auto it = std::find_if(read->partitions.begin(), read->partitions.end(),
                                 [&](const img::GptPartition& p) { return p.number == want.number; });
    if (it == read->partitions.end() || it->first_lba != want.first_lba ||
        it->last_lba != want.last_lba || it->type != want.type || it->unique != want.unique ||
        it->attributes != want.attributes || it->name != want.name) {
      Fail("partition " + want.name + " reads back differently", yaml);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  auto layout = img::LoadLayoutString(yaml, "fuzz.yaml");
  // HILT_FUZZ_VERBOSE=1 prints what each input gave (to check a seed).
  static const bool verbose = std::getenv("HILT_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "%s\n", layout.ok() ? "ok" : layout.status().message().c_str());
  if (!layout.ok()) {
    if (layout.status().code() != hilt::Status::Code::kInvalidInput) {
      Fail("rejected with a code other than InvalidInput: " + layout.status().message(), yaml);
    }
    return 0;
  }
  if (layout->kind == img::Layout::Kind::kGpt) CheckGpt(*layout, yaml);
  for (const auto& slot : layout->Slots()) {
    if (slot.offset > layout->size || slot.capacity > layout->size - slot.offset) {
      Fail("slot " + slot.content + " lies outside the image", yaml);
    }
  }
  return 0;
}
