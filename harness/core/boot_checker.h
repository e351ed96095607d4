// BootChecker: console bytes in, a Verdict out, as the bytes arrive.
//
// The streaming matcher of DESIGN.md: a LineSplitter turns bytes into clean
// lines; every complete line is tried once against one RE2::Set holding all
// global `fail` and `repeat-fails` patterns, then against what is awaited:
// the next boot stage (StageTracker), or, once the prompt stage passed, the
// prompt tests (PromptSession). While boot stages are awaited, the complete
// lines of one Feed are first gathered into a block and matched as a whole:
// only a block where some pattern matches is gone through line by line, so
// most lines cost a copy instead of two regex calls (see BlockRegex for why
// a block miss proves a miss on every line). A LiteralPrefilter in front of
// the Set skips the DFA on text that holds none of the patterns' literals. Old lines are never matched again and at most
// one partial line is held, so the work is linear in the input whatever its
// chunking. The line being received is tried (prompt and interrupts only)
// after each Feed while it is short, and at any length on Tick and Finish.
//
// The first failure is final: done() turns true and later input is ignored.
#ifndef HILT_CORE_BOOT_CHECKER_H_
#define HILT_CORE_BOOT_CHECKER_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <re2/set.h>

#include "harness/core/byte_buffer.h"
#include "harness/core/checker_types.h"
#include "harness/core/line_splitter.h"
#include "harness/core/literal_prefilter.h"
#include "harness/core/prompt_session.h"
#include "harness/core/stage_tracker.h"
#include "harness/core/suite.h"
#include "harness/core/timestamp.h"
#include "harness/core/verdict.h"

namespace hilt {

class BootChecker : private LineSink {
 public:
  // Partial lines up to this size are tried after every Feed; longer ones
  // only on Tick/Finish, so 1-byte chunks cannot make matching quadratic.
  static constexpr size_t kPartialProbeBytes = 256;
  // A block is matched once it holds this many bytes, and at the end of
  // every Feed (all its lines arrived at the same time).
  static constexpr size_t kBlockBytes = 32 * 1024;

  // `suite` outlives the checker.
  BootChecker(const Suite& suite, CheckerOptions options);
  BootChecker(Suite&& suite, CheckerOptions options) = delete;  // would dangle
  ~BootChecker() override;
  BootChecker(const BootChecker&) = delete;
  BootChecker& operator=(const BootChecker&) = delete;

  // `bytes` arrived at t (since the origin). Appends what must be typed.
  void Feed(std::string_view bytes, Nanos t, std::vector<Action>* actions);
  // Time passes without bytes: budgets expire, a partial-line prompt may match.
  void Tick(Nanos now, std::vector<Action>* actions);
  // End of input: the partial line counts as a line; what is left unmatched fails.
  void Finish(Nanos now);

  // Every line the checker's splitter completes is handed on to `tap` too,
  // also after done() (Feed and Finish keep splitting), so a report built
  // beside the checker needs no splitter of its own. `tap` outlives Feed.
  void set_line_tap(LineSink* tap) { tap_ = tap; }
  // The raw bytes as the splitter cuts them (line_splitter.h), for a
  // console.log writer beside the checker. The splitter runs while the
  // checker is not done or has a tap: set one, or feed the writer yourself.
  void set_raw_sink(RawSpanSink* raw) { splitter_.set_raw_sink(raw); }
  // Whether a partial line is held (the tap's next line began before).
  bool partial_open() const { return !splitter_.partial().empty(); }

  bool done() const { return done_; }
  const Verdict& verdict() const { return verdict_; }

 private:
  enum class Phase { kStages, kTests };

  void OnLine(std::string_view line, bool truncated) override;
  void MatchLine(std::string_view line, size_t line_no);
  void FlushBlock();
  void BuildPrefilter();
  bool GlobalMayMatch(std::string_view text, bool block) const;
  bool CheckGlobalPatterns(std::string_view line, size_t line_no, Nanos t);
  void ProbePartial(Nanos t, bool bounded);
  void HandleStage(StageTracker::Result result, size_t line_no, Nanos t);
  void HandleTest(PromptSession::Result result, Nanos t);
  void JudgeTime(Nanos now);
  void EndOfLog(Nanos now);

  void FailAwaited(std::string reason, Nanos t);  // the awaited stage or running test
  void Pass(Nanos t);
  std::string When(Nanos t, size_t line_no) const;  // "3.20s" or "line 57"
  std::string LastLine() const;                     // "last line: '...'" or "no output"
  std::string AwaitedName() const;

  const Suite& suite_;
  CheckerOptions options_;
  Verdict verdict_;
  StageTracker stages_;
  PromptSession session_;
  LineSplitter splitter_;
  std::unique_ptr<RE2::Set> global_;  // suite.fail, then suite.repeat_fails
  std::unique_ptr<RE2::Set> global_block_;  // their block forms (BlockRegex)
  // Proves most texts free of global matches without running the Sets; the
  // patterns it cannot judge (no literal) are in the unfiltered Sets.
  std::unique_ptr<LiteralPrefilter> prefilter_;
  std::unique_ptr<RE2::Set> unfiltered_;
  std::unique_ptr<RE2::Set> unfiltered_block_;
  bool block_safe_ = false;            // every global pattern has a block form
  ByteBuffer block_;                   // complete lines, each followed by '\n'
  size_t block_first_line_ = 0;        // number of its first line
  size_t block_last_text_ = std::string::npos;  // offset of its last non-empty line
  std::vector<int> hits_;
  struct FirstSeen { Nanos t; size_t line_no; };
  std::vector<std::optional<FirstSeen>> repeat_seen_;

  Phase phase_ = Phase::kStages;
  bool done_ = false;
  LineSink* tap_ = nullptr;
  std::vector<Action>* actions_ = nullptr;  // valid during Feed/Tick
  Nanos now_{0};                            // arrival time of the bytes being split
  Nanos partial_t_{0};                      // arrival time of the partial line's last bytes
  size_t probed_line_ = 0;                  // partial line last tried, and its size
  size_t probed_size_ = 0;
  std::string last_line_;
};

}  // namespace hilt

#endif  // HILT_CORE_BOOT_CHECKER_H_
