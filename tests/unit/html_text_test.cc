#include "harness/core/html_text.h"

#include <random>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness/core/utf8.h"

namespace hilt {
namespace {

// The byte-by-byte definition (AppendHtmlEscaped before plain runs were
// appended at once).
std::string ReferenceEscape(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        case '\t': case '\n': out += static_cast<char>(c); break;
        default:
          if (c < 0x20 || c == 0x7f) {
            out += fmt::format("\\x{:02x}", c);
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    const size_t len = Utf8SequenceLength(text.substr(i));
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    const char32_t cp = DecodeUtf8(text.substr(i), len);
    if (cp >= 0x80 && cp <= 0x9f) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(cp));
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

TEST(HtmlTextTest, EscapingEqualsTheByteByByteDefinitionOnRandomText) {
  std::mt19937 rng(7);
  // Mostly plain text with metacharacters, controls, UTF-8 (valid, cut,
  // C1) and random bytes mixed in, at every length up to 64 and longer.
  const std::string pieces[] = {"a", "Z ", "&", "<", ">", "\"", "'", "\t", "\n", "\x1b",
                                "\x7f", "\xC3\xA9", "\xC2\x9B", "\xE2\x82", "\xFF", "\\"};
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const size_t len = round < 65 ? static_cast<size_t>(round) : rng() % 300;
    while (text.size() < len) {
      const unsigned r = rng() % 4;
      if (r == 0) {
        text += pieces[rng() % std::size(pieces)];
      } else if (r == 1) {
        text += static_cast<char>(rng() & 0xFF);
      } else {
        text += static_cast<char>('a' + rng() % 26);
      }
    }
    std::string prefix = "kept:";
    AppendHtmlEscaped(text, &prefix);
    ASSERT_EQ(prefix, "kept:" + ReferenceEscape(text)) << "round " << round;
  }
}

TEST(HtmlTextTest, EscapesTheFiveMetacharacters) {
  EXPECT_EQ(HtmlEscape("<script>alert(\"x\" & 'y')</script>"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
}

TEST(HtmlTextTest, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(HtmlEscape("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(HtmlEscape("a\xFF" "b\xC3"), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
  // An overlong '<' must not survive as one.
  EXPECT_EQ(HtmlEscape("\xC0\xBC"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(HtmlTextTest, ControlsBecomeVisible) {
  EXPECT_EQ(HtmlEscape(std::string("a\0b\x1b[0m\x7f", 8)), "a\\x00b\\x1b[0m\\x7f");
  EXPECT_EQ(HtmlEscape("tab\tnl\n"), "tab\tnl\n");
  EXPECT_EQ(HtmlEscape("\xC2\x9B"), "\\x9b");  // C1 CSI
}

}  // namespace
}  // namespace hilt
