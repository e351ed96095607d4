#include "harness/core/console_regex.h"

#include <fmt/format.h>

namespace hilt {

RE2::Options ConsoleRegexOptions() {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);
  options.set_log_errors(false);
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
