// LabParser: typed, ${VAR}-expanded reads of lab config nodes, with errors at
// the node's file:line:column. Shared by the top-level loader and the board
// and device parsers.
#ifndef HILT_RUNNER_LAB_PARSER_H_
#define HILT_RUNNER_LAB_PARSER_H_

#include <map>
#include <string>
#include <string_view>

#include "harness/core/yaml_doc.h"
#include "harness/runner/env_expand.h"
#include "harness/runner/lab_config.h"

// Assigns the value of a StatusOr expression or returns its error.
#define HILT_ASSIGN(lhs, expr)                  \
  do {                                          \
    auto hilt_v_ = (expr);                      \
    if (!hilt_v_.ok()) return hilt_v_.status(); \
    lhs = std::move(*hilt_v_);                  \
  } while (0)

namespace hilt {

class LabParser {
 public:
  explicit LabParser(const YamlDoc& doc) : doc_(doc), lookup_(MakeVarLookup(&builtins_)) {}

  const YamlDoc& doc() const { return doc_; }
  void SetBuiltin(const std::string& name, const std::string& value) { builtins_[name] = value; }

  // A required string scalar, expanded.
  StatusOr<std::string> Str(const YAML::Node& node, std::string_view what) const;
  // A required command for `sh -c`: variables travel as quoted data
  // (ExpandForShell), so no value from the environment runs as code.
  StatusOr<std::string> Command(const YAML::Node& node, std::string_view what) const;
  // `map[key]` expanded, or `fallback` when the key is absent.
  StatusOr<std::string> OptStr(const YAML::Node& map, const char* key, std::string_view what,
                               std::string fallback = "") const;
  // A required path: expanded, relative paths taken from the config's folder.
  StatusOr<std::string> Path(const YAML::Node& node, std::string_view what) const;
  // `map[key]` as a duration, or `fallback` when absent.
  StatusOr<Nanos> OptDuration(const YAML::Node& map, const char* key, std::string_view what,
                              Nanos fallback) const;
  StatusOr<bool> OptBool(const YAML::Node& map, const char* key, std::string_view what,
                         bool fallback) const;
  // Fails unless `map[key]` is present.
  Status Require(const YAML::Node& map, const char* key, std::string_view what) const;

 private:
  const YamlDoc& doc_;
  std::map<std::string, std::string> builtins_;
  VarLookup lookup_;
};

// board_parse.cc: one entry of `boards:`.
StatusOr<BoardConfig> ParseBoard(const LabParser& p, const std::string& name,
                                 const YAML::Node& node);

}  // namespace hilt

#endif  // HILT_RUNNER_LAB_PARSER_H_
