// How suite patterns are compiled for matching console lines.
//
// Console bytes are not guaranteed to be UTF-8 (line noise, a wrong baud
// rate, binary blobs), and matching must never reject or mangle them. So
// every console pattern is compiled as Latin-1: one byte is one character,
// `.` and `\S` match any byte, and a line never fails to match because of an
// invalid sequence. ASCII patterns (all real boot-log patterns) mean the same
// in both encodings; a non-ASCII literal still matches its UTF-8 bytes in
// order, only a non-ASCII character inside a [class] would differ. The
// memory bound is the suite loader's (SuiteRegexOptions), which validates
// patterns as UTF-8; a pattern that passes there compiles here too.
#ifndef HILT_CORE_CONSOLE_REGEX_H_
#define HILT_CORE_CONSOLE_REGEX_H_

#include <memory>
#include <re2/re2.h>
#include <re2/set.h>

#include "harness/core/status.h"
#include "harness/core/suite.h"

namespace hilt {

RE2::Options ConsoleRegexOptions();

// The compiled pattern, or InvalidInput "file:line:col: bad pattern '...': why".
StatusOr<std::unique_ptr<RE2>> CompileConsoleRegex(const Pattern& pattern);

}  // namespace hilt

#endif  // HILT_CORE_CONSOLE_REGEX_H_
