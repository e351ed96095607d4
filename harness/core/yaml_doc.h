// YamlDoc: a parsed YAML file plus the means to report any mistake in it as
// "file:line:column: message". Shared by every loader (suites, lab configs,
// layouts) so that all of hilt's input errors read the same way.
#ifndef HILT_CORE_YAML_DOC_H_
#define HILT_CORE_YAML_DOC_H_

#include <initializer_list>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "harness/core/source_location.h"
#include "harness/core/status.h"
#include "harness/core/timestamp.h"

namespace hilt {

class YamlDoc {
 public:
  // Reads and parses `path`. NotFound if it cannot be read; InvalidInput
  // with the position for YAML syntax errors.
  static StatusOr<YamlDoc> LoadFile(const std::string& path);
  // Parses `text`; `name` stands for the file in messages.
  static StatusOr<YamlDoc> LoadString(const std::string& text, const std::string& name);

  const YAML::Node& root() const { return root_; }
  const std::string& file() const { return file_; }

  SourceLocation Where(const YAML::Node& node) const;
  // InvalidInput("file:line:column: message").
  Status Error(const YAML::Node& node, std::string_view message) const;

  // Fails unless `node` is a map whose keys are all in `allowed`, each once.
  // `what` names the node in messages ("stage", "suite").
  Status CheckMap(const YAML::Node& node, std::string_view what,
                  std::initializer_list<std::string_view> allowed) const;
  // The scalar at `node` as a string; fails for maps, sequences and null.
  StatusOr<std::string> String(const YAML::Node& node, std::string_view what) const;
  // The scalar at `node` as a duration: "500ms", "5s", "2m", "1h", "1.5s".
  StatusOr<Nanos> Duration(const YAML::Node& node, std::string_view what) const;
  // The scalar at `node` as a non-negative integer.
  StatusOr<uint64_t> Unsigned(const YAML::Node& node, std::string_view what) const;
  StatusOr<bool> Bool(const YAML::Node& node, std::string_view what) const;

 private:
  YamlDoc(YAML::Node root, std::string file) : root_(std::move(root)), file_(std::move(file)) {}
  YAML::Node root_;
  std::string file_;
};

// Parses "500ms", "5s", "2m", "1h", "250us", "1.5s". A bare number is an
// error: a unit is required so that "5" can never mean 5 ms by accident.
StatusOr<Nanos> ParseDuration(std::string_view text);

// Parses a size: "4096B", "64KiB", "256MiB", "1GiB" (also "1.5MiB"). A unit is
// required, as for durations; decimal units (KB, MB) are refused so that a
// cap is never off by the 5 % between them and the binary ones.
StatusOr<uint64_t> ParseByteSize(std::string_view text);

}  // namespace hilt

#endif  // HILT_CORE_YAML_DOC_H_
