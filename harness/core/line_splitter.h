// LineSplitter: console bytes in, clean lines out, streaming.
//
// A UART delivers bytes in arbitrary chunks, with CRLF or lone CR line ends,
// power-on noise (NUL, 0xFF), backspaces and colour escapes. The splitter
// turns that into the lines a person would read, so patterns match what the
// log looks like, whatever the chunking:
//   - line ends: LF; CR; any run of CRs followed by an optional LF is one end
//     (CRLF and CR CR LF too, even when the chunk boundary falls between);
//   - dropped for matching: C0 controls except TAB (NUL, BEL, BS, ...), DEL,
//     0xFF, and ANSI/VT100 escapes: CSI (ESC [ ... final), string sequences
//     (OSC, DCS, SOS, PM, APC up to BEL or ESC \), and ESC [intermediates]
//     final; an escape cut by a line end or another ESC ends there;
//   - every other byte is kept as is (invalid UTF-8 included: matching is on
//     bytes, see console_regex.h);
//   - a line longer than kMaxLineBytes is emitted at the cap, marked
//     truncated, and the rest is discarded up to the next line end.
// Memory is bounded: one buffer of kMaxLineBytes, allocated once. Lines that
// arrive whole and clean in one chunk are handed out without a copy.
#ifndef HILT_CORE_LINE_SPLITTER_H_
#define HILT_CORE_LINE_SPLITTER_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace hilt {

class LineSink {
 public:
  virtual ~LineSink() = default;
  // `line` is valid only during the call; it holds no line-end bytes.
  virtual void OnLine(std::string_view line, bool truncated) = 0;
};

// Sees the raw bytes of each Feed, every byte once and in order, cut where
// the splitter handed out a whole line without copying it: that line's raw
// span with its line end ("\n", "\r\n" or a lone "\r", the last `end_bytes`
// bytes of `span`), and the bytes around such lines. `plain`: the line has
// no backslash and no byte from 0x80, so console.log would write it as it is
// (console_log.h): its writer then needs no scan of its own.
class RawSpanSink {
 public:
  virtual ~RawSpanSink() = default;
  virtual void OnRawLine(std::string_view span, size_t end_bytes, bool plain) = 0;
  virtual void OnRawBytes(std::string_view bytes) = 0;
};

class LineSplitter {
 public:
  static constexpr size_t kMaxLineBytes = 4096;

  LineSplitter();

  void Feed(std::string_view bytes, LineSink* sink);
  // Also hands the raw bytes of every Feed to `raw` (nullptr: none).
  void set_raw_sink(RawSpanSink* raw) { raw_ = raw; }
  // End of input: a pending partial line becomes a line.
  void Finish(LineSink* sink);

  // The line being received (cleaned), empty while discarding the rest of a
  // truncated line. Lets a prompt that ends without a newline be matched.
  std::string_view partial() const { return discarding_ ? std::string_view() : partial_; }

  // Lines emitted so far; the partial line, if any, will be number lines()+1.
  size_t lines() const { return lines_; }

 private:
  enum class State {
    kText,        // ordinary bytes
    kEsc,         // after ESC
    kEscInter,    // ESC, then intermediates (0x20-0x2F), waiting for the final
    kCsi,         // ESC [ parameters/intermediates, waiting for the final
    kString,      // OSC/DCS/SOS/PM/APC body, up to BEL or ESC backslash
    kStringEsc,   // ESC inside a string sequence
  };

  void EndLine(LineSink* sink);
  void Append(const char* data, size_t n, LineSink* sink);

  std::string partial_;
  RawSpanSink* raw_ = nullptr;
  State state_ = State::kText;
  bool after_cr_ = false;     // the last line end was a CR: swallow CRs and one LF
  bool discarding_ = false;   // a truncated line's rest, until its line end
  size_t lines_ = 0;
};

}  // namespace hilt

#endif  // HILT_CORE_LINE_SPLITTER_H_
