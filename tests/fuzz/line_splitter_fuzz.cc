// Fuzzes the LineSplitter: arbitrary console bytes, cut in several chunkings
// (fuzz_chunks.h), must give the same lines, truncation marks and partial
// line as the whole buffer fed at once. Each line must also be clean: no
// line-end bytes, no C0 control but TAB, no DEL or 0xFF, at most
// kMaxLineBytes long.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/line_splitter.h"
#include "tests/fuzz/fuzz_chunks.h"

namespace {

struct Collect : hilt::LineSink {
  std::vector<std::string> lines;
  std::vector<bool> truncated;
  void OnLine(std::string_view line, bool cut) override {
    for (unsigned char c : line) {
      if ((c < 0x20 && c != '\t') || c == 0x7f || c == 0xff) {
        std::fprintf(stderr, "line_splitter_fuzz: byte 0x%02x in a line\n", c);
        std::abort();
      }
    }
    if (line.size() > hilt::LineSplitter::kMaxLineBytes) {
      std::fprintf(stderr, "line_splitter_fuzz: line of %zu bytes\n", line.size());
      std::abort();
    }
    lines.emplace_back(line);
    truncated.push_back(cut);
  }
};

struct Result {
  Collect sink;
  std::string partial;  // before Finish
  size_t count = 0;     // lines() after Finish
};

Result Split(const std::vector<hilt::fuzz::Chunk>& chunks) {
  Result r;
  hilt::LineSplitter splitter;
  for (const auto& chunk : chunks) splitter.Feed(chunk.bytes, &r.sink);
  r.partial = std::string(splitter.partial());
  splitter.Finish(&r.sink);
  r.count = splitter.lines();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const Result whole = Split({hilt::fuzz::Chunk{bytes, false}});
  if (whole.count != whole.sink.lines.size()) {
    std::fprintf(stderr, "line_splitter_fuzz: lines() %zu but %zu lines emitted\n", whole.count,
                 whole.sink.lines.size());
    std::abort();
  }
  for (const auto& chunks : hilt::fuzz::Chunkings(bytes)) {
    const Result cut = Split(chunks);
    if (cut.sink.lines != whole.sink.lines || cut.sink.truncated != whole.sink.truncated ||
        cut.partial != whole.partial || cut.count != whole.count) {
      size_t i = 0;
      while (i < cut.sink.lines.size() && i < whole.sink.lines.size() &&
             cut.sink.lines[i] == whole.sink.lines[i]) {
        ++i;
      }
      std::fprintf(stderr,
                   "line_splitter_fuzz: lines depend on the chunking (%zu chunks): %zu vs %zu "
                   "lines, first difference at line %zu\n",
                   chunks.size(), whole.sink.lines.size(), cut.sink.lines.size(), i + 1);
      std::abort();
    }
  }
  return 0;
}
