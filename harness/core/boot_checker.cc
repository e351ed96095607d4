#include "harness/core/boot_checker.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "harness/core/console_regex.h"
#include "harness/core/log_text.h"

namespace hilt {
namespace {

Verdict InitialVerdict(const Suite& suite, bool timed) {
  Verdict v;
  v.timed = timed;
  for (const Stage& stage : suite.stages) {
    StageResult r;
    r.name = stage.name;
    r.budget = stage.within;
    v.stages.push_back(std::move(r));
  }
  for (const PromptTest& test : suite.tests) {
    TestResult r;
    r.name = test.name;
    r.send = test.send;
    v.tests.push_back(std::move(r));
  }
  return v;
}

}  // namespace

BootChecker::BootChecker(const Suite& suite, CheckerOptions options)
    : suite_(suite),
      options_(std::move(options)),
      verdict_(InitialVerdict(suite, options_.judge_time)),
      stages_(suite, &options_.external_facts, &verdict_),
      session_(suite, stages_.prompt(), &verdict_) {
  last_line_.reserve(LineSplitter::kMaxLineBytes);
  Status status = stages_.status();
  if (status.ok()) status = session_.status();
  if (suite.stages.empty()) {
    status = Status::InvalidInput(fmt::format("{}: suite '{}' has no stages", suite.file, suite.name));
  }
  if (!suite.fail.empty() || !suite.repeat_fails.empty()) {
    // One Set for every global pattern: each line is scanned once for all.
    global_ = std::make_unique<RE2::Set>(ConsoleRegexOptions(), RE2::UNANCHORED);
    for (const auto* list : {&suite.fail, &suite.repeat_fails}) {
      for (const Pattern& p : *list) {
        std::string error;
        if (global_->Add(p.regex, &error) < 0 && status.ok()) {
          status = Status::InvalidInput(
              fmt::format("{}: bad pattern '{}': {}", p.where.ToString(), p.regex, error));
        }
      }
    }
    if (status.ok() && !global_->Compile()) {
      status = Status::InvalidInput(
          fmt::format("{}: the fail patterns are too large to compile together", suite.file));
    }
  }
  if (status.ok() && global_) BuildPrefilter();
  block_safe_ = options_.block_matching && status.ok();
  if (block_safe_ && global_) {
    global_block_ = std::make_unique<RE2::Set>(ConsoleRegexOptions(), RE2::UNANCHORED);
    for (const auto* list : {&suite.fail, &suite.repeat_fails}) {
      for (const Pattern& p : *list) {
        const std::string block = BlockRegex(p.regex);
        if (block.empty() || global_block_->Add(block, nullptr) < 0) block_safe_ = false;
      }
    }
    if (block_safe_ && !global_block_->Compile()) block_safe_ = false;
    if (block_safe_ && unfiltered_) {
      unfiltered_block_ = std::make_unique<RE2::Set>(ConsoleRegexOptions(), RE2::UNANCHORED);
      size_t i = 0;
      for (const auto* list : {&suite.fail, &suite.repeat_fails}) {
        for (const Pattern& p : *list) {
          if (!prefilter_->filtered(i++)) unfiltered_block_->Add(BlockRegex(p.regex), nullptr);
        }
      }
      if (!unfiltered_block_->Compile()) block_safe_ = false;
    }
    if (!block_safe_) {
      global_block_.reset();
      unfiltered_block_.reset();
    }
  }
  if (block_safe_) block_.reserve(kBlockBytes + LineSplitter::kMaxLineBytes + 1);
  repeat_seen_.resize(suite.repeat_fails.size());
  if (!status.ok()) {
    verdict_.outcome = Outcome::kError;
    verdict_.reason = status.message();
    done_ = true;
  }
}

BootChecker::~BootChecker() = default;

void BootChecker::BuildPrefilter() {
  std::vector<std::string> regexes;
  for (const auto* list : {&suite_.fail, &suite_.repeat_fails}) {
    for (const Pattern& p : *list) regexes.push_back(p.regex);
  }
  auto prefilter = std::make_unique<LiteralPrefilter>(regexes);
  if (!prefilter->any_filtered()) return;  // the Sets alone, as before
  std::vector<size_t> rest;
  for (size_t i = 0; i < regexes.size(); ++i) {
    if (!prefilter->filtered(i)) rest.push_back(i);
  }
  if (!rest.empty()) {
    unfiltered_ = std::make_unique<RE2::Set>(ConsoleRegexOptions(), RE2::UNANCHORED);
    for (size_t i : rest) unfiltered_->Add(regexes[i], nullptr);
    if (!unfiltered_->Compile()) {
      unfiltered_.reset();
      return;  // no prefilter then: every line runs the whole Set
    }
  }
  prefilter_ = std::move(prefilter);
}

bool BootChecker::GlobalMayMatch(std::string_view text, bool block) const {
  const RE2::Set* all = block ? global_block_.get() : global_.get();
  if (all == nullptr) return false;
  if (!prefilter_) return all->Match(text, nullptr);
  const RE2::Set* rest = block ? unfiltered_block_.get() : unfiltered_.get();
  if (rest != nullptr && rest->Match(text, nullptr)) return true;
  return prefilter_->MayMatch(text) && all->Match(text, nullptr);
}

void BootChecker::Feed(std::string_view bytes, Nanos t, std::vector<Action>* actions) {
  if (!done_) {
    actions_ = actions;
    JudgeTime(t);  // deadlines that passed before these bytes arrived
  }
  if (done_) {
    if (tap_ != nullptr) splitter_.Feed(bytes, this);  // lines for the tap only
    actions_ = nullptr;
    return;
  }
  now_ = t;
  splitter_.Feed(bytes, this);
  FlushBlock();  // the complete lines first, then the partial one
  if (!splitter_.partial().empty()) {
    partial_t_ = t;
    ProbePartial(t, /*bounded=*/true);
  }
  actions_ = nullptr;
}

void BootChecker::Tick(Nanos now, std::vector<Action>* actions) {
  if (done_) return;
  actions_ = actions;
  ProbePartial(partial_t_, /*bounded=*/false);
  JudgeTime(now);
  actions_ = nullptr;
}

void BootChecker::Finish(Nanos now) {
  if (done_) {
    if (tap_ != nullptr) splitter_.Finish(this);
    return;
  }
  actions_ = nullptr;  // nothing can be typed any more
  now_ = partial_t_;
  splitter_.Finish(this);  // the partial line is the last line
  FlushBlock();
  JudgeTime(now);
  if (!done_) EndOfLog(now);
}

void BootChecker::OnLine(std::string_view line, bool truncated) {
  if (tap_ != nullptr) tap_->OnLine(line, truncated);
  if (done_) return;
  if (!block_safe_ || phase_ != Phase::kStages) {
    MatchLine(line, splitter_.lines());
    return;
  }
  if (block_.empty()) block_first_line_ = splitter_.lines();
  if (!line.empty()) block_last_text_ = block_.size();
  block_.append_with(line, '\n');
  if (block_.size() >= kBlockBytes) FlushBlock();
}

void BootChecker::FlushBlock() {
  if (block_.empty()) return;
  const std::string_view block = block_.view();
  // A block where no pattern matches holds no line that would have matched:
  // only its last line is kept. Otherwise its lines are matched one by one,
  // in order, so whatever comes first in the stream still wins.
  const bool hit = phase_ != Phase::kStages ||
                   GlobalMayMatch(block, /*block=*/true) ||
                   stages_.MayMatchBlock(block);
  if (done_) {
    // Nothing more to decide.
  } else if (!hit) {
    if (block_last_text_ != std::string::npos) {
      const size_t end = block.find('\n', block_last_text_);
      last_line_.assign(block.substr(block_last_text_, end - block_last_text_));
    }
  } else {
    size_t line_no = block_first_line_;
    for (size_t start = 0; start < block.size() && !done_; ++line_no) {
      const size_t end = block.find('\n', start);
      MatchLine(block.substr(start, end - start), line_no);
      start = end + 1;
    }
  }
  block_.clear();
  block_last_text_ = std::string::npos;
}

void BootChecker::MatchLine(std::string_view line, size_t line_no) {
  if (done_ || line.empty()) return;
  last_line_.assign(line);
  if (CheckGlobalPatterns(line, line_no, now_)) return;
  if (phase_ == Phase::kStages) {
    HandleStage(stages_.OnLine(line, /*partial=*/false, now_, actions_), line_no, now_);
  } else {
    HandleTest(session_.OnLine(line, line_no, /*partial=*/false, now_, actions_), now_);
  }
}

bool BootChecker::CheckGlobalPatterns(std::string_view line, size_t line_no, Nanos t) {
  // The common case, no match, costs a literal scan and no allocation.
  if (!GlobalMayMatch(line, /*block=*/false)) return false;
  hits_.clear();
  global_->Match(line, &hits_);
  std::sort(hits_.begin(), hits_.end());
  const int fail_count = static_cast<int>(suite_.fail.size());
  for (int hit : hits_) {
    if (hit < fail_count) {
      FailAwaited(fmt::format("'{}' at {} (fail pattern '{}')", PrintableExcerpt(line),
                              When(t, line_no), suite_.fail[static_cast<size_t>(hit)].regex),
                  t);
      return true;
    }
    // A repeat after the prompt is normal (`version` prints the banner).
    if (phase_ != Phase::kStages) continue;
    auto& seen = repeat_seen_[static_cast<size_t>(hit - fail_count)];
    if (seen) {
      FailAwaited(fmt::format("reset loop: '{}' seen again at {} (first at {})",
                              PrintableExcerpt(line), When(t, line_no),
                              When(seen->t, seen->line_no)),
                  t);
      return true;
    }
    seen = FirstSeen{t, line_no};
  }
  return false;
}

void BootChecker::ProbePartial(Nanos t, bool bounded) {
  if (done_) return;
  const std::string_view partial = splitter_.partial();
  if (partial.empty()) return;
  const size_t line_no = splitter_.lines() + 1;
  if (line_no == probed_line_ && partial.size() == probed_size_) return;  // tried already
  if (bounded && partial.size() > kPartialProbeBytes) return;
  probed_line_ = line_no;
  probed_size_ = partial.size();
  if (phase_ == Phase::kStages) {
    if (!stages_.WantsPartial()) return;
    HandleStage(stages_.OnLine(partial, /*partial=*/true, t, actions_), line_no, t);
  } else {
    HandleTest(session_.OnLine(partial, line_no, /*partial=*/true, t, actions_), t);
  }
}

void BootChecker::HandleStage(StageTracker::Result result, size_t line_no, Nanos t) {
  if (result == StageTracker::Result::kFailed) {
    const StageResult& failed = verdict_.stages[stages_.current()];
    verdict_.outcome = Outcome::kFail;
    verdict_.failed_stage = failed.name;
    verdict_.reason = failed.reason;
    verdict_.total = t;
    done_ = true;
  } else if (result == StageTracker::Result::kPassed && stages_.all_passed()) {
    // Boot is over: from here on the prompt's line is the first test's echo.
    phase_ = Phase::kTests;
    HandleTest(session_.Begin(line_no, t, actions_), t);
  }
}

void BootChecker::HandleTest(PromptSession::Result result, Nanos t) {
  if (result == PromptSession::Result::kAllPassed) {
    Pass(t);
  } else if (result == PromptSession::Result::kFailed) {
    const TestResult& failed = verdict_.tests[session_.current()];
    verdict_.outcome = Outcome::kFail;
    verdict_.failed_stage = failed.name;
    verdict_.reason = failed.reason;
    verdict_.total = t;
    done_ = true;
  }
}

void BootChecker::JudgeTime(Nanos now) {
  if (!options_.judge_time || done_) return;
  const std::optional<Nanos> local =
      phase_ == Phase::kStages ? stages_.deadline() : session_.deadline();
  const bool local_expired = local && now > *local;
  const bool suite_expired = now > suite_.timeout;
  if (!local_expired && !suite_expired) return;

  if (local_expired && (!suite_expired || *local <= suite_.timeout)) {
    if (phase_ == Phase::kStages) {
      const size_t i = stages_.current();
      const std::string after =
          i == 0 ? std::string("the start")
                 : fmt::format("{} at {}", suite_.stages[i - 1].name,
                               FormatSeconds(verdict_.stages[i - 1].t.value_or(Nanos{0})));
      FailAwaited(fmt::format("{} not reached within {} after {} ({})", suite_.stages[i].name,
                              FormatDuration(*suite_.stages[i].within), after, LastLine()),
                  *local);
    } else {
      const PromptTest& test = suite_.tests[session_.current()];
      FailAwaited(fmt::format("no prompt within {} after sending '{}' ({})",
                              FormatDuration(test.timeout), PrintableExcerpt(test.send),
                              LastLine()),
                  *local);
    }
    return;
  }
  FailAwaited(fmt::format("suite timeout {} expired while waiting for {} ({})",
                          FormatDuration(suite_.timeout), AwaitedName(), LastLine()),
              suite_.timeout);
}

void BootChecker::EndOfLog(Nanos now) {
  if (phase_ == Phase::kStages) {
    FailAwaited(fmt::format("end of log before stage {} ({})",
                            suite_.stages[stages_.current()].name, LastLine()),
                now);
    return;
  }
  const size_t i = session_.current();
  const PromptTest& test = suite_.tests[i];
  if (session_.answered()) {
    FailAwaited(fmt::format("end of log before the prompt returned after '{}' ({})",
                            PrintableExcerpt(test.send), LastLine()),
                now);
  } else {
    FailAwaited(fmt::format("end of log before test {} ran ({})", test.name, LastLine()), now);
    verdict_.tests[i].status = StageStatus::kNotReached;
  }
}

void BootChecker::FailAwaited(std::string reason, Nanos t) {
  verdict_.outcome = Outcome::kFail;
  verdict_.total = t;
  done_ = true;
  if (phase_ == Phase::kStages) {
    StageResult& stage = verdict_.stages[stages_.current()];
    stage.status = StageStatus::kFail;
    stage.reason = reason;
    verdict_.failed_stage = stage.name;
  } else {
    session_.FailCurrent(reason);
    verdict_.failed_stage = suite_.tests[session_.current()].name;
  }
  verdict_.reason = std::move(reason);
}

void BootChecker::Pass(Nanos t) {
  verdict_.outcome = Outcome::kPass;
  verdict_.failed_stage.clear();
  verdict_.reason.clear();
  verdict_.total = t;
  done_ = true;
}

std::string BootChecker::When(Nanos t, size_t line_no) const {
  return options_.judge_time ? FormatSeconds(t) : fmt::format("line {}", line_no);
}

std::string BootChecker::LastLine() const {
  if (last_line_.empty()) return "no output";
  return fmt::format("last line: '{}'", PrintableExcerpt(last_line_, 120));
}

std::string BootChecker::AwaitedName() const {
  if (phase_ == Phase::kStages) return "stage " + suite_.stages[stages_.current()].name;
  return "test " + suite_.tests[session_.current()].name;
}

}  // namespace hilt
