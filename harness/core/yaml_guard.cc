#include "harness/core/yaml_guard.h"

#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

namespace hilt {
namespace {

// Records the first forbidden event; later events are ignored.
class Guard final : public YAML::EventHandler {
 public:
  Guard(const std::string& file, std::string_view what) : file_(file), what_(what) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1) {
      Fail(mark, what_ + " is one YAML document; this second one (after '---') would be ignored");
    }
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { Node(mark, "", anchor); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    Fail(mark, "YAML aliases (*name) are not allowed in " + what_ +
                   ": repeat the text instead (aliases let a small file expand without bound)");
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string&) override {
    Node(mark, tag, anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Node(mark, tag, anchor);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Node(mark, tag, anchor);
  }
  void OnMapEnd() override {}

  const Status& status() const { return status_; }

 private:
  void Node(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) {
      Fail(mark, "YAML anchors (&name) are not allowed in " + what_ + ": repeat the text instead");
    }
    // "?" is an untagged plain node, "!" a quoted one or a bare '!'.
    if (!tag.empty() && tag != "?" && tag != "!") {
      Fail(mark, "YAML tag '" + tag + "' is not allowed in " + what_ + ": " + what_ +
                     " cannot include files, read the environment or build objects; write the "
                     "value itself");
    }
  }
  void Fail(const YAML::Mark& mark, const std::string& message) {
    if (!status_.ok()) return;
    status_ = Status::InvalidInput(file_ + ":" + std::to_string(mark.line + 1) + ":" +
                                   std::to_string(mark.column + 1) + ": " + message);
  }

  const std::string& file_;
  std::string what_;
  int documents_ = 0;
  Status status_;
};

}  // namespace

Status CheckPlainYaml(std::string_view text, const std::string& file, std::string_view what) {
  std::istringstream in{std::string(text)};
  Guard guard(file, what);
  try {
    YAML::Parser parser(in);
    while (guard.status().ok() && parser.HandleNextDocument(guard)) {
    }
  } catch (const YAML::Exception&) {
    // A syntax error: the loader reports it with its own message. What was
    // seen before it still counts.
  }
  return guard.status();
}

}  // namespace hilt
