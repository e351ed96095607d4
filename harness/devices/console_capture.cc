#include "harness/devices/console_capture.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace hilt {

ConsoleCapture::ConsoleCapture(Console* console, Clock* clock, std::string raw_path,
                               ConsoleCaptureOptions options)
    : console_(console),
      clock_(clock),
      raw_path_(std::move(raw_path)),
      options_(options),
      raw_cap_(options.max_raw_bytes) {}

ConsoleCapture::~ConsoleCapture() {
  Stop();
  if (raw_fd_ >= 0) ::close(raw_fd_);
}

Status ConsoleCapture::Start() {
  if (thread_.joinable()) return Status::InvalidInput("console capture started twice");
  if (!raw_path_.empty()) {
    raw_fd_ = ::open(raw_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (raw_fd_ < 0) {
      return Status::LabFailure(
          fmt::format("cannot create console capture {}: {}", raw_path_, std::strerror(errno)));
    }
  }
  HILT_RETURN_IF_ERROR(console_->Open().Prefixed("console " + console_->Describe()));
  {
    std::lock_guard lock(mu_);
    running_ = true;
  }
  thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void ConsoleCapture::MarkPowerOn() {
  origin_ns_.store(clock_->Now().count());
  powered_.store(true);
}

Nanos ConsoleCapture::Elapsed() const {
  if (!powered_.load()) return Nanos{0};
  return clock_->Now() - Nanos{origin_ns_.load()};
}

void ConsoleCapture::Stop() {
  stop_.store(true);
  cv_.notify_all();
  // After stop_ is set: a Read that starts later sees the wake-up too.
  if (thread_.joinable()) console_->Interrupt();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  running_ = false;
  cv_.notify_all();
}

void ConsoleCapture::SleepUnlessStopped(Nanos d) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, d, [this] { return stop_.load(); });
}

void ConsoleCapture::Loop() {
  bool open = true;
  Nanos backoff = options_.reopen_initial;
  while (!stop_.load()) {
    if (!open) {
      Status s = console_->Open();
      if (!s.ok()) {
        SleepUnlessStopped(backoff);
        backoff = std::min(backoff * 2, options_.reopen_max);
        continue;
      }
      open = true;
      backoff = options_.reopen_initial;
      std::lock_guard lock(mu_);
      if (!gaps_.empty() && gaps_.back().end < Nanos{0}) gaps_.back().end = Elapsed();
    }
    std::string buf;
    Status s = console_->Read(&buf, options_.read_timeout);
    // Bytes that came with the error are still bytes the board sent.
    if (!buf.empty()) Deliver(std::move(buf), Elapsed());
    if (!s.ok()) {
      console_->Close();
      open = false;
      std::lock_guard lock(mu_);
      gaps_.push_back(ConsoleGap{Elapsed(), Nanos{-1}, s.message()});
    }
  }
  if (open) FinalDrain();
  std::lock_guard lock(mu_);
  if (!gaps_.empty() && gaps_.back().end < Nanos{0}) gaps_.back().end = Elapsed();
}

void ConsoleCapture::FinalDrain() {
  // The runner stops the capture after the power cut: the board sends no
  // more, but what it sent before may still be on its way (in the socket's
  // receive buffer, or held by a USB serial adapter until its latency timer
  // fires). Read until the console has been quiet for its DeliveryLag(): for
  // a local socket that is a read that finds nothing pending, for a UART a
  // few ms more. A Read cut short by the stop's wake-up returns early and
  // empty, so quiet is measured on the clock, not counted in reads.
  using std::chrono::steady_clock;
  const Nanos lag = console_->DeliveryLag();
  const auto until = steady_clock::now() + options_.final_drain;
  auto quiet_since = steady_clock::now();
  while (steady_clock::now() < until) {
    Nanos wait = std::chrono::duration_cast<Nanos>(quiet_since + lag - steady_clock::now());
    std::string buf;
    Status s = console_->Read(&buf, std::max(wait, Nanos{0}));
    if (!buf.empty()) {
      Deliver(std::move(buf), Elapsed());
      quiet_since = steady_clock::now();
    } else if (steady_clock::now() - quiet_since >= lag) {
      break;
    }
    if (!s.ok()) break;
  }
  console_->Close();
}

bool ConsoleCapture::WaitForPending(Nanos timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [this] { return !queue_.empty() || !running_; });
  return !queue_.empty();
}

void ConsoleCapture::Deliver(std::string bytes, Nanos t) {
  bytes_received_ += bytes.size();
  // The raw file first, with no user-space buffer: once write() returns the
  // bytes survive a crash of hilt. After a failed write (disk full) nothing
  // more is appended: later bytes that happen to fit would follow a hole,
  // and console.raw must stay an exact prefix of what the board sent.
  if (raw_fd_ >= 0 && !raw_failed_.load()) {
    const char* p = bytes.data();
    size_t left = static_cast<size_t>(raw_cap_.Admit(bytes.size()));
    while (left > 0) {
      ssize_t n = ::write(raw_fd_, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        raw_failed_.store(true);
        std::lock_guard lock(mu_);
        if (raw_status_.ok()) {
          raw_status_ = Status::LabFailure(
              fmt::format("writing console capture {} failed: {}", raw_path_, std::strerror(errno)));
        }
        break;
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
  }
  std::lock_guard lock(mu_);
  if (queued_bytes_ + bytes.size() > options_.max_queued_bytes) {
    lost_pending_ += bytes.size();
    lost_total_ += bytes.size();
    return;
  }
  queued_bytes_ += bytes.size();
  queue_.push_back(CapturedChunk{t, std::move(bytes), lost_pending_});
  lost_pending_ = 0;
  cv_.notify_all();
}

bool ConsoleCapture::WaitForData(std::vector<CapturedChunk>* out, Nanos timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [this] { return !queue_.empty() || !running_; });
  if (queue_.empty()) return false;
  for (CapturedChunk& c : queue_) out->push_back(std::move(c));
  queue_.clear();
  queued_bytes_ = 0;
  return true;
}

std::vector<ConsoleGap> ConsoleCapture::Gaps() const {
  std::lock_guard lock(mu_);
  return gaps_;
}

Status ConsoleCapture::raw_status() const {
  std::lock_guard lock(mu_);
  return raw_status_;
}

}  // namespace hilt
