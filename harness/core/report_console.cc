#include "harness/core/report_console.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "harness/core/log_text.h"

namespace hilt {

namespace {
// StageResult::line is PrintableExcerpt(line, 512) (stage_tracker.cc);
// failure reasons quote PrintableExcerpt(line) (boot_checker.cc).
constexpr size_t kStageLineBytes = 512;
constexpr size_t kReasonLineBytes = 200;  // PrintableExcerpt's default

bool Printable(char c) { return c >= 0x20 && c < 0x7f; }

// Cheap necessary conditions for PrintableExcerpt(text, max) == excerpt, so
// that most lines of a long log are rejected without building an excerpt:
// every input byte gives at least one output byte, and printable ASCII is
// copied as it is.
bool MayBeExcerptOf(std::string_view text, std::string_view excerpt, size_t max) {
  if (excerpt.size() < std::min(text.size(), max)) return false;
  return text.empty() || !Printable(text[0]) || (!excerpt.empty() && excerpt[0] == text[0]);
}

// Whether `reason` may quote PrintableExcerpt(text) as '...': the quote
// must start with the printable ASCII prefix of text, copied as it is.
bool MayQuote(std::string_view reason, std::string_view text) {
  size_t k = 0;
  while (k < text.size() && k < 16 && Printable(text[k])) ++k;
  const std::string_view prefix = text.substr(0, k);
  for (size_t q = reason.find('\''); q != std::string_view::npos; q = reason.find('\'', q + 1)) {
    if (reason.substr(q + 1, k) == prefix) return true;
  }
  return false;
}

}  // namespace

ConsoleExcerptBuilder::ConsoleExcerptBuilder(const Verdict& verdict, ExcerptLimits limits)
    : verdict_(verdict), limits_(limits) {}

void ConsoleExcerptBuilder::Feed(std::string_view bytes, std::optional<Nanos> t) {
  if (bytes.empty()) return;
  feed_t_ = t;
  if (!line_open_) {
    line_t_ = t;
    line_open_ = true;
  }
  splitter_.Feed(bytes, this);
  // The splitter holds a partial line only if bytes remain after the last
  // line end; its time is the time of the feed that started it.
  if (splitter_.partial().empty()) line_open_ = false;
}

void ConsoleExcerptBuilder::Classify(ExcerptLine* line) {
  if (line->text.empty()) return;
  // Matched lines in order: a stage's line is looked for only after the
  // previous stage's, as the checker found them.
  while (next_stage_ < verdict_.stages.size() && verdict_.stages[next_stage_].line.empty()) {
    ++next_stage_;
  }
  if (next_stage_ < verdict_.stages.size()) {
    const StageResult& s = verdict_.stages[next_stage_];
    if (MayBeExcerptOf(line->text, s.line, kStageLineBytes) &&
        PrintableExcerpt(line->text, kStageLineBytes) == s.line) {
      line->stage = static_cast<int>(next_stage_);
      line->failure = s.status == StageStatus::kFail;
      ++next_stage_;
    }
  }
  if (verdict_.outcome != Outcome::kPass && !verdict_.reason.empty() && line->text.size() >= 3 &&
      MayQuote(verdict_.reason, line->text)) {
    const std::string quoted = "'" + PrintableExcerpt(line->text, kReasonLineBytes) + "'";
    if (verdict_.reason.find(quoted) != std::string::npos) line->failure = true;
  }
}

void ConsoleExcerptBuilder::OnLine(std::string_view text, bool /*truncated*/) {
  // Reuse a dropped line's storage: a long log is mostly lines that pass
  // through the tail and are dropped again.
  ExcerptLine line = std::move(spare_);
  line.stage = -1;
  line.failure = false;
  line.number = ++out_.total_lines;
  line.t = line_t_;
  line.text.assign(text);
  out_.total_bytes += text.size() + 1;
  line_t_ = feed_t_;  // a next line starts within the current feed
  Classify(&line);

  const size_t size = line.text.size() + 1;
  if (!head_full_ && head_used_ + size <= limits_.head_bytes) {
    head_used_ += size;
    out_.head.push_back(std::move(line));
    return;
  }
  head_full_ = true;
  tail_used_ += size;
  tail_.push_back(std::move(line));
  while (tail_used_ > limits_.tail_bytes && !tail_.empty()) {
    ExcerptLine& old = tail_.front();
    tail_used_ -= old.text.size() + 1;
    if ((old.stage >= 0 || old.failure) && out_.pinned.size() < kMaxPinned) {
      out_.pinned.push_back(std::move(old));
    } else {
      ++out_.omitted_lines;
      spare_ = std::move(old);
    }
    tail_.pop_front();
  }
}

ConsoleExcerpt ConsoleExcerptBuilder::Finish() {
  splitter_.Finish(this);
  out_.tail.assign(std::make_move_iterator(tail_.begin()), std::make_move_iterator(tail_.end()));
  tail_.clear();
  return std::move(out_);
}

StatusOr<ConsoleExcerpt> ReadConsoleExcerpt(const std::string& path, LogFormat format,
                                            const Verdict& verdict, ExcerptLimits limits) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open '" + path + "': " + std::strerror(errno));
  ConsoleExcerptBuilder builder(verdict, limits);
  if (format == LogFormat::kTimed) {
    ConsoleLogReader reader(&in);
    ConsoleChunk chunk;
    while (true) {
      StatusOr<bool> more = reader.Next(&chunk);
      if (!more.ok()) return more.status().Prefixed("'" + path + "'");
      if (!*more) break;
      builder.Feed(chunk.bytes, chunk.t);
    }
  } else {
    std::string block(64 * 1024, '\0');
    while (in) {
      in.read(block.data(), static_cast<std::streamsize>(block.size()));
      const std::streamsize n = in.gcount();
      if (n <= 0) break;
      builder.Feed(std::string_view(block.data(), static_cast<size_t>(n)), std::nullopt);
    }
    if (in.bad()) return Status::LabFailure("cannot read '" + path + "': " + std::strerror(errno));
  }
  return builder.Finish();
}

}  // namespace hilt
