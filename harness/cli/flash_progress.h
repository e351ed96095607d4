// A one-line progress bar for `hilt flash` on a terminal: phase, bar, bytes,
// throughput, ETA. Redraws at most ten times a second; writes nothing unless
// its stream is a terminal (checked by the caller).
#ifndef HILT_CLI_FLASH_PROGRESS_H_
#define HILT_CLI_FLASH_PROGRESS_H_

#include <chrono>
#include <cstdio>

#include "harness/image/flasher.h"

namespace hilt::cli {

class TerminalProgress final : public ProgressSink {
 public:
  explicit TerminalProgress(std::FILE* out) : out_(out) {}
  ~TerminalProgress() override { Finish(); }
  void OnProgress(FlashPhase phase, uint64_t done, uint64_t total) override;
  // Ends the line so later output starts on a fresh one.
  void Finish();

 private:
  using Clock = std::chrono::steady_clock;
  std::FILE* out_;
  FlashPhase phase_ = FlashPhase::kWrite;
  bool drawn_ = false;
  Clock::time_point phase_start_ = Clock::now();
  Clock::time_point last_draw_{};
};

}  // namespace hilt::cli

#endif  // HILT_CLI_FLASH_PROGRESS_H_
