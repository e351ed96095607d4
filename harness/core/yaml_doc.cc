#include "harness/core/yaml_doc.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

namespace hilt {

StatusOr<YamlDoc> YamlDoc::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot read file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Status::NotFound(path + ": read error");
  return LoadString(buffer.str(), path);
}

StatusOr<YamlDoc> YamlDoc::LoadString(const std::string& text, const std::string& name) {
  try {
    YAML::Node root = YAML::Load(text);
    return YamlDoc(std::move(root), name);
  } catch (const YAML::Exception& e) {
    std::string where = name;
    if (!e.mark.is_null()) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    return Status::InvalidInput(where + ": YAML syntax error: " + e.msg);
  }
}

SourceLocation YamlDoc::Where(const YAML::Node& node) const {
  SourceLocation loc{file_, 0, 0};
  YAML::Mark mark = node.Mark();
  if (!mark.is_null()) {
    loc.line = mark.line + 1;
    loc.column = mark.column + 1;
  }
  return loc;
}

Status YamlDoc::Error(const YAML::Node& node, std::string_view message) const {
  return Status::InvalidInput(Where(node).ToString() + ": " + std::string(message));
}

Status YamlDoc::CheckMap(const YAML::Node& node, std::string_view what,
                         std::initializer_list<std::string_view> allowed) const {
  if (!node.IsMap()) return Error(node, std::string(what) + " must be a map");
  std::set<std::string> seen;
  for (const auto& kv : node) {
    const YAML::Node& key = kv.first;
    if (!key.IsScalar()) return Error(key, std::string(what) + " keys must be plain names");
    const std::string& k = key.Scalar();
    bool known = false;
    for (std::string_view a : allowed) known = known || a == k;
    if (!known) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return Error(key, "unknown key '" + k + "' in " + std::string(what) + " (allowed: " + list + ")");
    }
    if (!seen.insert(k).second) return Error(key, "duplicate key '" + k + "' in " + std::string(what));
  }
  return Status::Ok();
}

StatusOr<std::string> YamlDoc::String(const YAML::Node& node, std::string_view what) const {
  if (!node.IsDefined() || node.IsNull()) return Error(node, std::string(what) + " must not be empty");
  if (!node.IsScalar()) return Error(node, std::string(what) + " must be a string, not a " +
                                               (node.IsMap() ? "map" : "list"));
  return node.Scalar();
}

StatusOr<Nanos> YamlDoc::Duration(const YAML::Node& node, std::string_view what) const {
  auto text = String(node, what);
  if (!text.ok()) return text.status();
  auto d = ParseDuration(*text);
  if (!d.ok()) return Error(node, std::string(what) + ": " + d.status().message());
  return *d;
}

StatusOr<uint64_t> YamlDoc::Unsigned(const YAML::Node& node, std::string_view what) const {
  auto text = String(node, what);
  if (!text.ok()) return text.status();
  uint64_t v = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, v, 0 == text->rfind("0x", 0) ? 16 : 10);
  if (text->rfind("0x", 0) == 0) {
    auto r = std::from_chars(text->data() + 2, end, v, 16);
    ptr = r.ptr;
    ec = r.ec;
    if (text->size() == 2) ec = std::errc::invalid_argument;
  }
  if (ec != std::errc() || ptr != end || text->empty()) {
    return Error(node, std::string(what) + " must be a non-negative integer, not '" + *text + "'");
  }
  return v;
}

StatusOr<bool> YamlDoc::Bool(const YAML::Node& node, std::string_view what) const {
  auto text = String(node, what);
  if (!text.ok()) return text.status();
  if (*text == "true" || *text == "yes" || *text == "on") return true;
  if (*text == "false" || *text == "no" || *text == "off") return false;
  return Error(node, std::string(what) + " must be true or false, not '" + *text + "'");
}

namespace {

// "1.5s" as {1.5, "s"}: a decimal number, then a unit name (spaces between
// are allowed). `example` goes into the message for text that is no number.
StatusOr<std::pair<double, std::string>> SplitNumberAndUnit(std::string_view text, std::string_view kind,
                                                            std::string_view example) {
  std::string s(text);
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  std::string number = s.substr(0, i);
  std::string unit = s.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  if (number.empty() || number == "." || std::count(number.begin(), number.end(), '.') > 1) {
    return Status::InvalidInput("'" + s + "' is not a " + std::string(kind) + " (write e.g. " +
                                std::string(example) + ")");
  }
  return std::make_pair(std::strtod(number.c_str(), nullptr), unit);
}

}  // namespace

StatusOr<Nanos> ParseDuration(std::string_view text) {
  auto parts = SplitNumberAndUnit(text, "duration", "500ms, 5s, 2m");
  if (!parts.ok()) return parts.status();
  const auto& [value, unit] = *parts;
  std::string s(text);
  double scale = 0;
  if (unit == "us") scale = 1e3;
  else if (unit == "ms") scale = 1e6;
  else if (unit == "s") scale = 1e9;
  else if (unit == "m" || unit == "min") scale = 60e9;
  else if (unit == "h") scale = 3600e9;
  else return Status::InvalidInput("'" + s + "' has no valid unit (us, ms, s, m, h)");
  double ns = value * scale;
  // A week is far beyond any boot; anything larger is a typo.
  if (!std::isfinite(ns) || ns > 7 * 24 * 3600e9) {
    return Status::InvalidInput("'" + s + "' is too long a duration");
  }
  return Nanos(static_cast<int64_t>(std::llround(ns)));
}

StatusOr<uint64_t> ParseByteSize(std::string_view text) {
  auto parts = SplitNumberAndUnit(text, "size", "64KiB, 256MiB, 1GiB");
  if (!parts.ok()) return parts.status();
  const auto& [value, unit] = *parts;
  std::string s(text);
  double scale = 0;
  if (unit == "B") scale = 1;
  else if (unit == "KiB") scale = 1024.0;
  else if (unit == "MiB") scale = 1024.0 * 1024;
  else if (unit == "GiB") scale = 1024.0 * 1024 * 1024;
  else return Status::InvalidInput("'" + s + "' has no valid unit (B, KiB, MiB, GiB)");
  double bytes = value * scale;
  // A terabyte of console log is a typo, not a plan.
  if (!std::isfinite(bytes) || bytes > 1024.0 * 1024 * 1024 * 1024) {
    return Status::InvalidInput("'" + s + "' is too large a size");
  }
  return static_cast<uint64_t>(std::llround(bytes));
}

}  // namespace hilt
