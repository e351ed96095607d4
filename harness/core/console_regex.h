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
// patterns as UTF-8 and as Latin-1 (CheckSuiteRegex): a pattern that passes
// there compiles here too.
#ifndef HILT_CORE_CONSOLE_REGEX_H_
#define HILT_CORE_CONSOLE_REGEX_H_

#include <memory>
#include <string>
#include <string_view>

#include <re2/re2.h>
#include <re2/set.h>

#include "harness/core/status.h"
#include "harness/core/suite.h"

namespace hilt {

RE2::Options ConsoleRegexOptions();

// The compiled pattern, or InvalidInput "file:line:col: bad pattern '...': why".
StatusOr<std::unique_ptr<RE2>> CompileConsoleRegex(const Pattern& pattern);

// Block matching: lines are joined by '\n' into one block and a pattern is
// searched once over the block; only when it matches there are the lines
// tried one by one. For that to skip no line's match, every match of the
// pattern inside a line must also be a match inside the block. The block
// form is the pattern in multi-line mode, `(?m)` + regex, where ^ and $ also
// match next to a '\n', exactly the line's edges (\b sees a '\n' neighbour
// as the non-word text edge it is). A line has no '\n', so `.`, \s or [^x]
// matching one can only add block hits, which the per-line pass discards.
// What would still differ: \A and \z (start and end of the whole text) and
// a flag group that turns multi-line mode off again (`(?-m)`); a pattern
// containing either (or anything that looks like it) is not block-safe.
bool BlockSafeRegex(std::string_view regex);

// The block form of `regex` ("(?m)" + regex), or "" when it is not block-safe.
std::string BlockRegex(std::string_view regex);

// The compiled block form of `regex`, or null when it is not block-safe (the
// caller then matches line by line).
std::unique_ptr<RE2> CompileBlockRegex(std::string_view regex);

}  // namespace hilt

#endif  // HILT_CORE_CONSOLE_REGEX_H_
