// Text made safe to place in an HTML page (body text or a quoted attribute
// value), whatever bytes it holds: invalid UTF-8 becomes U+FFFD, the five
// metacharacters become entities, control characters (C0 except TAB and LF,
// DEL, C1) become visible \xNN so nothing the board sent can change the
// page's structure or hide text.
#ifndef HILT_CORE_HTML_TEXT_H_
#define HILT_CORE_HTML_TEXT_H_

#include <string>
#include <string_view>

namespace hilt {

void AppendHtmlEscaped(std::string_view text, std::string* out);
std::string HtmlEscape(std::string_view text);

}  // namespace hilt

#endif  // HILT_CORE_HTML_TEXT_H_
