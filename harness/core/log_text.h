// Small formatting helpers for what the checker puts into a Verdict: console
// text made safe to print (valid UTF-8, no controls, bounded) and durations
// written as a suite writes them.
#ifndef HILT_CORE_LOG_TEXT_H_
#define HILT_CORE_LOG_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "harness/core/timestamp.h"

namespace hilt {

// `text` with valid UTF-8 kept, every other byte (invalid UTF-8, controls)
// written as \xNN, cut to about `max_bytes` with "..." when longer.
std::string PrintableExcerpt(std::string_view text, size_t max_bytes = 200);

// "2s", "500ms", "1.5s", "2m".
std::string FormatDuration(Nanos d);

// "3.20s".
std::string FormatSeconds(Nanos t);

}  // namespace hilt

#endif  // HILT_CORE_LOG_TEXT_H_
