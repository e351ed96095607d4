// console.log: the human-readable, timed copy of what a board's UART sent.
//
// One file line per console line, prefixed with the seconds since the run's
// origin at which the line's first byte arrived:
//
//   [   12.345678] NOTICE:  BL2: v2.10.0
//
// The content is escaped so the file is always valid UTF-8 text and the bytes
// can be recovered exactly (except a CR just before an LF, which is dropped):
// a backslash is written `\\`; control bytes other than tab, DEL, C1 controls
// and bytes that are not part of well-formed UTF-8 are written `\xNN`. A line
// that did not end with an LF (cut at the length cap, or the last partial line
// such as a prompt) ends with a single unescaped `\`.
//
// console.raw, beside it, holds every byte exactly and untimed.
#ifndef HILT_CORE_CONSOLE_LOG_H_
#define HILT_CORE_CONSOLE_LOG_H_

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "harness/core/status.h"
#include "harness/core/timestamp.h"

namespace hilt {

// Console lines longer than this many bytes are cut into several file lines,
// so a board that never sends a newline cannot grow the writer's memory.
inline constexpr size_t kConsoleLogLineCap = 8192;

// "[   12.345678] ": seconds with microseconds, at least 5 digits of seconds.
// Negative times (clock skew) are written as 0.
std::string FormatLogTime(Nanos t);

// Room for FormatLogTime: int64 nanoseconds give at most 10 digits of
// seconds; brackets, point, 6 digits and the space make 20 bytes.
inline constexpr size_t kMaxLogTimeBytes = 32;

// Writes FormatLogTime(t) at `out` (room for kMaxLogTimeBytes); returns its end.
// Digits by hand: console.log formats one prefix per line of a timed log.
char* FormatLogTimeTo(Nanos t, char* out);

// Appends `raw` to `out`, escaped as described above (no line marker).
void EscapeConsoleBytes(std::string_view raw, std::string* out);
// The same at `out`, which has room for 4 * raw.size() bytes (an escape
// is at most 4 bytes per raw byte); returns the end of what was written.
char* EscapeConsoleBytesTo(std::string_view raw, char* out);

// Streams console bytes into console.log. Holds at most one partial line of
// up to `line_cap` bytes plus a bounded output buffer.
class ConsoleLogWriter {
 public:
  explicit ConsoleLogWriter(std::ostream* out, size_t line_cap = kConsoleLogLineCap);
  ConsoleLogWriter(const ConsoleLogWriter&) = delete;
  ConsoleLogWriter& operator=(const ConsoleLogWriter&) = delete;

  // `bytes` arrived at `t`. Complete lines are formatted at once.
  void Append(std::string_view bytes, Nanos t);
  // The same for a line the LineSplitter cut (RawSpanSink::OnRawLine): a
  // plain one ending in an LF, with no partial line before it, is copied
  // without a scan. Writes exactly what Append(span, t) would.
  void AppendSplitLine(std::string_view span, size_t end_bytes, bool plain, Nanos t);
  // Hands every complete line to the stream and flushes it. The partial
  // line stays held, so a line is never split by a flush.
  Status Flush();
  // Writes the partial line (marked as not ended by an LF) and flushes.
  // Append may follow; its bytes start a new file line.
  Status Finish();

  uint64_t lines_written() const { return lines_written_; }

 private:
  void EmitLine(std::string_view raw, Nanos t, bool ended_by_lf);
  // The common case: a whole line at the start of `bytes`, escaped as its
  // end is looked for. Returns the bytes it took, LF included, or 0 (no LF
  // within the cap: nothing written).
  size_t EmitWholeLine(std::string_view bytes, Nanos t);
  // Makes room for a line of raw_size bytes and writes its time prefix;
  // returns where the content goes.
  char* StartLine(size_t raw_size, Nanos t);
  // Ends the line being written at `out` with its LF and counts it.
  void EndLine(char* out);
  void WriteOut();

  std::ostream* out_;
  size_t line_cap_;
  std::string partial_;   // raw bytes of the current line, < line_cap_
  Nanos partial_t_{0};    // when its first byte arrived
  // Formatted lines not yet handed to out_, written in place (no per-append
  // size checks): room for one more line is made before a line is written.
  std::unique_ptr<char[]> buffer_;
  size_t used_ = 0;
  size_t capacity_ = 0;
  Nanos prefix_t_{-1};    // cache of the last formatted time prefix
  char prefix_[kMaxLogTimeBytes] = {};
  size_t prefix_size_ = 0;
  uint64_t lines_written_ = 0;
};

// A piece of console output and when it arrived.
struct ConsoleChunk {
  std::string bytes;
  Nanos t{0};
};

// Turns a console.log back into the bytes and times it was written from, one
// chunk per file line, reading the stream in fixed-size blocks. Lines that
// are not in the format (edited by hand, truncated) are passed through as
// they are, with the previous line's time, and counted.
class ConsoleLogReader {
 public:
  explicit ConsoleLogReader(std::istream* in);

  // Fills *chunk and returns true, or returns false at the end of the file.
  // An error if the stream fails while reading.
  StatusOr<bool> Next(ConsoleChunk* chunk);

  uint64_t malformed_lines() const { return malformed_lines_; }
  uint64_t lines_read() const { return lines_read_; }

  // A file line longer than this is passed through in pieces (a writer with
  // the default cap never writes one longer than 4 * cap + prefix).
  static constexpr size_t kMaxFileLine = 1 << 20;

 private:
  // Reads one more block; false at EOF.
  StatusOr<bool> Fill();
  void Decode(std::string_view file_line, ConsoleChunk* chunk);

  std::istream* in_;
  std::unique_ptr<char[]> buffer_;  // kMaxFileLine + one read block
  size_t pos_ = 0;                  // next unread byte
  size_t end_ = 0;                  // end of the bytes read
  bool eof_ = false;
  Nanos last_t_{0};
  uint64_t malformed_lines_ = 0;
  uint64_t lines_read_ = 0;
};

// Parses the "[   12.345678]" prefix (and one space after it, if present) at
// the start of `line`. Returns the prefix length and sets *t, or returns 0.
size_t ParseLogTimePrefix(std::string_view line, Nanos* t);

enum class LogFormat { kRaw, kTimed };
inline const char* LogFormatName(LogFormat f) { return f == LogFormat::kTimed ? "timed" : "raw"; }

// Tells a timed console.log from a raw capture by its first bytes: timed if
// it has at least one line and every complete line of `head` (and the last
// one too when `at_eof`) has a time prefix and no raw control byte, CR
// included — which a serial capture almost always has. A raw capture of a
// Linux kernel log (same prefix) therefore still reads as raw.
LogFormat DetectLogFormat(std::string_view head, bool at_eof);

}  // namespace hilt

#endif  // HILT_CORE_CONSOLE_LOG_H_
