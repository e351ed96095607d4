#include "harness/core/suite_parser.h"

#include <cctype>

#include "harness/core/fact_check.h"
#include "harness/core/suite_regex.h"

namespace hilt {
namespace {

constexpr size_t kMaxNameLength = 64;

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

// The offset of a "${" that is not escaped and not in a character class:
// written by someone who expects hilt to expand a variable, which it never
// does in a suite. npos when there is none.
size_t FindVariableReference(std::string_view regex) {
  bool in_class = false;
  for (size_t i = 0; i + 1 < regex.size(); ++i) {
    char c = regex[i];
    if (c == '\\') {
      ++i;
    } else if (in_class) {
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < regex.size() && regex[i + 1] == ']') ++i;  // "[]...]": ']' is literal
    } else if (c == '$' && regex[i + 1] == '{') {
      return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace

SuiteParser::SuiteParser(const YamlDoc& doc, std::string_view source) : doc_(doc) {
  size_t start = 0;
  while (start <= source.size()) {
    size_t end = source.find('\n', start);
    if (end == std::string_view::npos) end = source.size();
    lines_.push_back(source.substr(start, end - start));
    start = end + 1;
  }
}

Status SuiteParser::ErrorAt(const SourceLocation& where, std::string_view message) const {
  return Status::InvalidInput(where.ToString() + ": " + std::string(message));
}

char SuiteParser::QuoteOf(const YAML::Node& node) const {
  SourceLocation at = doc_.Where(node);
  if (at.line <= 0 || static_cast<size_t>(at.line) > lines_.size()) return 0;
  std::string_view line = lines_[at.line - 1];
  size_t col = static_cast<size_t>(at.column - 1);
  return col < line.size() ? line[col] : 0;
}

SourceLocation SuiteParser::PositionInScalar(const YAML::Node& node, size_t offset) const {
  SourceLocation start = doc_.Where(node);
  if (start.line <= 0 || static_cast<size_t>(start.line) > lines_.size()) return start;
  std::string_view line = lines_[start.line - 1];
  size_t i = static_cast<size_t>(start.column - 1);
  if (i >= line.size()) return start;
  char quote = line[i];
  if (quote != '\'' && quote != '"') {
    if (i + offset >= line.size()) return start;  // continues on another line
    start.column += static_cast<int>(offset);
    return start;
  }
  ++i;
  for (size_t count = 0; count < offset; ++count) {
    if (i >= line.size()) return start;
    char c = line[i];
    if (c == quote && !(quote == '\'' && i + 1 < line.size() && line[i + 1] == '\'')) {
      return start;  // the scalar ended: the offset is not on this line
    }
    if (quote == '\'' && c == '\'') {
      i += 2;  // '' stands for one quote
    } else if (quote == '"' && c == '\\') {
      if (i + 1 >= line.size()) return start;
      char e = line[i + 1];
      if (e == 'u' || e == 'U') return start;  // one escape, several bytes
      i += e == 'x' ? 4 : 2;
    } else {
      ++i;
    }
  }
  start.column = static_cast<int>(i) + 1;
  return start;
}

Status SuiteParser::CheckValues(const YAML::Node& map, std::string_view what) const {
  for (const auto& kv : map) {
    if (kv.second.IsNull()) {
      return doc_.Error(kv.first, "'" + kv.first.Scalar() + "' in " + std::string(what) +
                                      " has no value");
    }
  }
  return Status::Ok();
}

StatusOr<std::string> SuiteParser::ParseName(const YAML::Node& node, std::string_view what) const {
  auto name = doc_.String(node, std::string(what) + " name");
  if (!name.ok()) return name.status();
  if (name->empty()) return doc_.Error(node, std::string(what) + " name must not be empty");
  if (name->size() > kMaxNameLength) {
    return doc_.Error(node, std::string(what) + " name is longer than " +
                                std::to_string(kMaxNameLength) + " characters");
  }
  for (size_t i = 0; i < name->size(); ++i) {
    if (!IsNameChar((*name)[i])) {
      return ErrorAt(PositionInScalar(node, i),
                     std::string(what) + " name " + Quote(*name) +
                         " may only use letters, digits, '_', '.' and '-'");
    }
  }
  return name;
}

StatusOr<Pattern> SuiteParser::ParsePattern(const YAML::Node& node, std::string_view what,
                                            std::vector<std::string>* groups) const {
  auto regex = doc_.String(node, what);
  if (!regex.ok()) return regex.status();
  if (regex->empty()) return doc_.Error(node, std::string(what) + " must not be empty");
  if (size_t at = FindVariableReference(*regex); at != std::string_view::npos) {
    return ErrorAt(PositionInScalar(node, at),
                   std::string(what) + " " + Quote(*regex) +
                       ": a suite gets no ${VAR} expansion (it cannot read the environment); "
                       "to match the text '${', write '\\$\\{'");
  }
  if (auto problem = CheckSuiteRegex(*regex, groups)) {
    return ErrorAt(PositionInScalar(node, problem->offset),
                   std::string(what) + " " + Quote(*regex) + ": " + problem->message);
  }
  return Pattern{*regex, doc_.Where(node)};
}

StatusOr<std::vector<Pattern>> SuiteParser::ParsePatternList(const YAML::Node& node,
                                                             std::string_view what) const {
  if (!node.IsSequence()) {
    return doc_.Error(node, std::string(what) + " must be a list of regexes, e.g. " +
                                std::string(what) + ": ['ERROR:']");
  }
  std::vector<Pattern> patterns;
  for (const YAML::Node& item : node) {
    auto pattern = ParsePattern(item, std::string("a pattern in ") + std::string(what));
    if (!pattern.ok()) return pattern.status();
    patterns.push_back(std::move(*pattern));
  }
  return patterns;
}

StatusOr<std::string> SuiteParser::ParseSend(const YAML::Node& node, std::string_view what) const {
  auto text = doc_.String(node, what);
  if (!text.ok()) return text.status();
  // YAML decodes "\x03" only in double quotes; elsewhere the board would get
  // a backslash and three characters, which is never what was meant.
  if (QuoteOf(node) != '"') {
    for (size_t i = 0; i + 1 < text->size(); ++i) {
      char c = (*text)[i + 1];
      if ((*text)[i] == '\\' && (c == 'x' || c == 'n' || c == 'r' || c == 't' || c == 'e' ||
                                 c == '0' || c == 'u')) {
        return ErrorAt(PositionInScalar(node, i),
                       std::string(what) + " contains the literal text '\\" + c +
                           "'; YAML decodes escapes only in double quotes: write \"\\" + c +
                           (c == 'x' ? "03" : "") + "\"");
      }
    }
  }
  return text;
}

StatusOr<Nanos> SuiteParser::ParsePositiveDuration(const YAML::Node& node,
                                                   std::string_view what) const {
  auto d = doc_.Duration(node, what);
  if (!d.ok()) return d.status();
  if (d->count() <= 0) return doc_.Error(node, std::string(what) + " must be longer than 0");
  return d;
}

StatusOr<std::vector<FactCheck>> SuiteParser::ParseChecks(const YAML::Node& node,
                                                          const std::string& stage,
                                                          const CapturedFacts& captured,
                                                          bool check_facts) const {
  std::vector<YAML::Node> items;
  if (node.IsScalar()) {
    items.push_back(node);
  } else if (node.IsSequence()) {
    for (const YAML::Node& item : node) items.push_back(item);
  } else {
    return doc_.Error(node, "check of stage '" + stage +
                                "' must be a string or a list of strings, e.g. 'dram_mb >= 4096'");
  }
  std::vector<FactCheck> checks;
  for (const YAML::Node& item : items) {
    auto text = doc_.String(item, "check");
    if (!text.ok()) return text.status();
    auto check = ParseFactCheck(*text);
    if (!check.ok()) return doc_.Error(item, check.status().message());
    check->where = doc_.Where(item);
    std::vector<std::string> names = {check->fact};
    if (check->operand_is_fact) names.push_back(check->operand);
    for (const std::string& name : names) {
      if (!check_facts || name.rfind("build.", 0) == 0 || captured.count(name)) continue;
      std::string known;
      for (const auto& [fact, by] : captured) known += (known.empty() ? "" : ", ") + fact;
      return ErrorAt(PositionInScalar(item, text->find(name)),
                     "check " + Quote(*text) + " uses fact '" + name + "', which no stage up to '" +
                         stage + "' captures (captured: " + (known.empty() ? "none" : known) +
                         "); capture it with a named group (?P<" + name + ">...)");
    }
    checks.push_back(std::move(*check));
  }
  return checks;
}

StatusOr<Interrupt> SuiteParser::ParseInterrupt(const YAML::Node& node) const {
  HILT_RETURN_IF_ERROR(doc_.CheckMap(node, "interrupt", {"on", "send"}));
  HILT_RETURN_IF_ERROR(CheckValues(node, "interrupt"));
  if (!node["on"]) return doc_.Error(node, "interrupt has no 'on' (the regex that triggers it)");
  if (!node["send"]) return doc_.Error(node, "interrupt has no 'send' (the text to send)");
  Interrupt interrupt;
  auto on = ParsePattern(node["on"], "interrupt 'on'");
  if (!on.ok()) return on.status();
  interrupt.on = std::move(*on);
  auto send = ParseSend(node["send"], "interrupt 'send'");
  if (!send.ok()) return send.status();
  if (send->empty()) return doc_.Error(node["send"], "interrupt 'send' must not be empty");
  interrupt.send = std::move(*send);
  return interrupt;
}

StatusOr<Stage> SuiteParser::ParseStage(const YAML::Node& node, CapturedFacts* captured,
                                        bool check_facts) const {
  HILT_RETURN_IF_ERROR(
      doc_.CheckMap(node, "stage", {"name", "expect", "within", "check", "interrupt"}));
  HILT_RETURN_IF_ERROR(CheckValues(node, "stage"));
  Stage stage;
  stage.where = doc_.Where(node);
  if (!node["name"]) return doc_.Error(node, "stage has no 'name'");
  auto name = ParseName(node["name"], "stage");
  if (!name.ok()) return name.status();
  stage.name = std::move(*name);
  const std::string label = "stage '" + stage.name + "'";

  if (!node["expect"]) {
    return doc_.Error(node, label + " has no 'expect' (the regex the board must print)");
  }
  std::vector<std::string> groups;
  auto expect = ParsePattern(node["expect"], "expect of " + label, &groups);
  if (!expect.ok()) return expect.status();
  stage.expect = std::move(*expect);
  for (const std::string& group : groups) {
    auto [it, inserted] = captured->emplace(group, stage.name);
    if (!inserted) {
      return doc_.Error(node["expect"], label + " captures fact '" + group + "', which stage '" +
                                            it->second + "' already captures; rename one of them");
    }
  }

  if (node["within"]) {
    auto within = ParsePositiveDuration(node["within"], "within of " + label);
    if (!within.ok()) return within.status();
    stage.within = *within;
  }
  if (node["check"]) {
    auto checks = ParseChecks(node["check"], stage.name, *captured, check_facts);
    if (!checks.ok()) return checks.status();
    stage.checks = std::move(*checks);
  }
  if (node["interrupt"]) {
    auto interrupt = ParseInterrupt(node["interrupt"]);
    if (!interrupt.ok()) return interrupt.status();
    stage.interrupt = std::move(*interrupt);
  }
  return stage;
}

StatusOr<PromptTest> SuiteParser::ParseTest(const YAML::Node& node) const {
  HILT_RETURN_IF_ERROR(doc_.CheckMap(node, "test", {"name", "send", "expect", "fail", "timeout"}));
  HILT_RETURN_IF_ERROR(CheckValues(node, "test"));
  PromptTest test;
  test.where = doc_.Where(node);
  if (!node["name"]) return doc_.Error(node, "test has no 'name'");
  auto name = ParseName(node["name"], "test");
  if (!name.ok()) return name.status();
  test.name = std::move(*name);
  const std::string label = "test '" + test.name + "'";

  if (!node["send"]) return doc_.Error(node, label + " has no 'send' (the command to type)");
  auto send = ParseSend(node["send"], "send of " + label);
  if (!send.ok()) return send.status();
  test.send = std::move(*send);
  if (node["expect"]) {
    auto expect = ParsePattern(node["expect"], "expect of " + label);
    if (!expect.ok()) return expect.status();
    test.expect = std::move(*expect);
  }
  if (node["fail"]) {
    auto fail = ParsePatternList(node["fail"], "fail");
    if (!fail.ok()) return fail.status();
    test.fail = std::move(*fail);
  }
  if (node["timeout"]) {
    auto timeout = ParsePositiveDuration(node["timeout"], "timeout of " + label);
    if (!timeout.ok()) return timeout.status();
    test.timeout = *timeout;
  }
  return test;
}

}  // namespace hilt
