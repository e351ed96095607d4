#include "harness/core/line_splitter.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "harness/core/byte_scan.h"

namespace hilt {
namespace {

constexpr char kEscByte = 0x1b;
constexpr char kBel = 0x07;

bool IsLineEnd(char c) { return c == '\n' || c == '\r'; }
bool InRange(char c, int lo, int hi) {
  const int b = static_cast<unsigned char>(c);
  return b >= lo && b <= hi;
}

}  // namespace

LineSplitter::LineSplitter() { partial_.reserve(kMaxLineBytes); }

void LineSplitter::EndLine(LineSink* sink) {
  if (discarding_) {
    discarding_ = false;  // the truncated part went out already
  } else {
    ++lines_;
    sink->OnLine(partial_, false);
  }
  partial_.clear();
}

void LineSplitter::Append(const char* data, size_t n, LineSink* sink) {
  after_cr_ = false;
  if (discarding_) return;
  const size_t room = kMaxLineBytes - partial_.size();
  if (n <= room) {
    partial_.append(data, n);
    return;
  }
  partial_.append(data, room);
  ++lines_;
  sink->OnLine(partial_, true);
  partial_.clear();
  discarding_ = true;
}

void LineSplitter::Feed(std::string_view bytes, LineSink* sink) {
  const char* p = bytes.data();
  const size_t n = bytes.size();
  size_t i = 0;
  size_t raw_done = 0;  // bytes before this one went to raw_
  while (i < n) {
    if (state_ == State::kText) {
      const size_t start = i;
      bool plain = true;
      if (raw_ != nullptr) {
        // console.log's stop bytes are a superset: past one that is not
        // the splitter's, the line is not plain and the scan goes on.
        i = FindStopByte(p, i, n, StopBytes::kEscape);
        if (i < n && !IsStopByte(static_cast<unsigned char>(p[i]), StopBytes::kControl)) {
          plain = false;
          i = FindStopByte(p, i, n, StopBytes::kControl);
        }
      } else {
        i = FindStopByte(p, i, n, StopBytes::kControl);
      }
      const size_t run = i - start;
      if (run > 0) {
        // A whole clean line inside this chunk goes out without a copy.
        if (i < n && IsLineEnd(p[i]) && partial_.empty() && !discarding_ &&
            run <= kMaxLineBytes) {
          ++lines_;
          sink->OnLine(std::string_view(p + start, run), false);
          after_cr_ = p[i] == '\r';
          ++i;
          // The LF of a CRLF, as the loop below would swallow it, without
          // another scan: serial consoles end every line so.
          if (after_cr_ && i < n && p[i] == '\n') {
            after_cr_ = false;
            ++i;
          }
          if (raw_ != nullptr) {
            if (start > raw_done) raw_->OnRawBytes(std::string_view(p + raw_done, start - raw_done));
            raw_->OnRawLine(std::string_view(p + start, i - start), i - start - run, plain);
            raw_done = i;
          }
          continue;
        }
        Append(p + start, run, sink);
      }
      if (i == n) break;
      const char c = p[i++];
      if (c == '\n') {
        if (after_cr_) {
          after_cr_ = false;  // the LF of a CRLF (or CR CR LF)
        } else {
          EndLine(sink);
        }
      } else if (c == '\r') {
        if (!after_cr_) EndLine(sink);
        after_cr_ = true;
      } else if (c == kEscByte) {
        state_ = State::kEsc;
      }
      // Any other control byte, DEL and 0xFF are dropped.
      continue;
    }

    // Inside an escape sequence: byte by byte. A line end always ends the
    // sequence and is then handled as text, so a broken escape cannot eat
    // lines. `continue` without ++i reprocesses the byte in the new state.
    const char c = p[i];
    if (IsLineEnd(c)) {
      state_ = State::kText;
      continue;
    }
    switch (state_) {
      case State::kEsc:
        if (c == '[') {
          state_ = State::kCsi;
        } else if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') {
          state_ = State::kString;
        } else if (InRange(c, 0x20, 0x2f)) {
          state_ = State::kEscInter;
        } else if (InRange(c, 0x30, 0x7e)) {
          state_ = State::kText;  // two-byte sequence, e.g. ESC 7, ESC c
        } else if (c != kEscByte) {
          state_ = State::kText;  // not an escape after all: keep the byte
          continue;
        }
        break;
      case State::kEscInter:
        if (InRange(c, 0x30, 0x7e)) {
          state_ = State::kText;  // e.g. ESC ( B
        } else if (!InRange(c, 0x20, 0x2f)) {
          state_ = c == kEscByte ? State::kEsc : State::kText;
          if (c != kEscByte) continue;
        }
        break;
      case State::kCsi:
        if (InRange(c, 0x40, 0x7e)) {
          state_ = State::kText;  // the final byte
        } else if (c == kEscByte) {
          state_ = State::kEsc;
        } else if (static_cast<unsigned char>(c) >= 0x7f) {
          state_ = State::kText;  // not a CSI byte: the sequence is broken
          continue;
        }
        // Parameters, intermediates and stray C0 controls stay inside.
        break;
      case State::kString:
        if (c == kBel) {
          state_ = State::kText;
        } else if (c == kEscByte) {
          state_ = State::kStringEsc;
        }
        break;
      case State::kStringEsc:
        if (c == '\\') {
          state_ = State::kText;  // ST
        } else {
          state_ = State::kEsc;  // ESC ends the string and starts a new escape
          continue;
        }
        break;
      case State::kText:
        break;  // handled above
    }
    ++i;
  }
  if (raw_ != nullptr && n > raw_done) raw_->OnRawBytes(std::string_view(p + raw_done, n - raw_done));
}

void LineSplitter::Finish(LineSink* sink) {
  if (!partial_.empty() && !discarding_) {
    ++lines_;
    sink->OnLine(partial_, false);
  }
  partial_.clear();
  discarding_ = false;
  after_cr_ = false;
  state_ = State::kText;
}

}  // namespace hilt
