// Replaying a captured console log through the boot checker, offline: the
// same verdict as live, from a timed console.log (each line fed with its
// time) or a raw capture (console.raw or any serial log: fed untimed, so
// budgets are not judged). Reads in fixed-size blocks, so memory stays
// bounded whatever the log's size or line lengths.
#ifndef HILT_CORE_LOG_REPLAY_H_
#define HILT_CORE_LOG_REPLAY_H_

#include <cstdint>
#include <iosfwd>
#include <optional>

#include "harness/core/console_log.h"
#include "harness/core/report_console.h"
#include "harness/core/status.h"
#include "harness/core/suite.h"
#include "harness/core/verdict.h"

namespace hilt {

// Bytes read from the head of a log to tell its format.
inline constexpr size_t kLogDetectBytes = 64 * 1024;

// Reads the head of `in`, tells its format, and rewinds `in` to the start.
// `in` must be seekable (a file).
StatusOr<LogFormat> DetectStreamFormat(std::istream* in);

struct ReplayStats {
  uint64_t bytes = 0;            // console bytes fed to the checker
  uint64_t malformed_lines = 0;  // timed logs: lines not in the format
  Nanos end{0};                  // the time of the last byte (0 when untimed)
};

// Feeds all of `in`, read as `format`, to a BootChecker for `suite`, and
// copies it to `console` (when not null) as console.log. The checker's
// actions are dropped: the log already holds the board's answers. When
// `excerpt` is not null, report.html's console excerpt is built in the same
// pass, as it would be read back from the console.log written (untimed
// lines at 0), so the log is read once.
StatusOr<Verdict> ReplayLog(const Suite& suite, std::istream* in, LogFormat format,
                            ConsoleLogWriter* console, ReplayStats* stats,
                            ConsoleExcerpt* excerpt = nullptr, ExcerptLimits limits = {});

}  // namespace hilt

#endif  // HILT_CORE_LOG_REPLAY_H_
