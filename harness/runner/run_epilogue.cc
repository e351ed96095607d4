#include "harness/runner/run_epilogue.h"

#include "harness/core/report_html.h"
#include "harness/runner/history.h"

namespace hilt {

EpilogueResult FinishRunFolder(const std::string& run_dir, const Verdict& verdict,
                               const EpilogueOptions& options) {
  EpilogueResult result;
  if (!options.history_db.empty()) {
    HistoryRecord record = RecordFromVerdict(verdict, options.board, options.suite,
                                             options.firmware, run_dir, options.started_at);
    auto history = History::Open(options.history_db);
    StatusOr<Regressions> flags =
        history.ok() ? (*history)->Record(&record, options.policy) : StatusOr<Regressions>(history.status());
    if (flags.ok()) {
      result.regressions = *flags;
    } else {
      result.warnings.push_back("history not updated: " + flags.status().message());
    }
    Status annotated =
        AnnotateResultJson(run_dir + "/result.json", result.regressions, result.warnings);
    if (!annotated.ok()) {
      result.warnings.push_back("result.json not annotated: " + annotated.message());
    }
  }
  ReportInfo info;
  info.suite = options.suite;
  info.board = options.board;
  if (!options.firmware.empty()) info.details.emplace_back("firmware", options.firmware);
  for (const std::string& w : result.warnings) info.details.emplace_back("warning", w);
  info.regressions = result.regressions;
  Status report = WriteReportHtml(run_dir, verdict, info);
  if (!report.ok()) result.warnings.push_back("report.html not written: " + report.message());
  return result;
}

}  // namespace hilt
