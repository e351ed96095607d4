#include "harness/core/junit_xml.h"

#include <optional>

#include <fmt/format.h>

#include "harness/core/atomic_file.h"
#include "harness/core/utf8.h"

namespace hilt {

namespace {

std::string Time(const std::optional<Nanos>& t) {
  return fmt::format("{:.6f}", t ? ToSeconds(*t) : 0.0);
}

struct Case {
  std::string classname;
  std::string name;
  std::optional<Nanos> time;
  StageStatus status;
  std::string message;  // the reason
  std::string body;     // details for a failure
  bool error = false;   // <error> rather than <failure>
};

void AppendCase(const Case& c, std::string* out) {
  *out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"",
                      XmlEscape(c.classname), XmlEscape(c.name), Time(c.time));
  switch (c.status) {
    case StageStatus::kPass:
      *out += "/>\n";
      return;
    case StageStatus::kNotReached:
      *out += fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                          XmlEscape(c.message.empty() ? "not reached" : c.message));
      return;
    case StageStatus::kFail:
      const char* tag = c.error ? "error" : "failure";
      *out += fmt::format(">\n      <{} message=\"{}\" type=\"{}\">{}</{}>\n    </testcase>\n",
                          tag, XmlEscape(c.message), tag, XmlEscape(c.body), tag);
      return;
  }
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        // Character references keep these in attributes, where a parser
        // would otherwise normalise them to spaces.
        case '\t': out += "&#9;"; break;
        case '\n': out += "&#10;"; break;
        case '\r': out += "&#13;"; break;
        default:
          if (c < 0x20) {
            out += fmt::format("\\x{:02X}", c);
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    size_t len = Utf8SequenceLength(text.substr(i));
    if (len == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
      continue;
    }
    char32_t cp = DecodeUtf8(text.substr(i), len);
    if (cp == 0xFFFE || cp == 0xFFFF) {
      out += fmt::format("\\x{{{:X}}}", static_cast<uint32_t>(cp));
    } else {
      out.append(text.data() + i, len);
    }
    i += len;
  }
  return out;
}

std::string JunitXml(const Verdict& verdict, std::string_view suite_name) {
  const std::string suite(suite_name);
  std::vector<Case> cases;
  for (const StageResult& s : verdict.stages) {
    Case c{suite + ".stages", s.name, s.duration, s.status, s.reason, "", false};
    if (s.status == StageStatus::kFail) {
      c.body = s.reason;
      if (!s.line.empty()) c.body += "\nline: " + s.line;
      c.error = verdict.outcome == Outcome::kError && verdict.failed_stage == s.name;
    }
    cases.push_back(std::move(c));
  }
  for (const TestResult& t : verdict.tests) {
    Case c{suite + ".tests", t.name, t.duration, t.status, t.reason, "", false};
    if (t.status == StageStatus::kFail) {
      c.body = t.reason + "\nsent: " + t.send;
      if (!t.output.empty()) c.body += "\noutput:\n" + t.output;
    }
    cases.push_back(std::move(c));
  }
  if (!verdict.infra_errors.empty() ||
      (verdict.outcome == Outcome::kError && verdict.failed_stage.empty())) {
    Case c{suite + ".lab", "lab", std::nullopt, StageStatus::kFail, verdict.reason, "", true};
    for (const std::string& e : verdict.infra_errors) c.body += e + "\n";
    if (c.message.empty() && !verdict.infra_errors.empty()) c.message = verdict.infra_errors[0];
    cases.push_back(std::move(c));
  }

  int failures = 0, errors = 0, skipped = 0;
  for (const Case& c : cases) {
    if (c.status == StageStatus::kNotReached) ++skipped;
    if (c.status == StageStatus::kFail) ++(c.error ? errors : failures);
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  std::string head = fmt::format(
      "name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\"",
      XmlEscape(suite), cases.size(), failures, errors, skipped, Time(verdict.total));
  out += "<testsuites " + head + ">\n";
  out += "  <testsuite " + head + ">\n";
  if (!verdict.facts.empty()) {
    out += "    <properties>\n";
    for (const auto& [name, value] : verdict.facts) {
      out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", XmlEscape(name),
                         XmlEscape(value));
    }
    out += "    </properties>\n";
  }
  for (const Case& c : cases) AppendCase(c, &out);
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

Status WriteJunitXml(const std::string& path, const Verdict& verdict,
                     std::string_view suite_name) {
  return WriteFileAtomically(path, JunitXml(verdict, suite_name));
}

}  // namespace hilt
