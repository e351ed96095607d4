#include "harness/core/log_replay.h"

#include <istream>
#include <optional>
#include <vector>

#include "harness/core/boot_checker.h"
#include "harness/core/console_log.h"
#include "harness/core/line_splitter.h"

namespace hilt {

namespace {
constexpr size_t kRawBlock = 64 * 1024;

// console.log written from the checker's splitter: the lines it cut are not
// scanned again (ConsoleLogWriter::AppendSplitLine).
class SplitConsoleLog : public RawSpanSink {
 public:
  explicit SplitConsoleLog(ConsoleLogWriter* writer) : writer_(writer) {}
  void set_time(Nanos t) { t_ = t; }
  void OnRawLine(std::string_view span, size_t end_bytes, bool plain) override {
    writer_->AppendSplitLine(span, end_bytes, plain, t_);
  }
  void OnRawBytes(std::string_view bytes) override { writer_->Append(bytes, t_); }

 private:
  ConsoleLogWriter* writer_;
  Nanos t_{0};
};

}  // namespace

StatusOr<LogFormat> DetectStreamFormat(std::istream* in) {
  std::string head(kLogDetectBytes, '\0');
  in->read(head.data(), static_cast<std::streamsize>(head.size()));
  if (in->bad()) return Status::InvalidInput("read error");
  head.resize(static_cast<size_t>(in->gcount()));
  bool at_eof = in->eof();
  in->clear();
  in->seekg(0);
  if (!*in) return Status::InvalidInput("cannot rewind the log (is it a file?)");
  return DetectLogFormat(head, at_eof);
}

StatusOr<Verdict> ReplayLog(const Suite& suite, std::istream* in, LogFormat format,
                            ConsoleLogWriter* console, ReplayStats* stats,
                            ConsoleExcerpt* excerpt, ExcerptLimits limits) {
  CheckerOptions options;
  options.judge_time = format == LogFormat::kTimed;
  BootChecker checker(suite, options);
  std::vector<Action> actions;  // ignored: see the header
  *stats = ReplayStats();
  std::optional<ConsoleExcerptBuilder> builder;
  std::optional<SplitConsoleLog> split_console;
  if (excerpt != nullptr) {
    // The excerpt takes the checker's lines: one splitter for both. With a
    // tap the splitter sees every byte, so console.log can take them from
    // it too.
    builder.emplace(ConsoleExcerptBuilder::Live(checker.verdict(), limits));
    checker.set_line_tap(&*builder);
    if (console != nullptr) {
      split_console.emplace(console);
      checker.set_raw_sink(&*split_console);
    }
  }

  auto feed = [&](std::string_view bytes, Nanos t) {
    stats->bytes += bytes.size();
    if (split_console) {
      split_console->set_time(t);
    } else if (console != nullptr) {
      console->Append(bytes, t);
    }
    const bool tap = builder && !bytes.empty();
    if (tap) builder->BeginChunk(t);
    if (tap || !checker.done()) {
      actions.clear();
      const bool was_done = checker.done();
      checker.Feed(bytes, t, &actions);
      if (builder && !was_done && checker.done()) builder->SetFinal();
    }
    // After the checker: the lines it completed are in its verdict.
    if (tap) builder->EndChunk(checker.partial_open());
  };

  if (format == LogFormat::kTimed) {
    ConsoleLogReader reader(in);
    ConsoleChunk chunk;
    for (;;) {
      StatusOr<bool> more = reader.Next(&chunk);
      if (!more.ok()) return more.status();
      if (!*more) break;
      // Time passed before this line came: let budgets expire as they would
      // have live, before the line is seen.
      if (chunk.t > stats->end && !checker.done()) {
        actions.clear();
        checker.Tick(chunk.t, &actions);
        if (builder && checker.done()) builder->SetFinal();
      }
      if (chunk.t > stats->end) stats->end = chunk.t;
      feed(chunk.bytes, chunk.t);
    }
    stats->malformed_lines = reader.malformed_lines();
  } else {
    std::string block(kRawBlock, '\0');
    for (;;) {
      in->read(block.data(), static_cast<std::streamsize>(block.size()));
      size_t got = static_cast<size_t>(in->gcount());
      if (in->bad()) return Status::InvalidInput("read error in the log");
      if (got == 0) break;
      feed(std::string_view(block.data(), got), Nanos(0));
      if (in->eof()) break;
    }
  }
  checker.Finish(stats->end);  // when done, only the tap's last line
  Verdict verdict = checker.verdict();
  verdict.timed = format == LogFormat::kTimed;
  if (builder) *excerpt = builder->Finish(&verdict);
  return verdict;
}

}  // namespace hilt
