// The pieces of a suite file: names, patterns, sends, checks, stages and
// prompt tests, each checked with its exact position. Used by
// suite_loader.cc, which handles the top level and the order of stages.
#ifndef HILT_CORE_SUITE_PARSER_H_
#define HILT_CORE_SUITE_PARSER_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/status.h"
#include "harness/core/suite.h"
#include "harness/core/yaml_doc.h"

namespace hilt {

class SuiteParser {
 public:
  // `source` is the text `doc` was parsed from, to point inside scalars.
  SuiteParser(const YamlDoc& doc, std::string_view source);

  // Facts captured by the stages parsed so far: fact name -> stage name.
  using CapturedFacts = std::map<std::string, std::string>;

  // A stage; its named groups are added to *captured, and its checks may
  // use them and any fact already in *captured (or build.*). When
  // `check_facts` is false (an earlier stage was broken) unknown facts are
  // not reported, since they may be captured by the broken stage.
  StatusOr<Stage> ParseStage(const YAML::Node& node, CapturedFacts* captured,
                             bool check_facts) const;
  StatusOr<PromptTest> ParseTest(const YAML::Node& node) const;

  // [A-Za-z0-9_.-]{1,64}; `what` is "suite", "stage" or "test".
  StatusOr<std::string> ParseName(const YAML::Node& node, std::string_view what) const;
  // One RE2 pattern; its named groups go to *groups if given.
  StatusOr<Pattern> ParsePattern(const YAML::Node& node, std::string_view what,
                                 std::vector<std::string>* groups = nullptr) const;
  // A list of patterns (`fail`, `repeat-fails`).
  StatusOr<std::vector<Pattern>> ParsePatternList(const YAML::Node& node,
                                                  std::string_view what) const;
  // Text to type on the console; escapes such as "\x03" are YAML's.
  StatusOr<std::string> ParseSend(const YAML::Node& node, std::string_view what) const;
  // A duration greater than zero.
  StatusOr<Nanos> ParsePositiveDuration(const YAML::Node& node, std::string_view what) const;

  // Where byte `offset` of the scalar at `node` was written. Exact for plain,
  // single-quoted and simple double-quoted scalars on one line; otherwise the
  // scalar's start.
  SourceLocation PositionInScalar(const YAML::Node& node, size_t offset) const;

  // Fails at the key for a key with no value ("expect:" and nothing after
  // it): yaml-cpp places such a null at the next token, which misleads.
  Status CheckValues(const YAML::Node& map, std::string_view what) const;

  const YamlDoc& doc() const { return doc_; }

 private:
  Status ErrorAt(const SourceLocation& where, std::string_view message) const;
  // The source character at the start of `node` ('\'', '"', or other).
  char QuoteOf(const YAML::Node& node) const;
  StatusOr<std::vector<FactCheck>> ParseChecks(const YAML::Node& node, const std::string& stage,
                                               const CapturedFacts& captured,
                                               bool check_facts) const;
  StatusOr<Interrupt> ParseInterrupt(const YAML::Node& node) const;

  const YamlDoc& doc_;
  std::vector<std::string_view> lines_;
};

}  // namespace hilt

#endif  // HILT_CORE_SUITE_PARSER_H_
