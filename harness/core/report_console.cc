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
  BeginChunk(t);
  splitter_.Feed(bytes, this);
  EndChunk(!splitter_.partial().empty());
}

void ConsoleExcerptBuilder::BeginChunk(std::optional<Nanos> t) {
  feed_t_ = t;
  if (!line_open_) {
    line_t_ = t;
    line_open_ = true;
  }
}

void ConsoleExcerptBuilder::EndChunk(bool partial_open) {
  // The splitter holds a partial line only if bytes remain after the last
  // line end; its time is the time of the feed that started it.
  if (!partial_open) line_open_ = false;
  // Dropping lines from the front until the tail fits keeps the same lines
  // as dropping after each line would: the longest suffix that fits.
  if (tail_used_ <= limits_.tail_bytes) return;
  ClassifyHead();
  bool can_mark = CanMark();
  while (tail_used_ > limits_.tail_bytes && tail_front_ < tail_.size()) {
    if (!can_mark) {
      DropUnmarkedFront();  // the common case: nothing is looked for any more
      break;
    }
    const TailLine& old = tail_[tail_front_++];
    tail_used_ -= old.size + 1;
    int stage = -1;
    bool failure = false;
    Classify(TailText(old), &stage, &failure);
    if ((stage >= 0 || failure) && out_.pinned.size() < kMaxPinned) {
      out_.pinned.push_back(TailExcerptLine(old, stage, failure));
    } else {
      ++out_.omitted_lines;
    }
    can_mark = CanMark();
  }
  CompactTail();
}

void ConsoleExcerptBuilder::DropUnmarkedFront() {
  // The lines from record f on take (text_end - offset of f) + (end - f)
  // bytes, their texts being contiguous: the first f where that fits is
  // found by bisection, without reading each dropped record (one line in,
  // one out, would read every record once more, long after it was written).
  const uint64_t text_end = text_base_ + tail_text_.size();
  const size_t end = tail_.size();
  auto bytes_from = [&](size_t f) { return (text_end - tail_[f].offset) + (end - f); };
  size_t lo = tail_front_, hi = end;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (bytes_from(mid) <= limits_.tail_bytes) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  out_.omitted_lines += lo - tail_front_;
  tail_front_ = lo;
  tail_used_ = lo == end ? 0 : bytes_from(lo);
}

bool ConsoleExcerptBuilder::CanMark() const {
  const Verdict& v = *verdict_;
  if (final_ && v.outcome != Outcome::kPass && !v.reason.empty()) return true;
  // Classify's stage search: once final, stages without a line are skipped.
  size_t k = next_stage_;
  while (final_ && k < v.stages.size() && v.stages[k].line.empty()) ++k;
  return k < v.stages.size() && !v.stages[k].line.empty();
}

bool ConsoleExcerptBuilder::QuotedInReason(std::string_view text) const {
  const Verdict& v = *verdict_;
  if (v.outcome == Outcome::kPass || v.reason.empty() || text.size() < 3 ||
      !MayQuote(v.reason, text)) {
    return false;
  }
  const std::string quoted = "'" + PrintableExcerpt(text, kReasonLineBytes) + "'";
  return v.reason.find(quoted) != std::string::npos;
}

void ConsoleExcerptBuilder::Classify(std::string_view text, int* stage, bool* failure) {
  if (text.empty()) return;
  const std::vector<StageResult>& stages = verdict_->stages;
  // Matched lines in order: a stage's line is looked for only after the
  // previous stage's, as the checker found them. While the verdict is live,
  // a stage without a line may still match later: wait for it.
  while (final_ && next_stage_ < stages.size() && stages[next_stage_].line.empty()) {
    ++next_stage_;
  }
  if (next_stage_ < stages.size() && !stages[next_stage_].line.empty()) {
    const StageResult& s = stages[next_stage_];
    if (MayBeExcerptOf(text, s.line, kStageLineBytes) &&
        PrintableExcerpt(text, kStageLineBytes) == s.line) {
      *stage = static_cast<int>(next_stage_);
      ++next_stage_;
    }
  }
  // The reason is written when the checker is done; before, nothing quotes.
  if (final_ && QuotedInReason(text)) *failure = true;
}

// Head lines are classified before any later line, in order.
void ConsoleExcerptBuilder::ClassifyHead() {
  for (; head_classified_ < out_.head.size(); ++head_classified_) {
    Classify(&out_.head[head_classified_]);
  }
}

void ConsoleExcerptBuilder::OnLine(std::string_view text, bool /*truncated*/) {
  const uint64_t number = ++out_.total_lines;
  const std::optional<Nanos> t = line_t_;
  out_.total_bytes += text.size() + 1;
  line_t_ = feed_t_;  // a next line starts within the current feed

  const size_t size = text.size() + 1;
  if (!head_full_ && head_used_ + size <= limits_.head_bytes) {
    head_used_ += size;
    ExcerptLine& line = out_.head.emplace_back();
    line.number = number;
    line.t = t;
    line.text.assign(text);
    return;
  }
  head_full_ = true;
  tail_used_ += size;
  // Field by field: a TailLine built aside and copied in stalled on store
  // forwarding (its optional was moved in pieces that overlap).
  TailLine& record = tail_.emplace_back();
  record.number = number;
  record.t = t;
  record.offset = text_base_ + tail_text_.size();
  record.size = text.size();
  tail_text_.append(text);
}

std::string_view ConsoleExcerptBuilder::TailText(const TailLine& line) const {
  return tail_text_.view().substr(line.offset - text_base_, line.size);
}

ExcerptLine ConsoleExcerptBuilder::TailExcerptLine(const TailLine& line, int stage,
                                                   bool failure) const {
  ExcerptLine out;
  out.number = line.number;
  out.t = line.t;
  out.text.assign(TailText(line));
  out.stage = stage;
  out.failure = failure;
  return out;
}

void ConsoleExcerptBuilder::CompactTail() {
  // Once three quarters are dropped: each byte and record is moved a third
  // of a time on average, and memory stays within four tails.
  const uint64_t dropped_text =
      tail_front_ < tail_.size() ? tail_[tail_front_].offset - text_base_ : tail_text_.size();
  if (dropped_text >= 3 * (tail_text_.size() - dropped_text) && dropped_text >= 4096) {
    tail_text_.erase_front(dropped_text);
    text_base_ += dropped_text;
  }
  if (tail_front_ >= 3 * (tail_.size() - tail_front_) && tail_front_ >= 256) {
    tail_.erase(tail_.begin(), tail_.begin() + static_cast<std::ptrdiff_t>(tail_front_));
    tail_front_ = 0;
  }
}

ConsoleExcerpt ConsoleExcerptBuilder::Finish(const Verdict* final_verdict) {
  splitter_.Finish(this);  // or the tap's checker gave the last line
  EndChunk(false);
  if (final_verdict != nullptr) verdict_ = final_verdict;
  final_ = true;
  ClassifyHead();
  for (size_t i = tail_front_; i < tail_.size(); ++i) {
    int stage = -1;
    bool failure = false;
    Classify(TailText(tail_[i]), &stage, &failure);
    out_.tail.push_back(TailExcerptLine(tail_[i], stage, failure));
  }
  tail_.clear();
  tail_front_ = 0;
  tail_text_.clear();
  // Lines classified while the verdict was live: their failure flags now.
  for (auto* part : {&out_.head, &out_.pinned, &out_.tail}) {
    for (ExcerptLine& line : *part) {
      const bool failed_stage =
          line.stage >= 0 && verdict_->stages[static_cast<size_t>(line.stage)].status == StageStatus::kFail;
      line.failure = failed_stage || QuotedInReason(line.text);
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
