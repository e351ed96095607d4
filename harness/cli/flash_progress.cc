#include "harness/cli/flash_progress.h"

#include <string>

#include <fmt/format.h>

#include "harness/devices/posix_io.h"

namespace hilt::cli {

void TerminalProgress::OnProgress(FlashPhase phase, uint64_t done, uint64_t total) {
  const auto now = Clock::now();
  if (phase != phase_) {
    Finish();
    phase_ = phase;
    phase_start_ = now;
  }
  if (done < total && drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;

  const double seconds = std::chrono::duration<double>(now - phase_start_).count();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  const double fraction = total ? static_cast<double>(done) / static_cast<double>(total) : 1;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string eta = "--:--";
  if (rate > 0 && done < total) {
    auto left = static_cast<uint64_t>(static_cast<double>(total - done) / rate);
    eta = fmt::format("{}:{:02}", left / 60, left % 60);
  } else if (done >= total) {
    eta = "done";
  }
  fmt::print(out_, "\r{:<7} [{}{}] {:>10} / {:<10} {:>10}/s ETA {}\x1b[K",
             phase == FlashPhase::kWrite ? "write" : "verify", std::string(filled, '#'),
             std::string(kWidth - filled, '.'), HumanBytes(done), HumanBytes(total),
             HumanBytes(static_cast<uint64_t>(rate)), eta);
  std::fflush(out_);
}

void TerminalProgress::Finish() {
  if (!drawn_) return;
  std::fputc('\n', out_);
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace hilt::cli
