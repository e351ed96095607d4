#include "harness/core/console_regex.h"

#include <fmt/format.h>

#include "harness/core/suite_regex.h"

namespace hilt {

RE2::Options ConsoleRegexOptions() {
  // The loader's memory bound, and bytes rather than UTF-8 characters.
  RE2::Options options = SuiteRegexOptions();
  options.set_encoding(RE2::Options::EncodingLatin1);
  return options;
}

StatusOr<std::unique_ptr<RE2>> CompileConsoleRegex(const Pattern& pattern) {
  auto re = std::make_unique<RE2>(pattern.regex, ConsoleRegexOptions());
  if (!re->ok()) {
    return Status::InvalidInput(fmt::format("{}: bad pattern '{}': {}", pattern.where.ToString(),
                                            pattern.regex, re->error()));
  }
  return re;
}

bool BlockSafeRegex(std::string_view regex) {
  if (regex.find("\\A") != std::string_view::npos) return false;
  if (regex.find("\\z") != std::string_view::npos) return false;
  // Flag groups: "(?i)", "(?s:...)", "(?i-m)". Any '-' among the flags could
  // turn multi-line mode off; "(?P<name>" stops at '<'.
  for (size_t at = regex.find("(?"); at != std::string_view::npos; at = regex.find("(?", at + 2)) {
    for (size_t i = at + 2; i < regex.size(); ++i) {
      const char c = regex[i];
      if (c == '-') return false;
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) break;
    }
  }
  return true;
}

std::string BlockRegex(std::string_view regex) {
  if (!BlockSafeRegex(regex)) return {};
  std::string block = "(?m)";
  block += regex;
  return block;
}

std::unique_ptr<RE2> CompileBlockRegex(std::string_view regex) {
  const std::string block = BlockRegex(regex);
  if (block.empty()) return nullptr;
  auto re = std::make_unique<RE2>(block, ConsoleRegexOptions());
  if (!re->ok()) return nullptr;
  return re;
}

}  // namespace hilt
