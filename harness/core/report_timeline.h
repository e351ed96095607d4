// The boot timeline of report.html: an inline SVG with one row per stage,
// its bar from the previous stage's time to its own, its budget drawn as a
// thin bar beside it, and the failed stage in the failure colour (a failed
// stage that never matched runs to the verdict's time, hatched).
#ifndef HILT_CORE_REPORT_TIMELINE_H_
#define HILT_CORE_REPORT_TIMELINE_H_

#include <optional>
#include <string>
#include <vector>

#include "harness/core/verdict.h"

namespace hilt {

// Colours, shared with the page's legend (and with the browser test, which
// looks for the pass colour's pixels in a screenshot).
inline constexpr const char* kTimelinePassColour = "#2e7d32";
inline constexpr const char* kTimelineFailColour = "#c62828";
inline constexpr const char* kTimelineBudgetColour = "#90a4ae";

struct TimelineRow {
  int stage = 0;                  // index in Verdict::stages
  StageStatus status = StageStatus::kNotReached;
  bool has_bar = false;           // false: not reached
  bool open_ended = false;        // failed without a match: ends at the verdict's time
  double start = 0, end = 0;      // seconds since the origin
  std::optional<double> budget;   // seconds
  double x = 0, width = 0;        // bar, in SVG px
  double budget_width = 0;        // budget bar, from x
};

struct TimelineLayout {
  std::vector<TimelineRow> rows;
  double seconds = 0;             // the scale's full width in seconds
  double plot_x = 0, plot_width = 0;
};

inline constexpr double kTimelinePlotWidth = 640;

// Empty rows for an untimed verdict (nothing to draw).
TimelineLayout LayoutTimeline(const Verdict& verdict, double plot_width = kTimelinePlotWidth);

// The <svg> element; empty for an untimed verdict. Stage rows link to
// "#stage-<index>", the console line where the stage matched.
std::string TimelineSvg(const Verdict& verdict);

}  // namespace hilt

#endif  // HILT_CORE_REPORT_TIMELINE_H_
