// The pieces a run orchestrates, as the run state machine sees them. Each is
// an interface so that every path of run.cc, every failure path included,
// runs in unit tests against fakes; real_parts.h binds them to the devices,
// image, flash, checker and report modules.
#ifndef HILT_RUNNER_RUN_PARTS_H_
#define HILT_RUNNER_RUN_PARTS_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/status.h"
#include "harness/core/suite.h"
#include "harness/core/timestamp.h"
#include "harness/core/verdict.h"
#include "harness/runner/lab_config.h"

namespace hilt {

// Bytes as they arrived, stamped with their arrival since power-on (0 for
// bytes that came before it).
struct StampedBytes {
  std::string bytes;
  Nanos t{0};
};

// The console captured from before power-on by a reader thread, which also
// writes every byte to console.raw as it arrives.
class ConsoleSession {
 public:
  virtual ~ConsoleSession() = default;
  // Time 0 of the boot: called just before power on.
  virtual void MarkPowerOn() = 0;
  // Appends to *out, in order, what has arrived since the last call.
  virtual void Drain(std::vector<StampedBytes>* out) = 0;
  // Blocks until Drain has bytes to return or `timeout` passes, and returns
  // true: the runner then reacts to the board's output as it arrives. A
  // session that cannot block returns false at once and the runner sleeps
  // `timeout` on its clock instead (the fakes of the unit tests).
  virtual bool AwaitBytes(Nanos timeout) {
    (void)timeout;
    return false;
  }
  // Ok while the console works; LabFailure once it is gone for good.
  virtual Status Health() = 0;
  // Types `text` at a pace the board's UART can take. What arrives
  // meanwhile (echoes, output) is appended to *drained, so no byte bypasses
  // the checker.
  virtual Status Type(std::string_view text, std::vector<StampedBytes>* drained) = 0;
  // Stops the reader and flushes console.raw; Drain still returns what
  // arrived before it stopped.
  virtual Status Stop() = 0;
  // Where bytes may have been lost (reopens), one line each.
  virtual std::vector<std::string> Gaps() = 0;
  // What the run's reports should say that is no fault of anyone (the
  // console.raw cap was reached), one line each.
  virtual std::vector<std::string> Notes() { return {}; }
};

// Text the checker wants typed, and why (for the run log).
struct CheckAction {
  std::string send;
  std::string why;
};

// The suite checker fed live: times are since the origin (power-on).
class BootCheck {
 public:
  virtual ~BootCheck() = default;
  virtual void Feed(std::string_view bytes, Nanos t, std::vector<CheckAction>* actions) = 0;
  virtual void Tick(Nanos now, std::vector<CheckAction>* actions) = 0;
  virtual void Finish(Nanos now) = 0;
  virtual bool done() const = 0;
  virtual Verdict verdict() const = 0;
};

// What a run writes besides console.raw: console.log line by line as bytes
// come, and at the end result.json, then junit.xml.
class RunRecorder {
 public:
  virtual ~RunRecorder() = default;
  virtual void Console(std::string_view bytes, Nanos t) = 0;
  // Completes console.log and writes result.json: the verdict is on disk
  // when this returns. Nothing more is logged after it.
  virtual Status Finish(const Verdict& verdict) = 0;
  // The reports derived from the verdict (junit.xml), written after it so
  // they do not delay it.
  virtual Status FinishOthers(const Verdict& verdict) {
    (void)verdict;
    return Status::Ok();
  }
};

// Long-running helpers of the board (the simulator), started before the run.
class ServiceSet {
 public:
  virtual ~ServiceSet() = default;
  virtual Status Start(const std::atomic<bool>* cancel) = 0;
  // LabFailure naming the service if one has exited.
  virtual Status Check() = 0;
  virtual void Stop() = 0;
};

// The lab steps that are not a power switch or a mux.
class LabSteps {
 public:
  virtual ~LabSteps() = default;
  // Runs one build step, its output appended to `log_path`; LabFailure with
  // the command and the last lines of the log when it fails.
  virtual Status Build(const BuildStep& step, const std::string& log_path,
                       const std::atomic<bool>* cancel) = 0;
  // Assembles the card image from the layout and the named part files.
  virtual Status Image(const ImageConfig& image, const std::map<std::string, std::string>& parts,
                       const std::string& image_path, const std::string& log_path) = 0;
  virtual Status WaitForBlockDevice(const std::string& path, Nanos timeout,
                                    const std::atomic<bool>* cancel) = 0;
  // Writes and verifies `image_path` onto `device`, which must be the lab
  // config's block device and nothing else.
  virtual Status Flash(const std::string& image_path, const std::string& device,
                       const std::string& log_path, Nanos timeout,
                       const std::atomic<bool>* cancel) = 0;
  virtual StatusOr<std::unique_ptr<ConsoleSession>> StartConsole(const std::string& raw_path) = 0;
  virtual StatusOr<std::unique_ptr<BootCheck>> MakeChecker(const Suite& suite) = 0;
};

}  // namespace hilt

#endif  // HILT_RUNNER_RUN_PARTS_H_
