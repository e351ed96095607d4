// report.html: the page a person opens after a run. Self-contained (inline
// CSS and SVG, no scripts, no network): the verdict at the top, regression
// flags, the boot timeline, the stages, facts and prompt tests, and the
// console log with stage markers and failure lines highlighted.
//
// Every string that came from the board, the suite or the lab config is
// HTML-escaped (html_text.h); a long console log is cut to its head and tail
// (report_console.h) with a link to console.raw, so the page stays small
// whatever the board printed.
#ifndef HILT_CORE_REPORT_HTML_H_
#define HILT_CORE_REPORT_HTML_H_

#include <string>
#include <utility>
#include <vector>

#include "harness/core/regression.h"
#include "harness/core/report_console.h"
#include "harness/core/status.h"
#include "harness/core/verdict.h"

namespace hilt {

struct ReportInfo {
  std::string suite;
  std::string board;                 // empty for replays
  std::vector<std::pair<std::string, std::string>> details;  // e.g. {"firmware", "v2.10-3-g1a2b"}
  Regressions regressions;
  std::string raw_href = "console.raw";  // the full log, relative to the page
};

// The page. `console` may be null (no console output captured).
std::string RenderReportHtml(const Verdict& verdict, const ReportInfo& info,
                             const ConsoleExcerpt* console);

// Writes `run_dir`/report.html atomically, reading the console from
// `run_dir`/console.log (timed), or console.raw when there is no console.log.
// A console file that cannot be read is said so in the page, not an error.
Status WriteReportHtml(const std::string& run_dir, const Verdict& verdict, const ReportInfo& info,
                       ExcerptLimits limits = {});

// Writes `run_dir`/report.html atomically with a console excerpt already
// built (hilt replay builds it while checking, so the log is read once).
Status WriteReportHtml(const std::string& run_dir, const Verdict& verdict, const ReportInfo& info,
                       const ConsoleExcerpt& console);

}  // namespace hilt

#endif  // HILT_CORE_REPORT_HTML_H_
