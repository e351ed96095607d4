#include "harness/core/prompt_session.h"

#include <fmt/format.h>

#include "harness/core/console_regex.h"
#include "harness/core/log_text.h"

namespace hilt {
namespace {

constexpr size_t kOutputBytes = 4096;  // TestResult::output cap

}  // namespace

PromptSession::PromptSession(const Suite& suite, const RE2* prompt, Verdict* verdict)
    : suite_(suite), prompt_(prompt), verdict_(verdict) {
  const auto keep_first_error = [this](const Status& s) {
    if (status_.ok()) status_ = s;
  };
  for (const PromptTest& test : suite.tests) {
    Compiled c;
    if (test.expect) {
      auto re = CompileConsoleRegex(*test.expect);
      if (re.ok()) {
        c.expect = std::move(re).value();
      } else {
        keep_first_error(re.status());
      }
    }
    for (const Pattern& fail : test.fail) {
      auto re = CompileConsoleRegex(fail);
      if (re.ok()) {
        c.fail.push_back(std::move(re).value());
      } else {
        keep_first_error(re.status());
      }
    }
    tests_.push_back(std::move(c));
  }
  if (prompt_ == nullptr && !suite.tests.empty()) {
    keep_first_error(Status::InvalidInput("prompt tests need a prompt stage"));
  }
}

std::optional<Nanos> PromptSession::deadline() const {
  if (!started_ || current_ >= suite_.tests.size()) return std::nullopt;
  const TestResult& r = verdict_->tests[current_];
  if (!r.t) return std::nullopt;
  return *r.t + suite_.tests[current_].timeout;
}

PromptSession::Result PromptSession::Begin(size_t prompt_line, Nanos t,
                                           std::vector<Action>* actions) {
  started_ = true;
  current_ = 0;
  prompt_line_ = prompt_line;
  return Send(t, actions);
}

PromptSession::Result PromptSession::Send(Nanos t, std::vector<Action>* actions) {
  if (current_ >= suite_.tests.size()) return Result::kAllPassed;
  const PromptTest& test = suite_.tests[current_];
  verdict_->tests[current_].t = t;
  expect_seen_ = false;
  answered_ = false;
  if (actions != nullptr) {
    actions->push_back(Action{test.send + "\n", fmt::format("test {}", test.name)});
  }
  return Result::kNone;
}

void PromptSession::AppendOutput(std::string_view line) {
  std::string& out = verdict_->tests[current_].output;
  if (out.size() >= kOutputBytes) return;
  if (!out.empty()) out += '\n';
  out += PrintableExcerpt(line, kOutputBytes - out.size());
}

PromptSession::Result PromptSession::OnLine(std::string_view line, size_t line_no, bool partial,
                                            Nanos t, std::vector<Action>* actions) {
  if (!started_ || current_ >= suite_.tests.size()) return Result::kNone;
  if (line_no <= prompt_line_) return Result::kNone;  // the echo of the command
  if (!partial) answered_ = true;
  if (RE2::PartialMatch(line, *prompt_)) return PromptReturned(line_no, t, actions);
  if (partial) return Result::kNone;  // output is judged once complete

  const PromptTest& test = suite_.tests[current_];
  const Compiled& c = tests_[current_];
  for (size_t i = 0; i < c.fail.size(); ++i) {
    if (RE2::PartialMatch(line, *c.fail[i])) {
      AppendOutput(line);
      FailCurrent(fmt::format("'{}' in the output of '{}' matches fail pattern '{}'",
                              PrintableExcerpt(line), PrintableExcerpt(test.send),
                              test.fail[i].regex));
      return Result::kFailed;
    }
  }
  if (c.expect && !expect_seen_ && RE2::PartialMatch(line, *c.expect)) expect_seen_ = true;
  AppendOutput(line);
  return Result::kNone;
}

PromptSession::Result PromptSession::PromptReturned(size_t line_no, Nanos t,
                                                    std::vector<Action>* actions) {
  const PromptTest& test = suite_.tests[current_];
  TestResult& result = verdict_->tests[current_];
  result.duration = t - result.t.value_or(t);
  prompt_line_ = line_no;
  if (tests_[current_].expect && !expect_seen_) {
    const std::string& out = result.output;
    FailCurrent(fmt::format("'{}' not in the output of '{}' ({})", test.expect->regex,
                            PrintableExcerpt(test.send),
                            out.empty() ? std::string("no output")
                                        : "first line: '" +
                                              PrintableExcerpt(out.substr(0, out.find('\n'))) +
                                              "'"));
    return Result::kFailed;
  }
  result.status = StageStatus::kPass;
  ++current_;
  return Send(t, actions);
}

void PromptSession::FailCurrent(std::string reason) {
  if (current_ >= suite_.tests.size()) return;
  TestResult& result = verdict_->tests[current_];
  result.status = StageStatus::kFail;
  result.reason = std::move(reason);
}

}  // namespace hilt
