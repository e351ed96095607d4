// The regex dialect of suites: RE2, with a memory bound. Suites are
// untrusted, so every pattern must compile in bounded memory and match in
// linear time; RE2 guarantees the latter, SuiteRegexOptions() the former.
// The loader validates with these options and the checker compiles with the
// same ones, so a pattern that lints clean also runs.
#ifndef HILT_CORE_SUITE_REGEX_H_
#define HILT_CORE_SUITE_REGEX_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <re2/re2.h>

namespace hilt {

// Per-pattern bound on RE2's compiled program and DFA cache. Ample for any
// boot-log pattern (`.{1000}` needs ~130 KiB); a counted repetition of a
// Unicode class or of large groups exceeds it and is rejected at load.
inline constexpr int64_t kSuiteRegexMaxMem = 1 << 20;

// Options for every suite pattern: the memory bound, and no logging of
// errors to stderr (the loader reports them with their position).
RE2::Options SuiteRegexOptions();

struct RegexProblem {
  std::string message;  // RE2's error, plus what to write instead
  size_t offset = 0;    // byte offset in the pattern where the problem is
};

// Compiles `regex` as a suite pattern. Returns the problem if RE2 rejects it,
// if it repeats a group name, or if it matches the empty string (it would
// then match anywhere, at once). On success appends the names of its named
// groups, which become facts, to *group_names (if given).
std::optional<RegexProblem> CheckSuiteRegex(const std::string& regex,
                                            std::vector<std::string>* group_names = nullptr);

}  // namespace hilt

#endif  // HILT_CORE_SUITE_REGEX_H_
