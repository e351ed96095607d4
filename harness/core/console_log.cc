#include "harness/core/console_log.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <istream>
#include <limits>
#include <memory>
#include <ostream>

#include "harness/core/byte_buffer.h"
#include "harness/core/byte_scan.h"
#include "harness/core/utf8.h"

namespace hilt {

namespace {

constexpr size_t kOutputBlock = 64 * 1024;
constexpr size_t kReadBlock = 64 * 1024;
constexpr char kHex[] = "0123456789ABCDEF";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

char* FormatLogTimeTo(Nanos t, char* out) {
  const int64_t ns = t.count() < 0 ? 0 : t.count();
  uint64_t seconds = static_cast<uint64_t>(ns / 1000000000);
  uint64_t micros = static_cast<uint64_t>((ns % 1000000000) / 1000);
  char digits[24];
  size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + seconds % 10);
    seconds /= 10;
  } while (seconds != 0);
  *out++ = '[';
  for (size_t pad = n; pad < 5; ++pad) *out++ = ' ';
  while (n > 0) *out++ = digits[--n];
  *out++ = '.';
  for (int k = 5; k >= 0; --k) {
    out[k] = static_cast<char>('0' + micros % 10);
    micros /= 10;
  }
  out += 6;
  *out++ = ']';
  *out++ = ' ';
  return out;
}

std::string FormatLogTime(Nanos t) {
  char buf[kMaxLogTimeBytes];
  return std::string(buf, FormatLogTimeTo(t, buf));
}

namespace {

// FindStopByte that also copies what it skips: byte k >= run_start goes to
// out + (k - run_start). With SSE2 each 16 bytes are stored as they are tested; those
// stored past a stop byte are overwritten by what is written next, and stay
// within the 4 bytes a byte the output has room for. *copied: bytes before
// it are in place; the caller copies the rest of the run.
inline size_t ScanCopying(const char* raw, size_t i, size_t n, char* out, size_t run_start,
                          size_t* copied) {
  if (*copied < i) {
    std::memcpy(out + (*copied - run_start), raw + *copied, i - *copied);  // a UTF-8 sequence
    *copied = i;
  }
#if defined(__SSE2__)
  for (; i + 16 <= n; i += 16) {
    // Loaded once: the store could alias raw as far as the compiler knows.
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(raw + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + (i - run_start)), x);
    const unsigned mask = StopMask16(x, StopBytes::kEscape);
    if (mask != 0) {
      i += static_cast<size_t>(__builtin_ctz(mask));
      *copied = i;
      return i;
    }
  }
  *copied = i;
#endif
  return FindStopByte(raw, i, n, StopBytes::kEscape);
}

// Escapes p[0, n) at `out` and returns the end of what was written. With
// kToLineEnd it stops at the first LF, or at a CR just before an LF, and
// sets *stop to where (n if there is none): console.log's writer escapes a
// line as it looks for its end, in one scan. A UTF-8 sequence never holds
// an LF or CR byte, so it is judged the same as within the line alone.
template <bool kToLineEnd>
char* EscapeSpan(const char* raw, size_t n, char* out, size_t* stop) {
  const auto* p = reinterpret_cast<const unsigned char*>(raw);
  size_t run_start = 0;  // bytes from here to i are copied as they are
  size_t copied = 0;     // bytes before this one are copied already
  size_t i = 0;
  for (;;) {
    // Most console text is plain ASCII, skipped (and copied) in wide steps.
    i = ScanCopying(raw, i, n, out, run_start, &copied);
    if (i >= n) break;
    const unsigned char c = p[i];
    if (c >= 0x80) {
      const size_t len = Utf8SequenceLength(std::string_view(raw + i, n - i));
      // C1 controls (U+0080..U+009F, C2 80..C2 9F) are valid UTF-8 but some
      // terminals act on them; escape them like C0 controls.
      const bool c1 = len == 2 && c == 0xC2 && p[i + 1] < 0xA0;
      if (len > 0 && !c1) {
        i += len;  // well-formed UTF-8 stays in the run
        continue;
      }
    }
    if (i > copied) std::memcpy(out + (copied - run_start), raw + copied, i - copied);
    out += i - run_start;
    if (kToLineEnd && (c == '\n' || (c == '\r' && i + 1 < n && p[i + 1] == '\n'))) {
      *stop = i;
      return out;
    }
    if (c == '\\') {
      *out++ = '\\';
      *out++ = '\\';
    } else {
      out[0] = '\\';
      out[1] = 'x';
      out[2] = kHex[c >> 4];
      out[3] = kHex[c & 0xF];
      out += 4;
    }
    run_start = copied = ++i;
  }
  if (n > copied) std::memcpy(out + (copied - run_start), raw + copied, n - copied);
  *stop = n;
  return out + (n - run_start);
}

}  // namespace

char* EscapeConsoleBytesTo(std::string_view raw, char* out) {
  size_t stop = 0;
  return EscapeSpan<false>(raw.data(), raw.size(), out, &stop);
}

void EscapeConsoleBytes(std::string_view raw, std::string* out) {
  const size_t old = out->size();
  out->resize(old + 4 * raw.size());
  char* end = EscapeConsoleBytesTo(raw, out->data() + old);
  out->resize(static_cast<size_t>(end - out->data()));
}

ConsoleLogWriter::ConsoleLogWriter(std::ostream* out, size_t line_cap)
    : out_(out), line_cap_(line_cap == 0 ? 1 : line_cap) {}

void ConsoleLogWriter::Append(std::string_view bytes, Nanos t) {
  while (!bytes.empty()) {
    if (partial_.empty()) {
      partial_t_ = t;
      // Fast path: the whole line is in this chunk, escaped from it.
      const size_t line = EmitWholeLine(bytes, t);
      if (line > 0) {
        bytes.remove_prefix(line);
        continue;
      }
    }
    const size_t room = line_cap_ - partial_.size();
    // The LF itself does not count toward the cap: look one byte further.
    const size_t scan = std::min(bytes.size(), room + 1);
    const void* lf = std::memchr(bytes.data(), '\n', scan);
    if (lf != nullptr) {
      // Only after a partial line: a whole one went out above.
      size_t len = static_cast<const char*>(lf) - bytes.data();
      partial_.append(bytes.data(), len);
      if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
      EmitLine(partial_, partial_t_, true);
      partial_.clear();
      bytes.remove_prefix(len + 1);
    } else if (bytes.size() <= room) {
      partial_.append(bytes);
      return;
    } else if (partial_.empty()) {
      // Over the cap and the next byte is not an LF: cut here, no copy.
      EmitLine(bytes.substr(0, room), partial_t_, false);
      bytes.remove_prefix(room);
    } else {
      partial_.append(bytes.data(), room);
      EmitLine(partial_, partial_t_, false);
      partial_.clear();
      bytes.remove_prefix(room);
    }
  }
}

void ConsoleLogWriter::AppendSplitLine(std::string_view span, size_t end_bytes, bool plain,
                                       Nanos t) {
  const size_t size = span.size() - end_bytes;
  // A plain line escapes to itself; its CR before the LF is dropped, as
  // Append drops it. A lone CR continues the line in console.log.
  if (!plain || !partial_.empty() || end_bytes == 0 || span.back() != '\n' || size > line_cap_) {
    Append(span, t);
    return;
  }
  char* out = StartLine(size, t);
  CopyBytes(out, span.data(), size);  // a short line: no memcpy call
  out += size;
  EndLine(out);
}

char* ConsoleLogWriter::StartLine(size_t raw_size, Nanos t) {
  if (t != prefix_t_) {
    prefix_size_ = static_cast<size_t>(FormatLogTimeTo(t, prefix_) - prefix_);
    prefix_t_ = t;
  }
  // The prefix is copied whole (a fixed size is two moves, not a call).
  const size_t most = kMaxLogTimeBytes + 4 * raw_size + 2;  // + marker, LF
  if (capacity_ - used_ < most) {
    WriteOut();
    if (capacity_ < most) {
      capacity_ = std::max(kOutputBlock + most, 2 * kOutputBlock);
      buffer_ = std::make_unique_for_overwrite<char[]>(capacity_);
    }
  }
  char* out = buffer_.get() + used_;
  std::memcpy(out, prefix_, kMaxLogTimeBytes);
  return out + prefix_size_;
}

size_t ConsoleLogWriter::EmitWholeLine(std::string_view bytes, Nanos t) {
  // As Append's search: the LF may be one byte past the cap.
  const size_t scan = std::min(bytes.size(), line_cap_ + 1);
  char* out = StartLine(scan, t);
  size_t stop = 0;
  out = EscapeSpan<true>(bytes.data(), scan, out, &stop);
  if (stop == scan) return 0;  // no line end: nothing is kept of what was written
  EndLine(out);
  return stop + (bytes[stop] == '\r' ? 2 : 1);
}

void ConsoleLogWriter::EmitLine(std::string_view raw, Nanos t, bool ended_by_lf) {
  char* out = StartLine(raw.size(), t);
  out = EscapeConsoleBytesTo(raw, out);
  if (!ended_by_lf) *out++ = '\\';
  EndLine(out);
}

void ConsoleLogWriter::EndLine(char* out) {
  *out++ = '\n';
  used_ = static_cast<size_t>(out - buffer_.get());
  ++lines_written_;
  if (used_ >= kOutputBlock) WriteOut();
}

void ConsoleLogWriter::WriteOut() {
  if (used_ > 0) out_->write(buffer_.get(), static_cast<std::streamsize>(used_));
  used_ = 0;
}

Status ConsoleLogWriter::Flush() {
  WriteOut();
  out_->flush();
  if (!*out_) return Status::LabFailure("cannot write console.log (disk full or removed?)");
  return Status::Ok();
}

Status ConsoleLogWriter::Finish() {
  if (!partial_.empty()) {
    EmitLine(partial_, partial_t_, false);
    partial_.clear();
  }
  return Flush();
}

size_t ParseLogTimePrefix(std::string_view line, Nanos* t) {
  size_t i = 0;
  if (line.empty() || line[0] != '[') return 0;
  ++i;
  while (i < line.size() && line[i] == ' ') ++i;
  int64_t seconds = 0;
  size_t digits = 0;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') {
    if (++digits > 12) return 0;  // past 31 000 years: not ours
    seconds = seconds * 10 + (line[i] - '0');
    ++i;
  }
  if (digits == 0 || i >= line.size() || line[i] != '.') return 0;
  ++i;
  int64_t micros = 0;
  for (int k = 0; k < 6; ++k, ++i) {
    if (i >= line.size() || line[i] < '0' || line[i] > '9') return 0;
    micros = micros * 10 + (line[i] - '0');
  }
  if (i >= line.size() || line[i] != ']') return 0;
  // Beyond what Nanos holds (about 292 years): the product would overflow.
  if (seconds >= std::numeric_limits<int64_t>::max() / 1000000000) return 0;
  ++i;
  if (i < line.size() && line[i] == ' ') ++i;
  *t = Nanos(seconds * 1000000000 + micros * 1000);
  return i;
}

ConsoleLogReader::ConsoleLogReader(std::istream* in)
    : in_(in), buffer_(std::make_unique_for_overwrite<char[]>(kMaxFileLine + kReadBlock)) {}

StatusOr<bool> ConsoleLogReader::Fill() {
  if (eof_) return false;
  // Next calls this with less than kMaxFileLine bytes left, so a block fits
  // after them. Reading into place spares zeroing a resized string.
  if (pos_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  in_->read(buffer_.get() + end_, kReadBlock);
  const size_t got = static_cast<size_t>(in_->gcount());
  end_ += got;
  if (in_->bad()) return Status::InvalidInput("read error in console log");
  if (got == 0 || in_->eof()) eof_ = true;
  return got > 0;
}

StatusOr<bool> ConsoleLogReader::Next(ConsoleChunk* chunk) {
  for (;;) {
    std::string_view rest(buffer_.get() + pos_, end_ - pos_);
    size_t nl = rest.find('\n');
    if (nl != std::string_view::npos) {
      Decode(rest.substr(0, nl), chunk);
      pos_ += nl + 1;
      return true;
    }
    if (rest.size() >= kMaxFileLine) {
      // Not a line we wrote: pass it on in pieces, keeping memory bounded.
      chunk->bytes.assign(rest.data(), kMaxFileLine);
      chunk->t = last_t_;
      ++malformed_lines_;
      pos_ += kMaxFileLine;
      return true;
    }
    StatusOr<bool> more = Fill();
    if (!more.ok()) return more.status();
    if (!*more) {
      if (rest.empty()) return false;
      // A last line without its LF: the file was cut short. Decode it as it is.
      std::string last(rest);
      pos_ = end_;
      Decode(last, chunk);
      return true;
    }
  }
}

void ConsoleLogReader::Decode(std::string_view file_line, ConsoleChunk* chunk) {
  ++lines_read_;
  chunk->bytes.clear();
  Nanos t{0};
  size_t prefix = ParseLogTimePrefix(file_line, &t);
  if (prefix == 0) {
    ++malformed_lines_;
    chunk->bytes.assign(file_line);
    chunk->bytes += '\n';
    chunk->t = last_t_;
    return;
  }
  last_t_ = t;
  chunk->t = t;
  std::string_view s = file_line.substr(prefix);
  bool ended_by_lf = true;
  size_t run_start = 0;
  size_t i = 0;
  while (i < s.size()) {
    // Escapes are rare: jump from backslash to backslash.
    const void* esc = std::memchr(s.data() + i, '\\', s.size() - i);
    if (esc == nullptr) break;
    i = static_cast<size_t>(static_cast<const char*>(esc) - s.data());
    chunk->bytes.append(s.data() + run_start, i - run_start);
    if (i + 1 == s.size()) {
      ended_by_lf = false;  // the "no LF" marker
      i += 1;
    } else if (s[i + 1] == '\\') {
      chunk->bytes += '\\';
      i += 2;
    } else if (s[i + 1] == 'x' && i + 3 < s.size() && HexValue(s[i + 2]) >= 0 &&
               HexValue(s[i + 3]) >= 0) {
      chunk->bytes += static_cast<char>(HexValue(s[i + 2]) * 16 + HexValue(s[i + 3]));
      i += 4;
    } else {
      chunk->bytes += '\\';  // not an escape we write: keep it
      i += 1;
    }
    run_start = i;
  }
  chunk->bytes.append(s.data() + run_start, s.size() - run_start);
  if (ended_by_lf) chunk->bytes += '\n';
}

LogFormat DetectLogFormat(std::string_view head, bool at_eof) {
  size_t lines = 0;
  while (!head.empty()) {
    size_t nl = head.find('\n');
    std::string_view line;
    if (nl == std::string_view::npos) {
      if (!at_eof) break;  // cut by the sample, not by the file
      line = head;
      head = {};
    } else {
      line = head.substr(0, nl);
      head.remove_prefix(nl + 1);
    }
    Nanos t;
    if (ParseLogTimePrefix(line, &t) == 0) return LogFormat::kRaw;
    size_t i = 0;
    while (i < line.size()) {
      auto c = static_cast<unsigned char>(line[i]);
      if (c < 0x80) {
        if ((c < 0x20 && c != '\t') || c == 0x7F) return LogFormat::kRaw;
        ++i;
        continue;
      }
      size_t len = Utf8SequenceLength(line.substr(i));
      if (len == 0) return LogFormat::kRaw;
      i += len;
    }
    ++lines;
  }
  return lines > 0 ? LogFormat::kTimed : LogFormat::kRaw;
}

}  // namespace hilt
