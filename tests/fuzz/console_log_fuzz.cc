// Fuzzes the timed console.log format (console_log.h) two ways:
//   1. the input as a console.log file (hand-edited, truncated, hostile):
//      the reader must not crash, must count what it read, and must give
//      times that are never negative;
//   2. the input as console bytes: written with ConsoleLogWriter in chunks
//      at increasing times (with a line cap taken from the input, so lines
//      get cut), then read back, they must come out exactly as they went in
//      (but a CR just before an LF, which the format drops), with the time
//      of each line's first byte, and the file must be valid UTF-8 text;
//   3. the same bytes given to the writer by a LineSplitter's raw sink (as
//      hilt replay does: plain whole lines copied without a scan) must make
//      the very file that Append makes, and the sink must see every byte
//      once, in order.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include "harness/core/console_log.h"
#include "harness/core/line_splitter.h"
#include "harness/core/utf8.h"
#include "tests/fuzz/fuzz_chunks.h"

namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "console_log_fuzz: %s\n", what);
  std::abort();
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t len = hilt::Utf8SequenceLength(s.substr(i));
    if (len == 0) return false;
    i += len;
  }
  return true;
}

void ReadAsLog(std::string_view bytes) {
  std::istringstream in{std::string(bytes)};
  hilt::ConsoleLogReader reader(&in);
  hilt::ConsoleChunk chunk;
  uint64_t chunks = 0;
  for (;;) {
    auto more = reader.Next(&chunk);
    if (!more.ok()) Fail("read error on a memory stream");
    if (!*more) break;
    ++chunks;
    if (chunk.t.count() < 0) Fail("negative time");
  }
  if (reader.lines_read() != chunks || reader.malformed_lines() > chunks) Fail("bad counts");
  (void)hilt::DetectLogFormat(bytes, true);
  (void)hilt::DetectLogFormat(bytes.substr(0, bytes.size() / 2), false);
}

std::string DropCrBeforeLf(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') continue;
    out += raw[i];
  }
  return out;
}

void RoundTrip(std::string_view raw) {
  const size_t cap = raw.empty() ? 1 : 1 + static_cast<unsigned char>(raw[0]) % 97;
  std::ostringstream out;
  hilt::ConsoleLogWriter writer(&out, cap);
  hilt::Nanos t(0);
  for (const auto& chunk : hilt::fuzz::RandomChunks(raw, 3)) {
    t += hilt::Nanos(1234567);  // not a whole microsecond: the format rounds down
    writer.Append(chunk.bytes, t);
    if (chunk.tick && !writer.Flush().ok()) Fail("flush failed on a memory stream");
  }
  if (!writer.Finish().ok()) Fail("finish failed on a memory stream");
  const std::string text = out.str();
  if (!IsValidUtf8(text)) Fail("console.log is not valid UTF-8");

  std::istringstream in(text);
  hilt::ConsoleLogReader reader(&in);
  hilt::ConsoleChunk chunk;
  std::string back;
  hilt::Nanos last(0);
  for (;;) {
    auto more = reader.Next(&chunk);
    if (!more.ok()) Fail("read error on a memory stream");
    if (!*more) break;
    if (chunk.t < last || chunk.t > t) Fail("times out of order or beyond the last write");
    last = chunk.t;
    back += chunk.bytes;
  }
  if (reader.malformed_lines() != 0) Fail("the reader rejects a line the writer wrote");
  if (reader.lines_read() != writer.lines_written()) Fail("line counts differ");
  if (back != DropCrBeforeLf(raw)) Fail("bytes changed in the round trip");
}

struct NoLines : hilt::LineSink {
  void OnLine(std::string_view, bool) override {}
};

// Feeds the writer from a splitter, as log_replay.cc does.
class SplitFeed : public hilt::RawSpanSink {
 public:
  explicit SplitFeed(hilt::ConsoleLogWriter* writer) : writer_(writer) {}
  hilt::Nanos t{0};
  std::string seen;
  void OnRawLine(std::string_view span, size_t end_bytes, bool plain) override {
    if (end_bytes == 0 || end_bytes > 2 || end_bytes >= span.size() + 1) Fail("bad raw line end");
    seen += span;
    writer_->AppendSplitLine(span, end_bytes, plain, t);
  }
  void OnRawBytes(std::string_view bytes) override {
    if (bytes.empty()) Fail("empty raw bytes");
    seen += bytes;
    writer_->Append(bytes, t);
  }

 private:
  hilt::ConsoleLogWriter* writer_;
};

void SplitterFedEqualsAppendFed(std::string_view raw) {
  std::ostringstream direct_out, split_out;
  hilt::ConsoleLogWriter direct(&direct_out), split(&split_out);
  hilt::LineSplitter splitter;
  SplitFeed feed(&split);
  splitter.set_raw_sink(&feed);
  NoLines lines;
  hilt::Nanos t(0);
  for (const auto& chunk : hilt::fuzz::RandomChunks(raw, 5)) {
    t += hilt::Nanos(1000);
    direct.Append(chunk.bytes, t);
    feed.t = t;
    splitter.Feed(chunk.bytes, &lines);
  }
  if (!direct.Finish().ok() || !split.Finish().ok()) Fail("finish failed on a memory stream");
  if (feed.seen != raw) Fail("the raw sink did not see every byte once, in order");
  if (direct_out.str() != split_out.str()) Fail("console.log from the splitter differs from Append's");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ReadAsLog(bytes);
  RoundTrip(bytes);
  SplitterFedEqualsAppendFed(bytes);
  return 0;
}
