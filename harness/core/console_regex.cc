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

}  // namespace hilt
