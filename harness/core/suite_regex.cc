#include "harness/core/suite_regex.h"

#include <cctype>
#include <set>
#include <string_view>

#include "harness/core/console_regex.h"

namespace hilt {
namespace {

// Where in the pattern RE2's complaint points (its error argument), or 0.
size_t ErrorOffset(const RE2& re, const std::string& regex) {
  const size_t at = re.error_arg().empty() ? std::string::npos : regex.find(re.error_arg());
  return at == std::string::npos ? 0 : at;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// People write suites from PCRE habits (Perl, Python, grep -P). RE2 rejects
// the constructs that need backtracking; say what each one is and what to
// write instead, rather than only "invalid perl operator".
std::string HintFor(const RE2& re, const std::string& regex, size_t offset) {
  const std::string& arg = re.error_arg();
  std::string_view rest = std::string_view(regex).substr(offset);
  switch (re.error_code()) {
    case RE2::ErrorMissingParen:
    case RE2::ErrorUnexpectedParen:
    case RE2::ErrorMissingBracket:
      return "";
    case RE2::ErrorBadPerlOp:
      if (StartsWith(rest, "(?=")) {
        return "RE2 has no lookahead (?=...): match the following text as part of the pattern";
      }
      if (StartsWith(rest, "(?!")) {
        return "RE2 has no negative lookahead (?!...): list text that must not appear under "
               "'fail' instead";
      }
      if (StartsWith(rest, "(?<=") || StartsWith(rest, "(?<!")) {
        return "RE2 has no lookbehind (?<=...) or (?<!...): match the preceding text as part of "
               "the pattern and capture what you need with (?P<name>...)";
      }
      if (StartsWith(rest, "(?<") || StartsWith(rest, "(?'")) {
        return "this RE2 has no (?<name>...) groups: write named groups as (?P<name>...)";
      }
      if (StartsWith(rest, "(?>")) {
        return "RE2 has no atomic groups (?>...): RE2 never backtracks, so write a plain group "
               "(...) or (?:...)";
      }
      if (StartsWith(rest, "(?R") || (rest.size() > 2 && std::isdigit(static_cast<unsigned char>(rest[2])))) {
        return "RE2 has no recursion or subroutine calls: spell the pattern out";
      }
      if (StartsWith(rest, "(?|")) return "RE2 has no branch-reset groups (?|...): use (?:...)";
      if (StartsWith(rest, "(?#")) return "RE2 has no (?#...) comments: remove the comment";
      return "";
    case RE2::ErrorRepeatOp:
      if (arg.size() == 2 && arg[1] == '+') {
        return "RE2 has no possessive quantifiers (" + arg + "): RE2 never backtracks, so drop "
               "the trailing '+' (" + arg.substr(0, 1) + ")";
      }
      return "";
    case RE2::ErrorBadEscape:
      if (arg.size() == 2 && std::isdigit(static_cast<unsigned char>(arg[1]))) {
        return "RE2 has no backreferences (" + arg + "): capture both parts with (?P<name>...) "
               "and compare the facts with a check, or write the text twice";
      }
      if (arg == "\\g" || arg == "\\k") {
        return "RE2 has no backreferences: capture with (?P<name>...) and compare facts with a check";
      }
      if (arg == "\\K") return "RE2 has no \\K: capture the part you want with (?P<name>...)";
      if (arg == "\\Z") return "RE2 has no \\Z: use \\z (end of text) or $";
      if (arg == "\\h") return "RE2 has no \\h: use [ \\t]";
      if (arg == "\\R") return "RE2 has no \\R: use \\r?\\n";
      return "";
    case RE2::ErrorRepeatSize:
      return "RE2 allows counts up to {1000}, and nested counts may multiply to at most 1000";
    case RE2::ErrorPatternTooLarge:
      return "it needs more than the " + std::to_string(kSuiteRegexMaxMem >> 10) +
             " KiB a suite pattern may use; use smaller counted repetitions, or '.*' instead "
             "of large counts";
    default:
      return "";
  }
}

}  // namespace

RE2::Options SuiteRegexOptions() {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(kSuiteRegexMaxMem);
  return options;
}

std::optional<RegexProblem> CheckSuiteRegex(const std::string& regex,
                                            std::vector<std::string>* group_names) {
  RE2 re(regex, SuiteRegexOptions());
  if (!re.ok()) {
    RegexProblem problem;
    problem.offset = ErrorOffset(re, regex);
    problem.message = "invalid regex: " + re.error();
    std::string hint = HintFor(re, regex, problem.offset);
    if (!hint.empty()) problem.message += "; " + hint;
    return problem;
  }
  // The checker compiles it as Latin-1 (console_regex.h): an escape of a
  // character above 0xFF (\x{100}, the octal \555) is valid as UTF-8 but
  // not there. Found by the suite_loader fuzzer.
  RE2 as_bytes(regex, ConsoleRegexOptions());
  if (!as_bytes.ok()) {
    return RegexProblem{"invalid regex for console bytes: " + as_bytes.error() +
                            "; patterns match bytes, so a character above \\xff can only be "
                            "written as the text itself (its UTF-8 bytes)",
                        ErrorOffset(as_bytes, regex)};
  }
  // RE2 of this vintage accepts a repeated group name and keeps only one.
  std::set<std::string> seen;
  std::vector<std::string> names;
  for (const auto& [index, name] : re.CapturingGroupNames()) {
    if (!seen.insert(name).second) {
      size_t at = regex.find("(?P<" + name + ">");
      at = regex.find("(?P<" + name + ">", at + 1);
      return RegexProblem{"regex names the group '" + name + "' twice",
                          at == std::string::npos ? 0 : at};
    }
    names.push_back(name);
  }
  if (RE2::FullMatch("", re)) {
    return RegexProblem{"regex matches the empty string, so it would match anywhere at once; "
                        "make it match some text (e.g. 'a+' rather than 'a*')",
                        0};
  }
  if (group_names) group_names->insert(group_names->end(), names.begin(), names.end());
  return std::nullopt;
}

}  // namespace hilt
