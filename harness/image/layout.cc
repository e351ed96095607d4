#include "harness/image/layout.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "harness/core/yaml_doc.h"

namespace hilt::image {
namespace {

// Largest image we agree to describe: beyond any SD card in a lab.
constexpr uint64_t kMaxImageSize = uint64_t{1} << 42;  // 4 TiB

template <typename T>
Status Take(StatusOr<T> value, T* out) {
  if (!value.ok()) return value.status();
  *out = std::move(value).value();
  return Status::Ok();
}

StatusOr<uint64_t> Bytes(const YamlDoc& doc, const YAML::Node& node, std::string_view what) {
  auto text = doc.String(node, what);
  if (!text.ok()) return text.status();
  auto bytes = ParseByteSize(*text);
  if (!bytes.ok()) return doc.Error(node, std::string(what) + ": " + bytes.status().message());
  return bytes;
}

StatusOr<Guid> GuidAt(const YamlDoc& doc, const YAML::Node& node, std::string_view what) {
  auto text = doc.String(node, what);
  if (!text.ok()) return text.status();
  auto g = Guid::Parse(*text);
  if (!g.ok()) return doc.Error(node, std::string(what) + ": " + g.status().message());
  return g;
}

Status LoadPartition(const YamlDoc& doc, const YAML::Node& node, uint32_t index,
                     LayoutPartition* p) {
  HILT_RETURN_IF_ERROR(doc.CheckMap(node, "partition", {"name", "number", "first", "last", "type",
                                                        "attributes", "guid", "content"}));
  p->where = doc.Where(node);
  for (const char* key : {"name", "first", "last", "type"}) {
    if (!node[key]) return doc.Error(node, std::string("partition needs '") + key + "'");
  }
  HILT_RETURN_IF_ERROR(Take(doc.String(node["name"], "partition name"), &p->name));
  p->number = index + 1;
  if (node["number"]) {
    uint64_t n = 0;
    HILT_RETURN_IF_ERROR(Take(doc.Unsigned(node["number"], "partition number"), &n));
    if (n == 0 || n > kGptDefaultEntries) {
      return doc.Error(node["number"], "partition number must be 1..128");
    }
    p->number = static_cast<uint32_t>(n);
  }
  HILT_RETURN_IF_ERROR(Take(doc.Unsigned(node["first"], "first sector"), &p->first));
  HILT_RETURN_IF_ERROR(Take(doc.Unsigned(node["last"], "last sector"), &p->last));
  std::string type;
  HILT_RETURN_IF_ERROR(Take(doc.String(node["type"], "partition type"), &type));
  auto type_guid = PartitionTypeFromCode(type);
  if (!type_guid.ok()) return doc.Error(node["type"], type_guid.status().message());
  p->type = *type_guid;
  if (const YAML::Node& attrs = node["attributes"]) {
    if (!attrs.IsSequence()) return doc.Error(attrs, "attributes must be a list of bit numbers, e.g. [2] or [63]");
    for (const auto& bit_node : attrs) {
      uint64_t bit = 0;
      HILT_RETURN_IF_ERROR(Take(doc.Unsigned(bit_node, "attribute bit"), &bit));
      if (bit > 63) return doc.Error(bit_node, "attribute bit " + std::to_string(bit) + " is not 0..63");
      p->attributes |= uint64_t{1} << bit;
    }
  }
  if (node["guid"]) {
    Guid g;
    HILT_RETURN_IF_ERROR(Take(GuidAt(doc, node["guid"], "partition guid"), &g));
    p->unique = g;
  }
  if (node["content"]) HILT_RETURN_IF_ERROR(Take(doc.String(node["content"], "content"), &p->content));
  if (p->first > p->last) {
    return doc.Error(node["last"], "partition '" + p->name + "': last sector " + std::to_string(p->last) +
                                       " is before first sector " + std::to_string(p->first));
  }
  return Status::Ok();
}

Status LoadBlob(const YamlDoc& doc, const YAML::Node& node, LayoutBlob* b) {
  HILT_RETURN_IF_ERROR(doc.CheckMap(node, "blob", {"content", "offset", "max-size"}));
  b->where = doc.Where(node);
  if (!node["content"] || !node["offset"]) return doc.Error(node, "blob needs 'content' and 'offset'");
  HILT_RETURN_IF_ERROR(Take(doc.String(node["content"], "content"), &b->content));
  HILT_RETURN_IF_ERROR(Take(Bytes(doc, node["offset"], "offset"), &b->offset));
  if (node["max-size"]) HILT_RETURN_IF_ERROR(Take(Bytes(doc, node["max-size"], "max-size"), &b->max_size));
  return Status::Ok();
}

Status CheckGpt(const YamlDoc& doc, const YAML::Node& parts_node, const Layout& layout) {
  if (layout.size % layout.sector_size != 0) {
    return doc.Error(doc.root()["size"], "size " + std::to_string(layout.size) +
                                             " is not a multiple of the sector size " +
                                             std::to_string(layout.sector_size));
  }
  size_t bad = 0;
  Status s = CheckGptSpec(layout.ToGptSpec(), &bad);
  if (s.ok()) return s;
  const YAML::Node& where = bad < layout.partitions.size() ? parts_node[bad] : doc.root()["size"];
  return doc.Error(where, s.message());
}

Status CheckRaw(const YamlDoc& doc, const YAML::Node& blobs_node, Layout* layout) {
  std::vector<size_t> order(layout->blobs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return layout->blobs[a].offset < layout->blobs[b].offset; });
  for (size_t k = 0; k < order.size(); ++k) {
    LayoutBlob& b = layout->blobs[order[k]];
    uint64_t limit = k + 1 < order.size() ? layout->blobs[order[k + 1]].offset : layout->size;
    if (b.offset >= layout->size) {
      return doc.Error(blobs_node[order[k]], "blob '" + b.content + "' at offset " + std::to_string(b.offset) +
                                                 " is outside the " + std::to_string(layout->size) + "-byte image");
    }
    if (k + 1 < order.size() && limit == b.offset) {
      return doc.Error(blobs_node[order[k + 1]], "blobs '" + b.content + "' and '" +
                                                     layout->blobs[order[k + 1]].content + "' start at the same offset");
    }
    if (b.max_size == 0) b.max_size = limit - b.offset;
    if (b.max_size > limit - b.offset) {
      return doc.Error(blobs_node[order[k]], "blob '" + b.content + "': max-size " + std::to_string(b.max_size) +
                                                 " runs into the next blob or past the image end at " +
                                                 std::to_string(limit));
    }
  }
  return Status::Ok();
}

StatusOr<Layout> Load(const YamlDoc& doc) {
  const YAML::Node& root = doc.root();
  HILT_RETURN_IF_ERROR(doc.CheckMap(root, "layout",
                                    {"layout", "kind", "sector-size", "size", "disk-guid", "partitions", "blobs"}));
  Layout layout;
  layout.file = doc.file();
  for (const char* key : {"layout", "kind", "size"}) {
    if (!root[key]) return doc.Error(root, std::string("layout needs '") + key + "'");
  }
  HILT_RETURN_IF_ERROR(Take(doc.String(root["layout"], "layout name"), &layout.name));
  std::string kind;
  HILT_RETURN_IF_ERROR(Take(doc.String(root["kind"], "kind"), &kind));
  if (kind == "gpt") layout.kind = Layout::Kind::kGpt;
  else if (kind == "raw") layout.kind = Layout::Kind::kRaw;
  else return doc.Error(root["kind"], "kind must be 'gpt' or 'raw', not '" + kind + "'");
  HILT_RETURN_IF_ERROR(Take(Bytes(doc, root["size"], "size"), &layout.size));
  if (layout.size == 0 || layout.size > kMaxImageSize) {
    return doc.Error(root["size"], "size must be between 1 byte and 4 TiB");
  }
  std::set<std::string> names, slots;
  if (layout.kind == Layout::Kind::kGpt) {
    if (root["blobs"]) return doc.Error(root["blobs"], "a gpt layout has 'partitions', not 'blobs'");
    if (root["sector-size"]) {
      uint64_t ss = 0;
      HILT_RETURN_IF_ERROR(Take(doc.Unsigned(root["sector-size"], "sector-size"), &ss));
      if (ss != 512 && ss != 4096) return doc.Error(root["sector-size"], "sector-size must be 512 or 4096");
      layout.sector_size = static_cast<uint32_t>(ss);
    }
    if (root["disk-guid"]) {
      Guid g;
      HILT_RETURN_IF_ERROR(Take(GuidAt(doc, root["disk-guid"], "disk-guid"), &g));
      layout.disk_guid = g;
    }
    const YAML::Node& parts = root["partitions"];
    if (!parts || !parts.IsSequence() || parts.size() == 0) {
      return doc.Error(parts ? parts : root, "a gpt layout needs a non-empty list 'partitions'");
    }
    for (size_t i = 0; i < parts.size(); ++i) {
      LayoutPartition p;
      HILT_RETURN_IF_ERROR(LoadPartition(doc, parts[i], static_cast<uint32_t>(i), &p));
      if (!names.insert(p.name).second) return doc.Error(parts[i]["name"], "duplicate partition name '" + p.name + "'");
      if (!p.content.empty() && !slots.insert(p.content).second) {
        return doc.Error(parts[i]["content"], "content slot '" + p.content + "' is used twice");
      }
      layout.partitions.push_back(std::move(p));
    }
    HILT_RETURN_IF_ERROR(CheckGpt(doc, parts, layout));
  } else {
    for (const char* key : {"partitions", "sector-size", "disk-guid"}) {
      if (root[key]) return doc.Error(root[key], std::string("a raw layout has no '") + key + "'");
    }
    const YAML::Node& blobs = root["blobs"];
    if (!blobs || !blobs.IsSequence() || blobs.size() == 0) {
      return doc.Error(blobs ? blobs : root, "a raw layout needs a non-empty list 'blobs'");
    }
    for (size_t i = 0; i < blobs.size(); ++i) {
      LayoutBlob b;
      HILT_RETURN_IF_ERROR(LoadBlob(doc, blobs[i], &b));
      if (!slots.insert(b.content).second) return doc.Error(blobs[i]["content"], "content slot '" + b.content + "' is used twice");
      layout.blobs.push_back(std::move(b));
    }
    HILT_RETURN_IF_ERROR(CheckRaw(doc, blobs, &layout));
  }
  return layout;
}

}  // namespace

StatusOr<uint64_t> ParseByteSize(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidInput("'" + std::string(text) +
                                "' is not a size (use e.g. 4000MiB, 256KiB, 1GiB, 512B, 65536 or 0x40000)");
  };
  uint64_t value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    begin += 2;
    base = 16;
  }
  auto [ptr, ec] = std::from_chars(begin, end, value, base);
  if (ec != std::errc() || ptr == begin) return bad();
  std::string_view unit(ptr, static_cast<size_t>(end - ptr));
  uint64_t scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "KiB") scale = uint64_t{1} << 10;
  else if (unit == "MiB") scale = uint64_t{1} << 20;
  else if (unit == "GiB") scale = uint64_t{1} << 30;
  else if (unit == "TiB") scale = uint64_t{1} << 40;
  if (scale == 0 || (base == 16 && scale != 1)) return bad();
  if (value > UINT64_MAX / scale) return bad();
  return value * scale;
}

GptSpec Layout::ToGptSpec() const {
  GptSpec spec;
  spec.sector_size = sector_size;
  spec.total_sectors = size / sector_size;
  spec.disk_guid = disk_guid ? *disk_guid : Guid::NameBased(kHiltLayoutNamespace, name);
  for (const auto& p : partitions) {
    GptPartition gp;
    gp.number = p.number;
    gp.type = p.type;
    gp.unique = p.unique ? *p.unique : Guid::NameBased(kHiltLayoutNamespace, name + "/" + p.name);
    gp.first_lba = p.first;
    gp.last_lba = p.last;
    gp.attributes = p.attributes;
    gp.name = p.name;
    spec.partitions.push_back(std::move(gp));
  }
  return spec;
}

std::vector<SlotRegion> Layout::Slots() const {
  std::vector<SlotRegion> out;
  for (const auto& p : partitions) {
    if (p.content.empty()) continue;
    out.push_back({p.content, p.name, p.first * sector_size, (p.last - p.first + 1) * sector_size, p.where});
  }
  for (const auto& b : blobs) out.push_back({b.content, b.content, b.offset, b.max_size, b.where});
  std::sort(out.begin(), out.end(), [](const SlotRegion& a, const SlotRegion& b) { return a.offset < b.offset; });
  return out;
}

StatusOr<Layout> LoadLayoutFile(const std::string& path) {
  auto doc = YamlDoc::LoadFile(path);
  if (!doc.ok()) return doc.status();
  return Load(*doc);
}

StatusOr<Layout> LoadLayoutString(const std::string& text, const std::string& name) {
  auto doc = YamlDoc::LoadString(text, name);
  if (!doc.ok()) return doc.status();
  return Load(*doc);
}

}  // namespace hilt::image
