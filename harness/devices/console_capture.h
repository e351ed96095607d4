// ConsoleCapture: the reader thread that owns the console while a board runs.
//
// It starts before the board is powered and never waits for anyone: every
// chunk is stamped on arrival, appended at once to console.raw (the truth),
// and queued for the checker. A slow checker can only make the queue grow;
// past a memory cap the queue (not the raw file) skips bytes and says so.
// A console that disappears (USB adapter unplugged, ser2net restarted) is
// reopened with back-off and the gap is recorded.
#ifndef HILT_DEVICES_CONSOLE_CAPTURE_H_
#define HILT_DEVICES_CONSOLE_CAPTURE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/core/byte_cap.h"
#include "harness/core/status.h"
#include "harness/core/timestamp.h"
#include "harness/devices/clock.h"
#include "harness/devices/console.h"

namespace hilt {

struct CapturedChunk {
  // Arrival time since power-on (MarkPowerOn). Bytes that arrive before
  // power-on are stamped 0: they are leftovers of a previous boot or adapter
  // noise, kept in order but not part of this boot's timeline.
  Nanos t{0};
  std::string bytes;
  // Bytes that arrived before this chunk but were not queued because the
  // queue was over its memory cap. They are in console.raw; the checker saw
  // a hole here and must report it (it cannot vouch for what it never saw).
  uint64_t lost_before = 0;
};

// A stretch of time without a console, [start, end) since power-on.
struct ConsoleGap {
  Nanos start{0};
  Nanos end{-1};  // -1 while still open
  std::string reason;  // the error that closed the console
};

// What the checker and the typer read from: chunks in arrival order.
class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  // Moves every queued chunk to the end of `out`. Waits up to `timeout` for
  // at least one; false when none came (or the capture has stopped and
  // nothing is left).
  virtual bool WaitForData(std::vector<CapturedChunk>* out, Nanos timeout) = 0;
};

struct ConsoleCaptureOptions {
  // How often Stop is noticed on a console that cannot be interrupted
  // (Console::Interrupt); the others notice at once.
  Nanos read_timeout = std::chrono::milliseconds(50);
  Nanos reopen_initial = std::chrono::milliseconds(50);
  Nanos reopen_max = std::chrono::seconds(1);
  uint64_t max_queued_bytes = 64ull << 20;
  // At Stop, reads on until the console has been quiet for its
  // DeliveryLag(), at most this long.
  Nanos final_drain = std::chrono::milliseconds(500);
  // console.raw takes this many bytes, then no more (0: no cap). The
  // checker still gets every byte: the cap bounds the disk, not the verdict.
  uint64_t max_raw_bytes = 0;
};

class ConsoleCapture final : public ChunkSource {
 public:
  // `console` and `clock` must outlive the capture. `raw_path` is created or
  // truncated; empty keeps no raw file (tests).
  ConsoleCapture(Console* console, Clock* clock, std::string raw_path,
                 ConsoleCaptureOptions options = {});
  ~ConsoleCapture() override;  // Stop()s

  // Opens the console (its error is returned, so a missing device fails the
  // run before the board is powered) and starts the reader thread.
  Status Start();
  // Time 0 of the boot: call just before switching power on.
  void MarkPowerOn();
  // Ends the thread: at once on a console that can be interrupted, else
  // within about one read_timeout; then reads what is still on its way (the
  // final drain, at most final_drain). Closes an open gap.
  void Stop();

  bool WaitForData(std::vector<CapturedChunk>* out, Nanos timeout) override;
  // Waits up to `timeout` until chunks are queued (true) without taking
  // them; returns at once when some are, or when the capture has stopped.
  bool WaitForPending(Nanos timeout);

  std::vector<ConsoleGap> Gaps() const;
  uint64_t bytes_received() const { return bytes_received_.load(); }
  uint64_t bytes_lost_from_queue() const { return lost_total_.load(); }
  // Not ok once a write to console.raw failed (disk full): a lab failure.
  Status raw_status() const;
  // What console.raw took and turned away (its cap).
  const ByteCap& raw_cap() const { return raw_cap_; }
  // Now on the boot's timeline (0 before power-on), for the runner's events.
  Nanos Elapsed() const;

 private:
  void Loop();
  void FinalDrain();
  void Deliver(std::string bytes, Nanos t);
  void SleepUnlessStopped(Nanos d);

  Console* console_;
  Clock* clock_;
  std::string raw_path_;
  ConsoleCaptureOptions options_;
  int raw_fd_ = -1;
  ByteCap raw_cap_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> powered_{false};
  std::atomic<int64_t> origin_ns_{0};
  std::atomic<uint64_t> bytes_received_{0};
  std::atomic<uint64_t> lost_total_{0};
  std::atomic<bool> raw_failed_{false};  // console.raw is written no more

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<CapturedChunk> queue_;
  uint64_t queued_bytes_ = 0;
  uint64_t lost_pending_ = 0;
  std::vector<ConsoleGap> gaps_;
  Status raw_status_;
  bool running_ = false;
};

}  // namespace hilt

#endif  // HILT_DEVICES_CONSOLE_CAPTURE_H_
