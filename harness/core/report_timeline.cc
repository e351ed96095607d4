#include "harness/core/report_timeline.h"

#include <algorithm>

#include <fmt/format.h>

#include "harness/core/html_text.h"

namespace hilt {

namespace {
constexpr double kLabelWidth = 150;
constexpr double kRowHeight = 30;
constexpr double kTop = 24;  // room for the axis labels
constexpr double kMinBar = 2;  // a 1 ms stage is still visible
}  // namespace

TimelineLayout LayoutTimeline(const Verdict& verdict, double plot_width) {
  TimelineLayout layout;
  layout.plot_x = kLabelWidth;
  layout.plot_width = plot_width;
  if (!verdict.timed) return layout;
  double previous = 0;
  double scale = verdict.total ? ToSeconds(*verdict.total) : 0;
  for (size_t i = 0; i < verdict.stages.size(); ++i) {
    const StageResult& s = verdict.stages[i];
    TimelineRow row;
    row.stage = static_cast<int>(i);
    row.status = s.status;
    if (s.budget) row.budget = ToSeconds(*s.budget);
    row.start = previous;
    if (s.t) {
      row.has_bar = true;
      row.end = std::max(previous, ToSeconds(*s.t));
      previous = row.end;
    } else if (s.status == StageStatus::kFail) {
      row.has_bar = true;
      row.open_ended = true;
      row.end = std::max(previous, verdict.total ? ToSeconds(*verdict.total) : previous);
    }
    if (row.has_bar) scale = std::max(scale, row.end);
    if (row.has_bar && row.budget) scale = std::max(scale, row.start + *row.budget);
    layout.rows.push_back(row);
  }
  layout.seconds = std::max(scale, 1e-3);
  const double px = plot_width / layout.seconds;
  for (TimelineRow& row : layout.rows) {
    row.x = kLabelWidth + row.start * px;
    if (row.has_bar) row.width = std::max(kMinBar, (row.end - row.start) * px);
    if (row.budget) row.budget_width = *row.budget * px;
  }
  return layout;
}

std::string TimelineSvg(const Verdict& verdict) {
  if (!verdict.timed || verdict.stages.empty()) return "";
  const TimelineLayout layout = LayoutTimeline(verdict);
  const double width = kLabelWidth + layout.plot_width + 90;
  const double height = kTop + kRowHeight * static_cast<double>(layout.rows.size()) + 8;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"{:.0f}\" "
      "height=\"{:.0f}\" viewBox=\"0 0 {:.0f} {:.0f}\" role=\"img\" "
      "aria-label=\"boot timeline\" data-seconds=\"{:.6f}\">\n",
      width, height, width, height, layout.seconds);
  svg += fmt::format(
      "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
      "patternTransform=\"rotate(45)\"><rect width=\"3\" height=\"6\" fill=\"{}\"/></pattern>"
      "</defs>\n",
      kTimelineFailColour);
  // Axis: five ticks over the scale.
  for (int i = 0; i <= 4; ++i) {
    const double x = layout.plot_x + layout.plot_width * i / 4.0;
    svg += fmt::format(
        "<line x1=\"{:.2f}\" y1=\"{}\" x2=\"{:.2f}\" y2=\"{:.0f}\" stroke=\"#ddd\"/>"
        "<text x=\"{:.2f}\" y=\"14\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">"
        "{:.2f}s</text>\n",
        x, kTop - 4, x, height, x, layout.seconds * i / 4.0);
  }
  for (size_t r = 0; r < layout.rows.size(); ++r) {
    const TimelineRow& row = layout.rows[r];
    const StageResult& s = verdict.stages[static_cast<size_t>(row.stage)];
    const double y = kTop + kRowHeight * static_cast<double>(r);
    const std::string name = HtmlEscape(s.name);
    svg += fmt::format("<g class=\"stage {}\" data-stage=\"{}\">", StageStatusName(row.status), name);
    svg += fmt::format(
        "<a href=\"#stage-{}\"><text x=\"4\" y=\"{:.0f}\" font-size=\"12\" fill=\"#222\">{}</text></a>",
        row.stage, y + 15, name);
    if (row.budget && row.has_bar) {  // a stage not reached has no start to measure from
      svg += fmt::format(
          "<rect class=\"budget\" x=\"{:.2f}\" y=\"{:.0f}\" width=\"{:.2f}\" height=\"4\" "
          "fill=\"{}\"><title>budget {:.3f}s</title></rect>",
          row.x, y + 20, row.budget_width, kTimelineBudgetColour, *row.budget);
    }
    if (row.has_bar) {
      const bool failed = row.status == StageStatus::kFail;
      const std::string fill = failed ? (row.open_ended ? "url(#hatch)" : kTimelineFailColour)
                                      : kTimelinePassColour;
      svg += fmt::format(
          "<rect class=\"bar {}\" x=\"{:.2f}\" y=\"{:.0f}\" width=\"{:.2f}\" height=\"14\" "
          "fill=\"{}\" stroke=\"{}\" data-start=\"{:.6f}\" data-end=\"{:.6f}\">"
          "<title>{} {:.3f}s → {:.3f}s</title></rect>",
          failed ? "fail" : "pass", row.x, y + 4, row.width, fill,
          failed ? kTimelineFailColour : kTimelinePassColour, row.start, row.end, name, row.start,
          row.end);
      svg += fmt::format(
          "<text x=\"{:.2f}\" y=\"{:.0f}\" font-size=\"11\" fill=\"{}\">{}+{:.3f}s</text>",
          row.x + row.width + 4, y + 15, failed ? kTimelineFailColour : "#333",
          failed ? "FAILED " : "", row.end - row.start);
    } else {
      svg += fmt::format(
          "<text x=\"{:.2f}\" y=\"{:.0f}\" font-size=\"11\" fill=\"#888\">not reached</text>",
          row.x + 4, y + 15);
    }
    svg += "</g>\n";
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace hilt
