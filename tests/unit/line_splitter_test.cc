#include "harness/core/line_splitter.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hilt {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace std::string_literals;

struct RawCollected : RawSpanSink {
  std::string bytes;                                   // every span, in order
  std::vector<std::string> lines;                      // OnRawLine spans without their ends
  std::vector<std::string> ends;
  std::vector<bool> plain;
  void OnRawLine(std::string_view span, size_t end_bytes, bool is_plain) override {
    bytes += span;
    lines.emplace_back(span.substr(0, span.size() - end_bytes));
    ends.emplace_back(span.substr(span.size() - end_bytes));
    plain.push_back(is_plain);
  }
  void OnRawBytes(std::string_view b) override {
    ASSERT_FALSE(b.empty());
    bytes += b;
  }
};

struct Collected : LineSink {
  std::vector<std::string> lines;
  std::vector<bool> truncated;
  void OnLine(std::string_view line, bool trunc) override {
    lines.emplace_back(line);
    truncated.push_back(trunc);
  }
};

// The raw sink sees each byte once, in order, whatever the chunking; a raw
// line is the line the splitter handed out uncopied, with its end; plain
// means no backslash and no byte from 0x80; and the lines are the same as
// without a raw sink. Random bytes from a console-like alphabet.
TEST(LineSplitterTest, RawSinkSeesEveryByteOnceCutAtWholeLines) {
  std::mt19937 rng(11);
  const std::string alphabet = "abc \t\r\n\r\n\x1b[m\\\x00\xff\x7f\xc3\xa9";
  size_t raw_lines = 0, not_plain = 0;
  for (int round = 0; round < 300; ++round) {
    std::string input;
    for (size_t len = rng() % 400; input.size() < len;) {
      input += rng() % 4 == 0 ? std::string(rng() % 60, 'x') : std::string(1, alphabet[rng() % alphabet.size()]);
    }
    if (round % 10 == 0) input += std::string(5000, 'L') + "\n";  // over the cap
    const size_t chunk = 1 + rng() % 90;
    LineSplitter splitter;
    LineSplitter plain_splitter;
    Collected with_raw, without_raw;
    RawCollected raw;
    splitter.set_raw_sink(&raw);
    for (size_t i = 0; i < input.size(); i += chunk) {
      const std::string_view piece = std::string_view(input).substr(i, chunk);
      const size_t lines_before = with_raw.lines.size();
      const size_t raw_before = raw.lines.size();
      splitter.Feed(piece, &with_raw);
      plain_splitter.Feed(piece, &without_raw);
      // Each raw line is one of the lines this feed emitted, in order.
      size_t k = lines_before;
      for (size_t r = raw_before; r < raw.lines.size(); ++r) {
        while (k < with_raw.lines.size() && with_raw.lines[k] != raw.lines[r]) ++k;
        ASSERT_LT(k, with_raw.lines.size()) << "raw line '" << raw.lines[r] << "' was not emitted";
        ++k;
      }
    }
    splitter.Finish(&with_raw);
    plain_splitter.Finish(&without_raw);
    ASSERT_EQ(raw.bytes, input) << "round " << round;
    EXPECT_EQ(with_raw.lines, without_raw.lines);
    EXPECT_EQ(with_raw.truncated, without_raw.truncated);
    for (size_t r = 0; r < raw.lines.size(); ++r) {
      const std::string& line = raw.lines[r];
      EXPECT_TRUE(raw.ends[r] == "\n" || raw.ends[r] == "\r\n" || raw.ends[r] == "\r") << raw.ends[r];
      const bool want_plain = line.find('\\') == std::string::npos &&
                              std::none_of(line.begin(), line.end(),
                                           [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
      EXPECT_EQ(raw.plain[r], want_plain) << line;
      not_plain += want_plain ? 0 : 1;
    }
    raw_lines += raw.lines.size();
  }
  EXPECT_GT(raw_lines, 400u);
  EXPECT_GT(not_plain, 50u);
}

// Splits `input` fed in chunks of `chunk` bytes (0: all at once), then Finish.
Collected Split(std::string_view input, size_t chunk = 0, bool finish = true) {
  LineSplitter splitter;
  Collected out;
  if (chunk == 0) chunk = input.size() + 1;
  for (size_t i = 0; i < input.size(); i += chunk) splitter.Feed(input.substr(i, chunk), &out);
  if (finish) splitter.Finish(&out);
  return out;
}

// The same lines whatever the chunk sizes: whole, byte by byte, and a few
// sizes that cut CRLF pairs and escapes in every place.
void ExpectChunkingInvariant(std::string_view input) {
  const Collected whole = Split(input);
  for (size_t chunk : {1, 2, 3, 5, 7, 64}) {
    const Collected c = Split(input, chunk);
    EXPECT_EQ(c.lines, whole.lines) << "chunk size " << chunk;
    EXPECT_EQ(c.truncated, whole.truncated) << "chunk size " << chunk;
  }
}

TEST(LineSplitterTest, EveryLineEndIsOneEnd) {
  EXPECT_THAT(Split("a\nb\n").lines, ElementsAre("a", "b"));
  EXPECT_THAT(Split("a\r\nb\r\n").lines, ElementsAre("a", "b"));
  EXPECT_THAT(Split("a\r\r\nb\r\r\n").lines, ElementsAre("a", "b"));
  EXPECT_THAT(Split("a\rb\r").lines, ElementsAre("a", "b"));
  EXPECT_THAT(Split("a\n\nb\n").lines, ElementsAre("a", "", "b"));
  EXPECT_THAT(Split("a\r\n\r\nb").lines, ElementsAre("a", "", "b"));
}

TEST(LineSplitterTest, CrLfSplitAcrossChunksIsOneEnd) {
  LineSplitter splitter;
  Collected out;
  splitter.Feed("NOTICE:  BL2: v2.10.0\r", &out);
  ASSERT_THAT(out.lines, ElementsAre("NOTICE:  BL2: v2.10.0"));  // a CR ends the line at once
  splitter.Feed("\nnext\r", &out);
  splitter.Feed("\r", &out);
  splitter.Feed("\n", &out);
  EXPECT_THAT(out.lines, ElementsAre("NOTICE:  BL2: v2.10.0", "next"));
}

TEST(LineSplitterTest, ChunkingInvariance) {
  ExpectChunkingInvariant("F0: 102B 0000\r\nFA: 1042 0000\r\r\nJump to BL\r\n\r\nNOTICE:  BL2\rx\n");
  const std::string colored = "\0\xff\xff\x1b[0;32mgreen\x1b[0m\r\n\x1b]0;title\x07tail\r\n"s;
  EXPECT_THAT(Split(colored, 1).lines, ElementsAre("green", "tail"));
  ExpectChunkingInvariant(colored);
  ExpectChunkingInvariant("U-Boot 2024.04\n\x1b[1;1H\x1b[2Jclear\nHit any key to stop autoboot:  3\b\b\b 2");
}

TEST(LineSplitterTest, DropsNoiseAndControlsButKeepsTab) {
  const std::string noisy = "\0\0\xff\xffJump\x07 to\x08 BL\x7f\tok\r\n"s;
  EXPECT_THAT(Split(noisy).lines, ElementsAre("Jump to BL\tok"));
  ExpectChunkingInvariant(noisy);
}

TEST(LineSplitterTest, StripsAnsiEscapes) {
  EXPECT_THAT(Split("\x1b[1;31mERROR\x1b[0m: x\n").lines, ElementsAre("ERROR: x"));   // CSI
  EXPECT_THAT(Split("\x1b]0;title\x07text\n").lines, ElementsAre("text"));            // OSC, BEL
  EXPECT_THAT(Split("\x1b]8;;http://x\x1b\\link\n").lines, ElementsAre("link"));      // OSC, ST
  EXPECT_THAT(Split("a\x1b" "7b\x1b" "8c\n").lines, ElementsAre("abc"));              // ESC 7 / ESC 8
  EXPECT_THAT(Split("\x1b(Bplain\n").lines, ElementsAre("plain"));                    // ESC ( B
  EXPECT_THAT(Split("\x1b[?25lhidden cursor\n").lines, ElementsAre("hidden cursor"));
}

TEST(LineSplitterTest, EscapeSplitAcrossChunks) {
  LineSplitter splitter;
  Collected out;
  for (std::string_view part : {"BL2\x1b", "[", "0;3", "2m: ok\x1b]", "0;t", "\x1b", "\\!\n"}) {
    splitter.Feed(part, &out);
  }
  EXPECT_THAT(out.lines, ElementsAre("BL2: ok!"));
}

TEST(LineSplitterTest, BrokenEscapeDoesNotEatLines) {
  // An OSC that never ends stops at the line end; the next line is intact.
  EXPECT_THAT(Split("\x1b]0;never ends\nBPI-R4> \n").lines, ElementsAre("", "BPI-R4> "));
  // ESC before a non-ASCII byte: the ESC goes, the byte stays.
  EXPECT_THAT(Split("a\x1b\xc3\xa9z\n").lines, ElementsAre("a\xc3\xa9z"));
}

TEST(LineSplitterTest, KeepsInvalidUtf8) {
  const std::string bytes = "\x80\xc3(\xe2\x82 ok\xfe\n"s;
  EXPECT_THAT(Split(bytes).lines, ElementsAre("\x80\xc3(\xe2\x82 ok\xfe"s));
}

TEST(LineSplitterTest, CutsOverLongLinesAndDiscardsTheRest) {
  const std::string long_line(LineSplitter::kMaxLineBytes + 1000, 'x');
  const Collected out = Split(long_line + "\r\nafter\r\n");
  ASSERT_THAT(out.lines, ElementsAre(std::string(LineSplitter::kMaxLineBytes, 'x'), "after"));
  EXPECT_THAT(out.truncated, ElementsAre(true, false));
  ExpectChunkingInvariant(long_line + "\r\nafter\r\n");

  // Exactly the cap is not truncated.
  const Collected exact = Split(std::string(LineSplitter::kMaxLineBytes, 'y') + "\n");
  EXPECT_THAT(exact.truncated, ElementsAre(false));
}

TEST(LineSplitterTest, MemoryStaysBoundedWithoutLineEnds) {
  LineSplitter splitter;
  Collected out;
  const std::string mib(1 << 20, 'z');
  for (int i = 0; i < 8; ++i) splitter.Feed(mib, &out);
  EXPECT_EQ(out.lines.size(), 1u);  // one truncated line, the rest discarded
  EXPECT_TRUE(splitter.partial().empty());
  splitter.Feed("\nok\n", &out);
  EXPECT_EQ(out.lines.back(), "ok");
}

TEST(LineSplitterTest, ExposesThePartialLine) {
  LineSplitter splitter;
  Collected out;
  splitter.Feed("eth0: ethernet@15100000\r\nBPI-R4> ", &out);
  EXPECT_THAT(out.lines, ElementsAre("eth0: ethernet@15100000"));
  EXPECT_EQ(splitter.partial(), "BPI-R4> ");
  EXPECT_EQ(splitter.lines(), 1u);
  splitter.Finish(&out);
  EXPECT_THAT(out.lines, ElementsAre("eth0: ethernet@15100000", "BPI-R4> "));
  EXPECT_TRUE(splitter.partial().empty());
}

TEST(LineSplitterTest, FinishWithoutPartialEmitsNothing) {
  EXPECT_THAT(Split("a\r\n").lines, ElementsAre("a"));
  EXPECT_THAT(Split("").lines, IsEmpty());
  EXPECT_THAT(Split("\x1b[0m").lines, IsEmpty());
}

}  // namespace
}  // namespace hilt
