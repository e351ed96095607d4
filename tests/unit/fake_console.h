// A scripted Console for device tests: reads return scripted steps in order,
// writes are recorded (and echoed when asked), Open can fail on demand.
#ifndef HILT_TESTS_UNIT_FAKE_CONSOLE_H_
#define HILT_TESTS_UNIT_FAKE_CONSOLE_H_

#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/devices/clock.h"
#include "harness/devices/console.h"

namespace hilt {

class FakeConsole final : public Console {
 public:
  struct Step {
    std::string bytes;     // returned by Read
    bool vanish = false;   // Read fails with LabFailure (after returning bytes)
    int open_failures = 0; // after vanishing: how many Opens fail first
    Nanos advance{0};      // moved on the clock (set_clock) before the read returns
  };

  void Push(Step step) {
    std::lock_guard lock(mu_);
    steps_.push_back(std::move(step));
  }
  Status Open() override {
    std::lock_guard lock(mu_);
    ++opens_;
    if (open_failures_ > 0) {
      --open_failures_;
      return Status::LabFailure("fake: no such device");
    }
    open_ = true;
    return Status::Ok();
  }
  Status Read(std::string* out, Nanos) override {
    std::unique_lock lock(mu_);
    if (!open_) return Status::LabFailure("fake: read while closed");
    if (steps_.empty()) {
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return Status::Ok();
    }
    Step step = std::move(steps_.front());
    steps_.pop_front();
    if (clock_ != nullptr) clock_->Advance(step.advance);
    *out += step.bytes;
    if (step.vanish) {
      open_failures_ = step.open_failures;
      return Status::LabFailure("fake: device vanished");
    }
    return Status::Ok();
  }
  Status Write(std::string_view bytes) override {
    std::lock_guard lock(mu_);
    if (!open_) return Status::LabFailure("fake: write while closed");
    written_ += bytes;
    writes_.emplace_back(bytes);
    if (echo_) steps_.push_back(Step{std::string(bytes)});
    return Status::Ok();
  }
  void Close() override {
    std::lock_guard lock(mu_);
    open_ = false;
    ++closes_;
  }
  std::string Describe() const override { return "fake"; }

  void set_echo(bool echo) { echo_ = echo; }
  void set_clock(ManualClock* clock) { clock_ = clock; }
  void set_open_failures(int n) {
    std::lock_guard lock(mu_);
    open_failures_ = n;
  }
  std::string written() const {
    std::lock_guard lock(mu_);
    return written_;
  }
  std::vector<std::string> writes() const {
    std::lock_guard lock(mu_);
    return writes_;
  }
  bool drained() const {
    std::lock_guard lock(mu_);
    return steps_.empty();
  }
  int opens() const {
    std::lock_guard lock(mu_);
    return opens_;
  }

 private:
  mutable std::mutex mu_;
  std::deque<Step> steps_;
  bool open_ = false;
  bool echo_ = false;
  ManualClock* clock_ = nullptr;
  int open_failures_ = 0;
  int opens_ = 0;
  int closes_ = 0;
  std::string written_;
  std::vector<std::string> writes_;
};

}  // namespace hilt

#endif  // HILT_TESTS_UNIT_FAKE_CONSOLE_H_
