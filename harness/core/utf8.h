// UTF-8 validation for bytes from a board. Every report (console.log,
// result.json, junit.xml) must stay readable text whatever the UART sent, so
// each needs to know where a valid sequence starts and ends.
#ifndef HILT_CORE_UTF8_H_
#define HILT_CORE_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace hilt {

// The length (1..4) of the well-formed UTF-8 sequence at the start of
// `bytes`, or 0 if it does not start with one (stray continuation byte,
// overlong form, surrogate, beyond U+10FFFF, truncated). Empty input: 0.
size_t Utf8SequenceLength(std::string_view bytes);

// The code point of a well-formed sequence of length `len` at `bytes`.
char32_t DecodeUtf8(std::string_view bytes, size_t len);

// `bytes` with every byte that is not part of a well-formed sequence replaced
// by U+FFFD, so that any JSON or XML writer accepts it.
std::string ToValidUtf8(std::string_view bytes);

}  // namespace hilt

#endif  // HILT_CORE_UTF8_H_
