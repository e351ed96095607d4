#include "harness/core/suite_loader.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "harness/core/suite_parser.h"
#include "harness/core/yaml_doc.h"
#include "harness/core/yaml_guard.h"

namespace hilt {
namespace {

// Reports several mistakes at once so that one lint shows them all, but
// stops before a broken file floods the terminal.
class Errors {
 public:
  static constexpr size_t kMax = 20;
  // Records `status` if it is an error; returns whether it was ok.
  bool Add(const Status& status) {
    if (status.ok()) return true;
    if (messages_.size() < kMax) messages_.push_back(status.message());
    else truncated_ = true;
    return false;
  }
  bool empty() const { return messages_.empty(); }
  Status ToStatus() const {
    std::string all;
    for (const std::string& m : messages_) all += (all.empty() ? "" : "\n") + m;
    if (truncated_) all += "\n(more errors not shown)";
    return Status::InvalidInput(all);
  }

 private:
  std::vector<std::string> messages_;
  bool truncated_ = false;
};

void ParseStages(const SuiteParser& parser, const YAML::Node& node, Suite* suite, Errors* errors) {
  const YamlDoc& doc = parser.doc();
  if (!node.IsSequence() || node.size() == 0) {
    errors->Add(doc.Error(node, "stages must be a non-empty list of stages; the last one is the "
                                "prompt, e.g. stages: [{name: prompt, expect: '=> '}]"));
    return;
  }
  SuiteParser::CapturedFacts captured;
  std::set<std::string> names;
  bool facts_reliable = true;
  for (const YAML::Node& item : node) {
    auto stage = parser.ParseStage(item, &captured, facts_reliable);
    if (!errors->Add(stage.status())) {
      facts_reliable = false;  // later checks may use what this stage meant to capture
      continue;
    }
    if (!names.insert(stage->name).second) {
      errors->Add(doc.Error(item["name"], "duplicate stage name '" + stage->name + "'"));
      continue;
    }
    suite->stages.push_back(std::move(*stage));
  }
}

void ParseTests(const SuiteParser& parser, const YAML::Node& node, Suite* suite, Errors* errors) {
  const YamlDoc& doc = parser.doc();
  if (!node.IsSequence()) {
    errors->Add(doc.Error(node, "tests must be a list of tests, e.g. "
                                "tests: [{name: version, send: version, expect: 'U-Boot'}]"));
    return;
  }
  std::set<std::string> names;
  for (const YAML::Node& item : node) {
    auto test = parser.ParseTest(item);
    if (!errors->Add(test.status())) continue;
    if (!names.insert(test->name).second) {
      errors->Add(doc.Error(item["name"], "duplicate test name '" + test->name + "'"));
      continue;
    }
    suite->tests.push_back(std::move(*test));
  }
}

StatusOr<Suite> ParseSuite(const YamlDoc& doc, const std::string& source) {
  const YAML::Node& root = doc.root();
  if (!root.IsMap()) {
    return Status::InvalidInput(doc.Where(root).ToString() +
                                ": a suite must be a map with 'suite:' and 'stages:' at the top");
  }
  SuiteParser parser(doc, source);
  Errors errors;
  Suite suite;
  suite.file = doc.file();
  errors.Add(
      doc.CheckMap(root, "suite", {"suite", "timeout", "fail", "repeat-fails", "stages", "tests"}));
  if (!errors.Add(parser.CheckValues(root, "suite"))) return errors.ToStatus();

  if (!root["suite"]) {
    errors.Add(doc.Error(root, "missing 'suite' (the suite's name)"));
  } else {
    auto name = parser.ParseName(root["suite"], "suite");
    if (errors.Add(name.status())) suite.name = std::move(*name);
  }
  if (root["timeout"]) {
    auto timeout = parser.ParsePositiveDuration(root["timeout"], "timeout");
    if (errors.Add(timeout.status())) suite.timeout = *timeout;
  }
  if (root["fail"]) {
    auto fail = parser.ParsePatternList(root["fail"], "fail");
    if (errors.Add(fail.status())) suite.fail = std::move(*fail);
  }
  if (root["repeat-fails"]) {
    auto repeat = parser.ParsePatternList(root["repeat-fails"], "repeat-fails");
    if (errors.Add(repeat.status())) suite.repeat_fails = std::move(*repeat);
  }
  if (!root["stages"]) {
    errors.Add(doc.Error(root, "missing 'stages' (the ordered boot stages; the last is the prompt)"));
  } else {
    ParseStages(parser, root["stages"], &suite, &errors);
  }
  if (root["tests"]) ParseTests(parser, root["tests"], &suite, &errors);

  if (!errors.empty()) return errors.ToStatus();
  return suite;
}

}  // namespace

StatusOr<Suite> LoadSuiteString(const std::string& yaml, const std::string& name) {
  auto doc = YamlDoc::LoadString(yaml, name);
  if (!doc.ok()) return doc.status();
  // A suite is untrusted: no tags, anchors or second documents (yaml_guard.h).
  HILT_RETURN_IF_ERROR(CheckPlainYaml(yaml, name, "a suite"));
  return ParseSuite(*doc, yaml);
}

StatusOr<Suite> LoadSuiteFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::InvalidInput(path + ": is a directory, not a suite file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot read file (does it exist?)");
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Status::NotFound(path + ": read error");
  return LoadSuiteString(buffer.str(), path);
}

}  // namespace hilt
