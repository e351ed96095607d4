#include "harness/core/html_text.h"

#include <gtest/gtest.h>

namespace hilt {
namespace {

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
