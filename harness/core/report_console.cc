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
    : ConsoleExcerptBuilder(verdict, limits, /*final=*/true) {}

ConsoleExcerptBuilder::ConsoleExcerptBuilder(const Verdict& verdict, ExcerptLimits limits,
                                             bool final)
    : verdict_(&verdict), final_(final), limits_(limits) {}

ConsoleExcerptBuilder ConsoleExcerptBuilder::Live(const Verdict& live, ExcerptLimits limits) {
  return ConsoleExcerptBuilder(live, limits, /*final=*/false);
}

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

bool ConsoleExcerptBuilder::QuotedInReason(const ExcerptLine& line) const {
  const Verdict& v = *verdict_;
  if (v.outcome == Outcome::kPass || v.reason.empty() || line.text.size() < 3 ||
      !MayQuote(v.reason, line.text)) {
    return false;
  }
  const std::string quoted = "'" + PrintableExcerpt(line.text, kReasonLineBytes) + "'";
  return v.reason.find(quoted) != std::string::npos;
}

void ConsoleExcerptBuilder::Classify(ExcerptLine* line) {
  if (line->text.empty()) return;
  const std::vector<StageResult>& stages = verdict_->stages;
  // Matched lines in order: a stage's line is looked for only after the
  // previous stage's, as the checker found them. While the verdict is live,
  // a stage without a line may still match later: wait for it.
  while (final_ && next_stage_ < stages.size() && stages[next_stage_].line.empty()) {
    ++next_stage_;
  }
  if (next_stage_ < stages.size() && !stages[next_stage_].line.empty()) {
    const StageResult& s = stages[next_stage_];
    if (MayBeExcerptOf(line->text, s.line, kStageLineBytes) &&
        PrintableExcerpt(line->text, kStageLineBytes) == s.line) {
      line->stage = static_cast<int>(next_stage_);
      ++next_stage_;
    }
  }
  // The reason is written when the checker is done; before, nothing quotes.
  if (final_ && QuotedInReason(*line)) line->failure = true;
}

// Head lines are classified before any later line, in order.
void ConsoleExcerptBuilder::ClassifyHead() {
  for (; head_classified_ < out_.head.size(); ++head_classified_) {
    Classify(&out_.head[head_classified_]);
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
    ClassifyHead();
    ExcerptLine& old = tail_.front();
    Classify(&old);
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

ConsoleExcerpt ConsoleExcerptBuilder::Finish(const Verdict* final_verdict) {
  splitter_.Finish(this);
  if (final_verdict != nullptr) verdict_ = final_verdict;
  final_ = true;
  ClassifyHead();
  for (ExcerptLine& line : tail_) Classify(&line);
  out_.tail.assign(std::make_move_iterator(tail_.begin()), std::make_move_iterator(tail_.end()));
  tail_.clear();
  // Lines classified while the verdict was live: their failure flags now.
  for (auto* part : {&out_.head, &out_.pinned, &out_.tail}) {
    for (ExcerptLine& line : *part) {
      const bool failed_stage =
          line.stage >= 0 && verdict_->stages[static_cast<size_t>(line.stage)].status == StageStatus::kFail;
      line.failure = failed_stage || QuotedInReason(line);
    }
  }
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
