#include "harness/core/html_text.h"

#include <array>

#include <fmt/format.h>

#include "harness/core/utf8.h"

namespace hilt {
namespace {

// Bytes written as they are: printable ASCII but the five metacharacters,
// TAB and LF.
constexpr std::array<bool, 256> MakePlainTable() {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x7f; ++c) t[static_cast<size_t>(c)] = true;
  for (const char c : {'&', '<', '>', '"', '\''}) t[static_cast<unsigned char>(c)] = false;
  t[static_cast<size_t>('\t')] = true;
  t[static_cast<size_t>('\n')] = true;
  return t;
}
constexpr std::array<bool, 256> kPlain = MakePlainTable();

}  // namespace

void AppendHtmlEscaped(std::string_view text, std::string* out) {
  size_t i = 0;
  while (i < text.size()) {
    // A run of plain bytes is appended at once (most console text).
    const size_t start = i;
    while (i < text.size() && kPlain[static_cast<unsigned char>(text[i])]) ++i;
    if (i > start) {
      out->append(text.data() + start, i - start);
      if (i == text.size()) break;
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': *out += "&amp;"; break;
        case '<': *out += "&lt;"; break;
        case '>': *out += "&gt;"; break;
        case '"': *out += "&quot;"; break;
        case '\'': *out += "&#39;"; break;
        case '\t': case '\n': *out += static_cast<char>(c); break;
        default:
          if (c < 0x20 || c == 0x7f) {
            *out += fmt::format("\\x{:02x}", c);
          } else {
            *out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    const size_t len = Utf8SequenceLength(text.substr(i));
    if (len == 0) {
      *out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
      continue;
    }
    const char32_t cp = DecodeUtf8(text.substr(i), len);
    if (cp >= 0x80 && cp <= 0x9f) {
      *out += fmt::format("\\x{:02x}", static_cast<unsigned>(cp));
    } else {
      out->append(text.substr(i, len));
    }
    i += len;
  }
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  AppendHtmlEscaped(text, &out);
  return out;
}

}  // namespace hilt
