#include "harness/core/console_log.h"

#include <limits>
#include <random>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness/core/utf8.h"

namespace hilt {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string Write(const std::vector<std::pair<std::string, Nanos>>& chunks,
                  size_t cap = kConsoleLogLineCap) {
  std::ostringstream out;
  ConsoleLogWriter writer(&out, cap);
  for (const auto& [bytes, t] : chunks) writer.Append(bytes, t);
  EXPECT_TRUE(writer.Finish().ok());
  return out.str();
}

std::vector<ConsoleChunk> ReadAll(const std::string& log, uint64_t* malformed = nullptr) {
  std::istringstream in(log);
  ConsoleLogReader reader(&in);
  std::vector<ConsoleChunk> chunks;
  ConsoleChunk chunk;
  for (;;) {
    StatusOr<bool> more = reader.Next(&chunk);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    chunks.push_back(chunk);
  }
  if (malformed != nullptr) *malformed = reader.malformed_lines();
  return chunks;
}

std::string Joined(const std::vector<ConsoleChunk>& chunks) {
  std::string all;
  for (const auto& c : chunks) all += c.bytes;
  return all;
}

TEST(ConsoleLogTest, FormatsTimeLikeTheKernel) {
  EXPECT_EQ(FormatLogTime(Nanos(12345678000)), "[   12.345678] ");
  EXPECT_EQ(FormatLogTime(Nanos(0)), "[    0.000000] ");
  EXPECT_EQ(FormatLogTime(seconds(123456)), "[123456.000000] ");
  EXPECT_EQ(FormatLogTime(Nanos(-5)), "[    0.000000] ");
}

// The hand-written digits against fmt, at digit-count edges and at random.
TEST(ConsoleLogTest, FormatLogTimeEqualsFmt) {
  std::mt19937_64 rng(77);
  std::vector<int64_t> values = {0, 1, 999, 1000, 999999999, 1000000000, 99999999999999,
                                 100000000000000, std::numeric_limits<int64_t>::max()};
  for (int i = 0; i < 20000; ++i) {
    values.push_back(static_cast<int64_t>(rng() >> (rng() % 64)));
  }
  for (int64_t ns : values) {
    const int64_t c = ns < 0 ? 0 : ns;  // negative times are written as 0
    const std::string want =
        fmt::format("[{:5}.{:06}] ", c / 1000000000, (c % 1000000000) / 1000);
    EXPECT_EQ(FormatLogTime(Nanos(ns)), want) << ns;
  }
}

TEST(ConsoleLogTest, OneLinePerConsoleLineTimedByItsFirstByte) {
  std::string log = Write({{"NOTICE:  BL2: v2.", Nanos(12345678000)},
                           {"10.0\r\nNOTICE:  BL31", seconds(13)},
                           {": v2.10.0\n", seconds(14)}});
  EXPECT_EQ(log,
            "[   12.345678] NOTICE:  BL2: v2.10.0\n"
            "[   13.000000] NOTICE:  BL31: v2.10.0\n");
}

TEST(ConsoleLogTest, EscapesSoTheFileIsText) {
  std::string log = Write({{std::string("a\\b\x1b[0m\x00\x7f\tz\xff\xc3(\xe2\x82\xac \xc2\x85\n", 21),
                            Nanos(0)}});
  EXPECT_EQ(log, "[    0.000000] a\\\\b\\x1B[0m\\x00\\x7F\tz\\xFF\\xC3(\xe2\x82\xac \\xC2\\x85\n");
}

// The word-at-a-time fast path must see a special byte at any offset.
TEST(ConsoleLogTest, EscapesSpecialBytesAtEveryOffsetOfAWord) {
  const std::pair<char, std::string> specials[] = {
      {'\x00', "\\x00"}, {'\x1f', "\\x1F"}, {'\x7f', "\\x7F"}, {'\\', "\\\\"},
      {'\x80', "\\x80"}, {'\t', "\t"}, {' ', " "}, {'~', "~"}};
  for (const auto& [byte, escaped] : specials) {
    for (size_t pos = 0; pos < 24; ++pos) {
      std::string raw(24, 'a');
      raw[pos] = byte;
      std::string expected = std::string(pos, 'a') + escaped + std::string(23 - pos, 'a');
      std::string out;
      EscapeConsoleBytes(raw, &out);
      EXPECT_EQ(out, expected) << "byte " << int(byte) << " at " << pos;
    }
  }
}

// The byte-at-a-time definition of the escaping, for the fast path.
std::string EscapeSlowly(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size();) {
    const auto c = static_cast<unsigned char>(raw[i]);
    size_t len = c >= 0x80 ? Utf8SequenceLength(raw.substr(i)) : 1;
    if (len == 2 && c == 0xC2 && static_cast<unsigned char>(raw[i + 1]) < 0xA0) len = 0;
    if (c == '\\') {
      out += "\\\\";
    } else if ((c < 0x20 && c != '\t') || c == 0x7F || len == 0) {
      out += fmt::format("\\x{:02X}", c);
      len = 1;
    } else {
      out.append(raw.substr(i, len));
    }
    i += len;
  }
  return out;
}

TEST(ConsoleLogTest, EscapingEqualsTheByteByByteDefinitionOnRandomBytes) {
  std::mt19937 rng(99);
  for (int round = 0; round < 3000; ++round) {
    std::string raw(rng() % 100, '\0');
    for (auto& b : raw) {
      const unsigned r = rng() % 8;  // mostly text, some UTF-8 lead bytes
      b = r < 4 ? static_cast<char>(0x20 + rng() % 0x5F)
          : r < 6 ? static_cast<char>(0x80 + rng() % 0x80) : static_cast<char>(rng());
    }
    std::string out = "keep";
    EscapeConsoleBytes(raw, &out);
    EXPECT_EQ(out, "keep" + EscapeSlowly(raw)) << "round " << round;
  }
}

// The writer's in-place buffer: the same file for any chunking and cap,
// through many output blocks.
TEST(ConsoleLogTest, ChunkedInputWritesTheSameFileAsWholeInput) {
  std::mt19937 rng(5);
  std::string all;
  for (int i = 0; i < 40000; ++i) {
    const unsigned r = rng() % 16;
    all += r == 0 ? '\n' : r == 1 ? '\r' : static_cast<char>(r == 2 ? rng() : 'a' + r);
  }
  for (size_t cap : {size_t{3}, size_t{64}, kConsoleLogLineCap}) {
    const std::string whole = Write({{all, seconds(1)}}, cap);
    std::vector<std::pair<std::string, Nanos>> chunks;
    for (size_t i = 0; i < all.size();) {
      const size_t n = std::min<size_t>(1 + rng() % 300, all.size() - i);
      chunks.emplace_back(all.substr(i, n), seconds(1));
      i += n;
    }
    EXPECT_EQ(Write(chunks, cap), whole) << "cap " << cap;
  }
}

// The writer escapes a line as it looks for its end: each file line is the
// prefix and the definition's escape of the line (a CR before the LF gone).
TEST(ConsoleLogTest, WrittenLinesEqualTheDefinitionOnRandomBytes) {
  std::mt19937 rng(3);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> lines;
    std::string all;
    for (int k = 0; k < 50; ++k) {
      std::string line(rng() % 90, '\0');
      for (auto& b : line) {
        const unsigned r = rng() % 8;
        b = r < 4 ? static_cast<char>(0x20 + rng() % 0x5F)
            : r < 6 ? static_cast<char>(0x80 + rng() % 0x80) : static_cast<char>(rng());
        if (b == '\n') b = 'n';
      }
      const bool crlf = rng() % 2 != 0;
      all += line + (crlf ? "\r\n" : "\n");
      // The CR just before the LF is dropped, whether written here or random.
      if (!crlf && !line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(line);
    }
    std::string want;
    for (const std::string& line : lines) want += "[    1.000000] " + EscapeSlowly(line) + "\n";
    EXPECT_EQ(Write({{all, seconds(1)}}), want) << "round " << round;
  }
}

TEST(ConsoleLogTest, PartialLineAtFinishIsMarked) {
  std::string log = Write({{"Hit any key\nBPI-R4> ", seconds(2)}});
  EXPECT_EQ(log, "[    2.000000] Hit any key\n[    2.000000] BPI-R4> \\\n");
  auto chunks = ReadAll(log);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[1].bytes, "BPI-R4> ");
  // A line that really ends in a backslash is not mistaken for the marker.
  EXPECT_EQ(Joined(ReadAll(Write({{"C:\\\n", Nanos(0)}}))), "C:\\\n");
}

TEST(ConsoleLogTest, FlushKeepsThePartialLine) {
  std::ostringstream out;
  ConsoleLogWriter writer(&out);
  writer.Append("one\ntw", seconds(1));
  ASSERT_TRUE(writer.Flush().ok());
  EXPECT_EQ(out.str(), "[    1.000000] one\n");
  writer.Append("o\n", seconds(2));
  ASSERT_TRUE(writer.Flush().ok());
  EXPECT_EQ(out.str(), "[    1.000000] one\n[    1.000000] two\n");
}

TEST(ConsoleLogTest, CutsOverLongLinesAtTheCap) {
  std::string log = Write({{"abcdefghij", seconds(1)}, {"kl\n", seconds(2)}}, 4);
  EXPECT_EQ(log,
            "[    1.000000] abcd\\\n"
            "[    1.000000] efgh\\\n"
            "[    1.000000] ijkl\n");  // "ij" was held until its LF came
  // A line of exactly the cap followed by its LF is one line, not a cut.
  EXPECT_EQ(Write({{"abcd", seconds(1)}, {"\n", seconds(2)}}, 4), "[    1.000000] abcd\n");
}

TEST(ConsoleLogTest, WriterMemoryIsBoundedWithoutNewlines) {
  std::ostringstream out;
  ConsoleLogWriter writer(&out, 1024);
  std::string block(1 << 20, 'x');
  for (int i = 0; i < 8; ++i) writer.Append(block, seconds(i));
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_EQ(writer.lines_written(), 8u * 1024u);
}

TEST(ConsoleLogTest, RoundTripsRandomBytesInRandomChunks) {
  std::mt19937 rng(1234);
  for (int round = 0; round < 20; ++round) {
    std::string original;
    std::vector<std::pair<std::string, Nanos>> chunks;
    std::vector<std::pair<size_t, Nanos>> starts;  // offset of each chunk, its time
    Nanos t{0};
    for (int c = 0; c < 200; ++c) {
      std::string bytes(rng() % 40, '\0');
      for (auto& b : bytes) {
        unsigned r = rng() % 10;
        b = r < 2 ? '\n' : r < 3 ? '\r' : r < 4 ? '\\' : static_cast<char>(rng());
      }
      t += microseconds(rng() % 5000);
      chunks.emplace_back(bytes, t);
      original += bytes;
    }
    std::string log = Write(chunks, 1 + rng() % 64);
    auto read = ReadAll(log);
    std::string expected;
    for (size_t i = 0; i < original.size(); ++i) {
      if (original[i] == '\r' && i + 1 < original.size() && original[i + 1] == '\n') continue;
      expected += original[i];
    }
    EXPECT_EQ(Joined(read), expected) << "round " << round;
    EXPECT_EQ(DetectLogFormat(log, true), log.empty() ? LogFormat::kRaw : LogFormat::kTimed);
    // Times never go backwards and are the times chunks were given.
    Nanos last{0};
    for (const auto& chunk : read) {
      EXPECT_GE(chunk.t, last);
      last = chunk.t;
    }
  }
}

TEST(ConsoleLogTest, TimesRoundTripToTheMicrosecond) {
  auto read = ReadAll(Write({{"a\n", microseconds(1)}, {"b\n", seconds(4000) + microseconds(7)}}));
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].t, microseconds(1));
  EXPECT_EQ(read[1].t, seconds(4000) + microseconds(7));
}

TEST(ConsoleLogTest, ReaderPassesMalformedLinesThrough) {
  uint64_t malformed = 0;
  auto read = ReadAll("[    1.500000] ok\nedited by hand\n[    2.000000] bad \\q\\x4\ncut", &malformed);
  ASSERT_EQ(read.size(), 4u);
  EXPECT_EQ(read[1].bytes, "edited by hand\n");
  EXPECT_EQ(read[1].t, milliseconds(1500));  // the previous line's time
  EXPECT_EQ(read[2].bytes, "bad \\q\\x4\n");
  EXPECT_EQ(read[3].bytes, "cut\n");
  EXPECT_EQ(malformed, 2u);
}

TEST(ConsoleLogTest, ReaderMemoryIsBoundedOnAHugeLine) {
  std::string huge(3 * ConsoleLogReader::kMaxFileLine + 5, 'y');
  uint64_t malformed = 0;
  auto read = ReadAll(huge, &malformed);
  ASSERT_EQ(read.size(), 4u);
  EXPECT_EQ(read[0].bytes.size(), ConsoleLogReader::kMaxFileLine);
  EXPECT_EQ(Joined(read), huge + "\n");
}

TEST(ConsoleLogTest, DetectsTimedLogsAndRawCaptures) {
  EXPECT_EQ(DetectLogFormat("[    0.000000] F0: 102B 0000\n[    0.1", false), LogFormat::kTimed);
  EXPECT_EQ(DetectLogFormat("F0: 102B 0000\r\nJump to BL\r\n", true), LogFormat::kRaw);
  // A raw kernel log has the same prefix, but a serial capture has CRs.
  EXPECT_EQ(DetectLogFormat("[    0.000000] Booting Linux\r\n", true), LogFormat::kRaw);
  EXPECT_EQ(DetectLogFormat("", true), LogFormat::kRaw);
  EXPECT_EQ(DetectLogFormat(std::string("\0\0\0", 3), true), LogFormat::kRaw);
  EXPECT_EQ(DetectLogFormat("[    1.000000] \xff\n", true), LogFormat::kRaw);
  EXPECT_EQ(DetectLogFormat("[    1.000000] BPI-R4> \\", true), LogFormat::kTimed);
  // The sample's cut-off last line is not judged.
  EXPECT_EQ(DetectLogFormat("[    1.000000] a\n[  ", false), LogFormat::kTimed);
}

}  // namespace
}  // namespace hilt
