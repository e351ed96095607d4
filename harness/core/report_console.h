// The console part of report.html: the lines a person reads, with the
// stage markers and failure lines found, cut to a bounded size.
//
// Lines are the checker's lines (LineSplitter: colour escapes and controls
// dropped), so a stage's matched line in the Verdict is found again by
// equality. A long log keeps its first `head_bytes` and last `tail_bytes`;
// marker and failure lines from the cut middle are kept too (at most
// kMaxPinned), so a 100 MB log still shows where each stage matched.
//
// The builder can run beside the checker (hilt replay: the log is read
// once): it is given the checker's verdict as it stands, and classifies a
// line only when it must decide whether to keep it (it leaves the tail) or
// at Finish. A line leaves the tail `tail_bytes` after the checker saw it, so
// the stage lines it is compared with are already final; a stage not yet
// matched is waited for, not skipped. At Finish every kept line's failure
// flag is decided again from the final verdict.
//
// Beside a checker the builder needs no splitter of its own: the checker's
// hands it each line (BootChecker::set_line_tap), between BeginChunk and
// EndChunk. Lines only enter the tail then; they are classified and leave it
// at EndChunk, once the checker has matched the whole chunk.
#ifndef HILT_CORE_REPORT_CONSOLE_H_
#define HILT_CORE_REPORT_CONSOLE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/byte_buffer.h"
#include "harness/core/console_log.h"
#include "harness/core/line_splitter.h"
#include "harness/core/status.h"
#include "harness/core/timestamp.h"
#include "harness/core/verdict.h"

namespace hilt {

struct ExcerptLine {
  uint64_t number = 0;       // 1-based console line number
  std::optional<Nanos> t;    // when its first byte arrived (timed logs)
  std::string text;          // cleaned bytes, not yet escaped
  int stage = -1;            // index in Verdict::stages whose expect matched here
  bool failure = false;      // the line the verdict's failure names
};

struct ConsoleExcerpt {
  std::vector<ExcerptLine> head;
  std::vector<ExcerptLine> pinned;  // marker/failure lines from the cut middle
  std::vector<ExcerptLine> tail;    // empty unless the log was cut
  uint64_t total_lines = 0;
  uint64_t total_bytes = 0;         // cleaned line bytes
  uint64_t omitted_lines = 0;       // cut and not pinned
  bool cut() const { return omitted_lines > 0 || !pinned.empty(); }
};

struct ExcerptLimits {
  size_t head_bytes = 64 * 1024;
  size_t tail_bytes = 192 * 1024;
};

class ConsoleExcerptBuilder : public LineSink {
 public:
  static constexpr size_t kMaxPinned = 256;

  // `verdict` is final.
  ConsoleExcerptBuilder(const Verdict& verdict, ExcerptLimits limits);
  // `live` is a verdict still being decided (a BootChecker's), read as lines
  // go by; it must outlive the builder's Feed calls. Call SetFinal once the
  // checker is done.
  static ConsoleExcerptBuilder Live(const Verdict& live, ExcerptLimits limits);

  // Bytes as they arrived; `t` when they arrived, if known.
  void Feed(std::string_view bytes, std::optional<Nanos> t);
  // Feed in two halves, for lines split elsewhere and given to OnLine in
  // between: `partial_open` says whether the splitter holds a partial line.
  void BeginChunk(std::optional<Nanos> t);
  void EndChunk(bool partial_open);
  void OnLine(std::string_view line, bool truncated) override;

  // The live verdict will not change any more.
  void SetFinal() { final_ = true; }
  // `final_verdict`: the verdict decided (null: the one given at construction).
  ConsoleExcerpt Finish(const Verdict* final_verdict = nullptr);

 private:
  ConsoleExcerptBuilder(const Verdict& verdict, ExcerptLimits limits, bool final);
  // A line of the tail: its text is tail_text_[offset - text_base_, +size).
  struct TailLine {
    uint64_t number;
    std::optional<Nanos> t;
    uint64_t offset;
    size_t size;
  };

  // Drops lines from the front of the tail, none to be marked, until it fits.
  void DropUnmarkedFront();
  void Classify(std::string_view text, int* stage, bool* failure);
  void Classify(ExcerptLine* line) { Classify(line->text, &line->stage, &line->failure); }
  bool QuotedInReason(std::string_view text) const;
  void ClassifyHead();
  // Whether Classify may mark a line as things stand: when not, lines leave
  // the tail unread (in a long log, once every stage is matched).
  bool CanMark() const;
  void CompactTail();
  std::string_view TailText(const TailLine& line) const;
  ExcerptLine TailExcerptLine(const TailLine& line, int stage, bool failure) const;

  const Verdict* verdict_;
  bool final_;
  size_t head_classified_ = 0;
  ExcerptLimits limits_;
  LineSplitter splitter_;
  std::optional<Nanos> line_t_;      // time of the line being received
  std::optional<Nanos> feed_t_;      // time of the current Feed
  bool line_open_ = false;
  size_t next_stage_ = 0;            // markers are found in stage order
  size_t head_used_ = 0;
  size_t tail_used_ = 0;
  bool head_full_ = false;
  // The tail as one buffer of texts and a queue of records: a long log is
  // mostly lines that pass through it, so a line costs one copy of its
  // bytes, no allocation. Both are compacted once most of them is dropped.
  std::vector<TailLine> tail_;
  size_t tail_front_ = 0;            // first record still in the tail
  ByteBuffer tail_text_;
  uint64_t text_base_ = 0;           // offset of tail_text_[0] in all texts
  ConsoleExcerpt out_;
};

// Reads a console.log (timed) or a raw capture into an excerpt, streaming.
StatusOr<ConsoleExcerpt> ReadConsoleExcerpt(const std::string& path, LogFormat format,
                                            const Verdict& verdict, ExcerptLimits limits = {});

}  // namespace hilt

#endif  // HILT_CORE_REPORT_CONSOLE_H_
