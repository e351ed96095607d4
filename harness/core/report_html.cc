#include "harness/core/report_html.h"

#include <filesystem>

#include <fmt/format.h>

#include "harness/core/atomic_file.h"
#include "harness/core/console_log.h"
#include "harness/core/html_text.h"
#include "harness/core/report_timeline.h"

namespace hilt {

namespace {

constexpr const char* kStyle = R"css(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;max-width:1100px}
h1{margin:.2em 0}h2{margin:1.4em 0 .4em;font-size:1.15em;border-bottom:1px solid #ddd}
.verdict{padding:.6em 1em;border-radius:6px;color:#fff}
.verdict.pass{background:#1b5e20}.verdict.fail{background:#c62828}.verdict.error{background:#6d4c41}
.verdict .reason{font-family:monospace;white-space:pre-wrap;word-break:break-all}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 8px;text-align:left;vertical-align:top}
td.pass{color:#1b5e20}td.fail{color:#c62828;font-weight:bold}td.not-reached{color:#888}
.mono{font-family:monospace;white-space:pre-wrap;word-break:break-all}
.regressions li{color:#b71c1c}
pre.console{background:#fafafa;border:1px solid #ddd;padding:.5em;overflow-x:auto;font-size:12px}
pre.console .t{color:#888}pre.console .marker{background:#e8f5e9;display:block}
pre.console .marker .tag{background:#1b5e20;color:#fff;padding:0 4px;margin-right:4px}
pre.console .failure{background:#ffebee;display:block;font-weight:bold}
pre.console .cut{display:block;background:#fff3e0;color:#e65100;padding:.3em 0}
)css";

std::string Seconds(const std::optional<Nanos>& t) {
  return t ? fmt::format("{:.3f}s", ToSeconds(*t)) : "";
}

void AppendLine(const ExcerptLine& line, const Verdict& v, std::string* out) {
  // Appended in place: no class string or time string per line (the tail
  // has thousands of lines).
  const bool marker = line.stage >= 0;
  const bool span = marker || line.failure;
  if (span) {
    if (!marker) {
      *out += "<span class=\"failure\">";
    } else {
      *out += line.failure ? "<span class=\"marker failure\"" : "<span class=\"marker\"";
      *out += fmt::format(" id=\"stage-{}\">", line.stage);
    }
  }
  if (line.t) {
    char time[kMaxLogTimeBytes];
    *out += "<span class=\"t\">";
    out->append(time, FormatLogTimeTo(*line.t, time));
    *out += "</span>";
  }
  if (marker) {
    *out += "<span class=\"tag\">";
    AppendHtmlEscaped(v.stages[static_cast<size_t>(line.stage)].name, out);
    *out += "</span>";
  }
  AppendHtmlEscaped(line.text, out);
  *out += span ? "</span>" : "\n";
}

void AppendConsole(const Verdict& v, const ReportInfo& info, const ConsoleExcerpt& c,
                   std::string* out) {
  const std::string raw = HtmlEscape(info.raw_href);
  *out += fmt::format("<p>{} lines. Full bytes: <a href=\"{}\">{}</a>.</p>\n", c.total_lines,
                      raw, raw);
  *out += "<pre class=\"console\">";
  for (const ExcerptLine& line : c.head) AppendLine(line, v, out);
  if (c.cut()) {
    *out += fmt::format(
        "<span class=\"cut\">… {} lines cut here ({} stage/failure lines kept below); the "
        "whole log is in <a href=\"{}\">{}</a> …</span>",
        c.omitted_lines, c.pinned.size(), raw, raw);
    for (const ExcerptLine& line : c.pinned) AppendLine(line, v, out);
    if (!c.pinned.empty()) *out += "<span class=\"cut\">…</span>";
  }
  for (const ExcerptLine& line : c.tail) AppendLine(line, v, out);
  *out += "</pre>\n";
}

void AppendStages(const Verdict& v, std::string* out) {
  *out += "<table class=\"stages\"><tr><th>stage</th><th>status</th><th>at</th>"
          "<th>took</th><th>budget</th><th>matched line / reason</th></tr>\n";
  for (size_t i = 0; i < v.stages.size(); ++i) {
    const StageResult& s = v.stages[i];
    const char* status = StageStatusName(s.status);
    *out += fmt::format("<tr><td><a href=\"#stage-{}\">", i);
    AppendHtmlEscaped(s.name, out);
    *out += fmt::format("</a></td><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td>"
                        "<td class=\"mono\">",
                        status, status, v.timed ? Seconds(s.t) : "",
                        v.timed ? Seconds(s.duration) : "", Seconds(s.budget));
    AppendHtmlEscaped(s.reason.empty() ? s.line : s.reason, out);
    *out += "</td></tr>\n";
  }
  *out += "</table>\n";
}

void AppendTests(const Verdict& v, std::string* out) {
  if (v.tests.empty()) return;
  *out += "<h2>Prompt tests</h2>\n<table class=\"tests\"><tr><th>test</th><th>sent</th>"
          "<th>status</th><th>took</th><th>output / reason</th></tr>\n";
  for (const TestResult& t : v.tests) {
    const char* status = StageStatusName(t.status);
    *out += "<tr><td>";
    AppendHtmlEscaped(t.name, out);
    *out += "</td><td class=\"mono\">";
    AppendHtmlEscaped(t.send, out);
    *out += fmt::format("</td><td class=\"{}\">{}</td><td>{}</td><td class=\"mono\">", status,
                        status, v.timed ? Seconds(t.duration) : "");
    if (!t.reason.empty()) {
      AppendHtmlEscaped(t.reason, out);
      *out += "\n";
    }
    AppendHtmlEscaped(t.output, out);
    *out += "</td></tr>\n";
  }
  *out += "</table>\n";
}

void AppendKeyValues(const std::vector<std::pair<std::string, std::string>>& rows,
                     const char* cls, std::string* out) {
  *out += fmt::format("<table class=\"{}\">\n", cls);
  for (const auto& [key, value] : rows) {
    *out += "<tr><th>";
    AppendHtmlEscaped(key, out);
    *out += "</th><td class=\"mono\">";
    AppendHtmlEscaped(value, out);
    *out += "</td></tr>\n";
  }
  *out += "</table>\n";
}

}  // namespace

std::string RenderReportHtml(const Verdict& v, const ReportInfo& info,
                             const ConsoleExcerpt* console) {
  std::string out;
  out.reserve(64 * 1024);
  const std::string outcome = OutcomeName(v.outcome);
  std::string title = outcome + " " + info.suite;
  if (!info.board.empty()) title += " on " + info.board;
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; img-src data:\">\n<title>hilt: ";
  AppendHtmlEscaped(title, &out);
  out += "</title>\n<style>";
  out += kStyle;
  out += "</style></head><body>\n";

  out += fmt::format("<div class=\"verdict {}\" id=\"verdict\"><h1>", outcome);
  for (char c : outcome) out += static_cast<char>(c - 'a' + 'A');
  if (!v.failed_stage.empty()) {
    out += " at ";
    AppendHtmlEscaped(v.failed_stage, &out);
  }
  out += "</h1><div>suite <b>";
  AppendHtmlEscaped(info.suite, &out);
  out += "</b>";
  if (!info.board.empty()) {
    out += " · board <b>";
    AppendHtmlEscaped(info.board, &out);
    out += "</b>";
  }
  if (v.timed && v.total) out += " · " + Seconds(v.total);
  out += "</div>";
  if (!v.reason.empty()) {
    out += "<div class=\"reason\">";
    AppendHtmlEscaped(v.reason, &out);
    out += "</div>";
  }
  out += "</div>\n";

  if (!info.regressions.empty()) {
    out += "<h2>Regressions</h2>\n<ul class=\"regressions\">\n";
    for (const Regression& r : info.regressions) {
      out += "<li><b>";
      AppendHtmlEscaped(r.kind, &out);
      out += "</b> ";
      AppendHtmlEscaped(r.message, &out);
      out += "</li>\n";
    }
    out += "</ul>\n";
  }
  if (!v.infra_errors.empty()) {
    out += "<h2>Lab errors</h2>\n<ul class=\"infra\">\n";
    for (const std::string& e : v.infra_errors) {
      out += "<li class=\"mono\">";
      AppendHtmlEscaped(e, &out);
      out += "</li>\n";
    }
    out += "</ul>\n";
  }
  if (!v.notes.empty()) {
    out += "<h2>Notes</h2>\n<ul class=\"notes\">\n";
    for (const std::string& n : v.notes) {
      out += "<li class=\"mono\">";
      AppendHtmlEscaped(n, &out);
      out += "</li>\n";
    }
    out += "</ul>\n";
  }
  if (!info.details.empty()) AppendKeyValues(info.details, "details", &out);

  out += "<h2>Boot timeline</h2>\n";
  const std::string svg = TimelineSvg(v);
  if (svg.empty()) {
    out += v.timed ? "<p>No stages.</p>\n"
                   : "<p>Untimed log: no times, budgets not judged.</p>\n";
  } else {
    out += svg;
  }
  AppendStages(v, &out);

  if (!v.facts.empty()) {
    out += "<h2>Facts</h2>\n";
    std::vector<std::pair<std::string, std::string>> facts(v.facts.begin(), v.facts.end());
    AppendKeyValues(facts, "facts", &out);
  }
  AppendTests(v, &out);

  out += "<h2>Console</h2>\n";
  if (console) {
    AppendConsole(v, info, *console, &out);
  } else {
    out += "<p>No console output was captured.</p>\n";
  }
  out += "</body></html>\n";
  return out;
}

Status WriteReportHtml(const std::string& run_dir, const Verdict& verdict, const ReportInfo& info,
                       ExcerptLimits limits) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string log = run_dir + "/console.log";
  const std::string raw = run_dir + "/console.raw";
  std::optional<ConsoleExcerpt> excerpt;
  std::string note;
  if (fs::exists(log, ec)) {
    auto read = ReadConsoleExcerpt(log, LogFormat::kTimed, verdict, limits);
    if (read.ok()) excerpt = std::move(*read);
    else note = read.status().message();
  } else if (fs::exists(raw, ec)) {
    auto read = ReadConsoleExcerpt(raw, LogFormat::kRaw, verdict, limits);
    if (read.ok()) excerpt = std::move(*read);
    else note = read.status().message();
  }
  ReportInfo with_note = info;
  if (!note.empty()) with_note.details.emplace_back("console", "could not be read: " + note);
  return WriteFileAtomically(run_dir + "/report.html",
                             RenderReportHtml(verdict, with_note, excerpt ? &*excerpt : nullptr));
}

Status WriteReportHtml(const std::string& run_dir, const Verdict& verdict, const ReportInfo& info,
                       const ConsoleExcerpt& console) {
  return WriteFileAtomically(run_dir + "/report.html", RenderReportHtml(verdict, info, &console));
}

}  // namespace hilt
