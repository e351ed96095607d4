// Layout: where each blob of a boot image goes, loaded from YAML
// (lab/layouts/*.yaml; the schema is in docs/image.md).
//
//   kind: gpt   a disk with a GPT: partitions by sector, some filled from a
//               named content slot (bl2.img into "bl2", fip.bin into "fip")
//   kind: raw   a flash image of a fixed size with blobs at byte offsets
//               (QEMU virt's 64 MiB flash0: bl1 at 0, fip at 256 KiB)
//
// Every mistake is reported as file:line:column, including a table that does
// not fit its disk.
#ifndef HILT_IMAGE_LAYOUT_H_
#define HILT_IMAGE_LAYOUT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/source_location.h"
#include "harness/core/status.h"
#include "harness/image/gpt_writer.h"
#include "harness/image/guid.h"

namespace hilt::image {

struct LayoutPartition {
  std::string name;
  uint32_t number = 0;  // GPT slot, 1-based
  uint64_t first = 0;   // sectors, inclusive
  uint64_t last = 0;
  Guid type;
  uint64_t attributes = 0;
  std::optional<Guid> unique;  // derived from the names when absent
  std::string content;         // slot filled by `--part SLOT=FILE`; empty = left zero
  SourceLocation where;
};

struct LayoutBlob {
  std::string content;    // slot name
  uint64_t offset = 0;    // bytes
  uint64_t max_size = 0;  // bytes; 0 = up to the next blob or the end
  SourceLocation where;
};

// A region of the image a slot's file is written to.
struct SlotRegion {
  std::string content;
  std::string name;       // partition name (GPT) or slot name (raw)
  uint64_t offset = 0;    // bytes
  uint64_t capacity = 0;  // bytes the file may occupy
  SourceLocation where;
};

struct Layout {
  enum class Kind { kGpt, kRaw };

  std::string name;  // also seeds the derived GUIDs
  Kind kind = Kind::kGpt;
  uint32_t sector_size = 512;
  uint64_t size = 0;  // bytes
  std::optional<Guid> disk_guid;
  std::vector<LayoutPartition> partitions;  // kGpt
  std::vector<LayoutBlob> blobs;            // kRaw
  std::string file;

  // The GPT to write; GUIDs not given are name-based (see guid.h), so the
  // same layout always gives the same bytes.
  GptSpec ToGptSpec() const;
  // Every content slot with where it goes, in image order.
  std::vector<SlotRegion> Slots() const;
};

StatusOr<Layout> LoadLayoutFile(const std::string& path);
StatusOr<Layout> LoadLayoutString(const std::string& text, const std::string& name);

// "4000MiB", "256KiB", "1GiB", "512B", "65536", "0x40000" → bytes.
StatusOr<uint64_t> ParseByteSize(std::string_view text);

}  // namespace hilt::image

#endif  // HILT_IMAGE_LAYOUT_H_
