#include "harness/core/stage_tracker.h"

#include <fmt/format.h>

#include "harness/core/console_regex.h"
#include "harness/core/fact_check.h"
#include "harness/core/log_text.h"

namespace hilt {
namespace {

constexpr size_t kStageLineBytes = 512;  // StageResult::line cap

}  // namespace

StageTracker::StageTracker(const Suite& suite,
                           const std::map<std::string, std::string>* external_facts,
                           Verdict* verdict)
    : suite_(suite), external_facts_(external_facts), verdict_(verdict) {
  stages_.reserve(suite.stages.size());
  for (const Stage& stage : suite.stages) {
    Compiled c;
    auto expect = CompileConsoleRegex(stage.expect);
    if (!expect.ok()) {
      if (status_.ok()) status_ = expect.status();
      stages_.push_back(std::move(c));
      continue;
    }
    c.expect = std::move(expect).value();
    c.expect_block = CompileBlockRegex(stage.expect.regex);
    for (const auto& [name, index] : c.expect->NamedCapturingGroups()) {
      c.groups.emplace_back(name, index);
    }
    if (stage.interrupt) {
      auto on = CompileConsoleRegex(stage.interrupt->on);
      if (on.ok()) {
        c.interrupt_on = std::move(on).value();
        c.interrupt_on_block = CompileBlockRegex(stage.interrupt->on.regex);
      } else if (status_.ok()) {
        status_ = on.status();
      }
    }
    stages_.push_back(std::move(c));
  }
}

std::optional<Nanos> StageTracker::deadline() const {
  if (all_passed() || !suite_.stages[current_].within) return std::nullopt;
  return since_ + *suite_.stages[current_].within;
}

bool StageTracker::WantsPartial() const {
  if (all_passed()) return false;
  if (current_ + 1 == stages_.size()) return true;
  return stages_[current_].interrupt_on && !interrupt_fired_;
}

bool StageTracker::MayMatchBlock(std::string_view block) const {
  if (all_passed() || !status_.ok()) return false;  // OnLine does nothing
  const Compiled& c = stages_[current_];
  if (c.interrupt_on && !interrupt_fired_ &&
      (!c.interrupt_on_block || RE2::PartialMatch(block, *c.interrupt_on_block))) {
    return true;
  }
  return !c.expect_block || RE2::PartialMatch(block, *c.expect_block);
}

StageTracker::Result StageTracker::OnLine(std::string_view line, bool partial, Nanos t,
                                          std::vector<Action>* actions) {
  if (all_passed() || !status_.ok()) return Result::kNone;
  const Compiled& c = stages_[current_];
  const Stage& stage = suite_.stages[current_];
  if (c.interrupt_on && !interrupt_fired_ && RE2::PartialMatch(line, *c.interrupt_on)) {
    interrupt_fired_ = true;
    if (actions != nullptr) {
      actions->push_back(Action{stage.interrupt->send,
                                fmt::format("interrupt for stage {}: '{}' seen", stage.name,
                                            PrintableExcerpt(line, 80))});
    }
  }
  // Only the prompt (the last stage) may match a line still being received.
  if (partial && current_ + 1 != stages_.size()) return Result::kNone;
  if (!RE2::PartialMatch(line, *c.expect)) return Result::kNone;
  return Matched(line, t);
}

StageTracker::Result StageTracker::Matched(std::string_view line, Nanos t) {
  const Compiled& c = stages_[current_];
  const Stage& stage = suite_.stages[current_];
  StageResult& result = verdict_->stages[current_];
  result.t = t;
  result.duration = t - since_;
  result.line = PrintableExcerpt(line, kStageLineBytes);

  if (!c.groups.empty()) {
    std::vector<re2::StringPiece> sub(static_cast<size_t>(c.expect->NumberOfCapturingGroups()) + 1);
    if (c.expect->Match(line, 0, line.size(), RE2::UNANCHORED, sub.data(),
                        static_cast<int>(sub.size()))) {
      for (const auto& [name, index] : c.groups) {
        const re2::StringPiece& piece = sub[static_cast<size_t>(index)];
        if (piece.data() == nullptr) continue;  // optional group that did not take part
        verdict_->facts[name] = PrintableExcerpt(std::string_view(piece.data(), piece.size()),
                                                 kStageLineBytes);
      }
    }
  }

  if (!stage.checks.empty()) {
    std::map<std::string, std::string> facts = *external_facts_;
    for (const auto& [name, value] : verdict_->facts) facts[name] = value;
    for (const FactCheck& check : stage.checks) {
      CheckOutcome outcome = EvaluateFactCheck(check, facts);
      if (!outcome.passed) {
        result.status = StageStatus::kFail;
        result.reason = outcome.message.empty()
                            ? fmt::format("check '{}' failed", check.text)
                            : outcome.message;
        return Result::kFailed;
      }
    }
  }

  result.status = StageStatus::kPass;
  since_ = t;
  ++current_;
  interrupt_fired_ = false;
  return Result::kPassed;
}

}  // namespace hilt
