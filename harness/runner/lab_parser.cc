#include "harness/runner/lab_parser.h"

#include <filesystem>

namespace hilt {

StatusOr<std::string> LabParser::Str(const YAML::Node& node, std::string_view what) const {
  auto raw = doc_.String(node, what);
  if (!raw.ok()) return raw.status();
  auto expanded = ExpandVars(*raw, lookup_);
  if (!expanded.ok()) return doc_.Error(node, std::string(what) + ": " + expanded.status().message());
  return *expanded;
}

StatusOr<std::string> LabParser::Command(const YAML::Node& node, std::string_view what) const {
  auto raw = doc_.String(node, what);
  if (!raw.ok()) return raw.status();
  auto command = ExpandForShell(*raw, lookup_);
  if (!command.ok()) return doc_.Error(node, std::string(what) + ": " + command.status().message());
  return *command;
}

StatusOr<std::string> LabParser::OptStr(const YAML::Node& map, const char* key,
                                        std::string_view what, std::string fallback) const {
  YAML::Node n = map[key];
  if (!n.IsDefined()) return fallback;
  return Str(n, what);
}

StatusOr<std::string> LabParser::Path(const YAML::Node& node, std::string_view what) const {
  auto s = Str(node, what);
  if (!s.ok()) return s.status();
  if (s->empty()) return doc_.Error(node, std::string(what) + " is empty after expansion");
  std::filesystem::path path(*s);
  if (path.is_relative() && builtins_.count("LAB_DIR")) {
    path = std::filesystem::path(builtins_.at("LAB_DIR")) / path;
  }
  return path.lexically_normal().string();
}

StatusOr<Nanos> LabParser::OptDuration(const YAML::Node& map, const char* key,
                                       std::string_view what, Nanos fallback) const {
  YAML::Node n = map[key];
  if (!n.IsDefined()) return fallback;
  auto s = Str(n, what);
  if (!s.ok()) return s.status();
  auto d = ParseDuration(*s);
  if (!d.ok()) return doc_.Error(n, std::string(what) + ": " + d.status().message());
  return *d;
}

StatusOr<bool> LabParser::OptBool(const YAML::Node& map, const char* key, std::string_view what,
                                  bool fallback) const {
  YAML::Node n = map[key];
  if (!n.IsDefined()) return fallback;
  return doc_.Bool(n, what);
}

Status LabParser::Require(const YAML::Node& map, const char* key, std::string_view what) const {
  if (!map[key].IsDefined()) {
    return doc_.Error(map, std::string(what) + " needs '" + key + "'");
  }
  return Status::Ok();
}

}  // namespace hilt
