// junit.xml: the verdict as CI systems (GitLab, Jenkins, GitHub actions)
// display test results. One <testsuite> named after the suite; one
// <testcase> per stage (classname "<suite>.stages") and per prompt test
// (classname "<suite>.tests"), plus one "lab" testcase with an <error> when
// the lab failed. A failed stage or test has a <failure> whose message is
// the reason and whose body adds the matched line or the board's output;
// stages and tests never reached are <skipped>. Facts are <properties>.
//
// Well-formed whatever the board sent: markup characters are escaped, bytes
// that are not UTF-8 become U+FFFD, and the characters XML 1.0 forbids even
// as references (C0 controls but tab/LF/CR, U+FFFE, U+FFFF) are written as
// the text "\xNN".
#ifndef HILT_CORE_JUNIT_XML_H_
#define HILT_CORE_JUNIT_XML_H_

#include <string>
#include <string_view>

#include "harness/core/status.h"
#include "harness/core/verdict.h"

namespace hilt {

// `text` made safe for an XML attribute value or character data.
std::string XmlEscape(std::string_view text);

// The text of junit.xml.
std::string JunitXml(const Verdict& verdict, std::string_view suite_name);

// Writes it to `path` atomically.
Status WriteJunitXml(const std::string& path, const Verdict& verdict,
                     std::string_view suite_name);

}  // namespace hilt

#endif  // HILT_CORE_JUNIT_XML_H_
