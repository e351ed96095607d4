#include "harness/runner/run.h"

#include <deque>
#include <exception>
#include <iterator>
#include <fstream>
#include <memory>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "harness/core/exit_code.h"
#include "harness/runner/drill_point.h"

namespace hilt {
namespace {

class RunMachine {
 public:
  RunMachine(const RunRequest& req, const RunDeps& deps) : req_(req), d_(deps) {}

  RunResult Execute() {
    run_log_.open(req_.run_dir + "/run.log", std::ios::app);
    Status status;
    try {
      status = Steps();
    } catch (const std::exception& e) {
      status = Status::LabFailure(std::string("internal error: ") + e.what());
    } catch (...) {
      status = Status::LabFailure("internal error: unknown exception");
    }
    if (!status.ok() && status.code() != Status::Code::kCancelled && Cancelled()) {
      status = Status::Cancelled("cancelled (SIGINT/SIGTERM) during " + step_ + ": " + status.message());
    }
    return Cleanup(status);
  }

 private:
  bool Cancelled() const { return req_.cancel && req_.cancel->load(); }

  Status CheckCancel() {
    if (Cancelled()) return Status::Cancelled("cancelled (SIGINT/SIGTERM) during " + step_);
    return Status::Ok();
  }

  void Say(const std::string& line) {
    if (req_.progress) *req_.progress << "hilt: " << line << std::endl;
    if (run_log_) run_log_ << fmt::format("[{:9.3f}] ", ToSeconds(d_.clock->Now() - start_)) << line << std::endl;
  }

  // Enters a step: later errors are attributed to it. `point` names the
  // state for the drills' pause hook (drill_point.h); default: the step.
  Status Enter(const std::string& step, const std::string& what, std::string_view point = {}) {
    step_ = step;
    Say(what);
    DrillPoint(point.empty() ? std::string_view(step) : point, req_.cancel);
    return CheckCancel();
  }

  Status Power(bool on) {
    HILT_RETURN_IF_ERROR(Enter("power", on ? "power on" : "power off", on ? "power-on" : "power-off"));
    if (on) {
      // Let the rails drain after the last off, or the SoC may not reset.
      powered_maybe_ = true;
      Status s = d_.power->On();
      return s.ok() ? s : s.Prefixed("power on (" + d_.power->Describe() + ")");
    }
    Status s = d_.power->Off();
    if (!s.ok()) return s.Prefixed("power off (" + d_.power->Describe() + ")");
    powered_maybe_ = false;
    last_off_ = d_.clock->Now();
    return s;
  }

  Status Mux(MuxSide side) {
    HILT_RETURN_IF_ERROR(Enter("mux", std::string("SD mux to ") + MuxSideName(side),
                               side == MuxSide::kHost ? "mux-host" : "mux-dut"));
    Status s = d_.mux->Switch(side);
    if (!s.ok()) return s.Prefixed(std::string("mux to ") + MuxSideName(side) + " (" + d_.mux->Describe() + ")");
    return s;
  }

  Status Steps() {
    start_ = d_.clock->Now();
    const LabConfig& lab = *req_.lab;
    const BoardConfig& board = *req_.board;
    if (d_.services) {
      HILT_RETURN_IF_ERROR(Enter("services", "starting services of board '" + board.name + "'"));
      services_started_ = true;
      HILT_RETURN_IF_ERROR(d_.services->Start(req_.cancel));
    }

    if (!req_.recover_from.empty()) {
      Say("the board's last holder (" + req_.recover_from + ") ended without cleanup: making the board safe first");
      HILT_RETURN_IF_ERROR(Power(false));
      HILT_RETURN_IF_ERROR(Mux(MuxSide::kHost));
    }

    std::string build_log = req_.run_dir + "/build.log";
    for (const BuildStep& step : lab.build) {
      HILT_RETURN_IF_ERROR(Enter("build", "build step '" + step.name + "': " + step.run));
      HILT_RETURN_IF_ERROR(d_.steps->Build(step, build_log, req_.cancel));
    }

    std::string image_path;
    if (lab.image) {
      HILT_RETURN_IF_ERROR(Enter("image", "assembling the card image from " + lab.image->layout));
      std::map<std::string, std::string> parts;
      for (const auto& [part, output] : lab.image->parts) parts[part] = lab.OutputPath(output);
      image_path = req_.run_dir + "/sd.img";
      HILT_RETURN_IF_ERROR(d_.steps->Image(*lab.image, parts, image_path, req_.run_dir + "/image.log"));
    }

    HILT_RETURN_IF_ERROR(Power(false));
    if (!image_path.empty()) {
      HILT_RETURN_IF_ERROR(Mux(MuxSide::kHost));
      HILT_RETURN_IF_ERROR(Enter("block-device", "waiting for the card at " + board.block_device));
      HILT_RETURN_IF_ERROR(d_.steps->WaitForBlockDevice(board.block_device, lab.timeouts.block_device, req_.cancel));
      HILT_RETURN_IF_ERROR(Enter("flash", "writing the card " + board.block_device));
      HILT_RETURN_IF_ERROR(d_.steps->Flash(image_path, board.block_device, req_.run_dir + "/flash.log",
                                           lab.timeouts.flash, req_.cancel));
      HILT_RETURN_IF_ERROR(Power(false));
    }
    HILT_RETURN_IF_ERROR(Mux(MuxSide::kDut));

    HILT_RETURN_IF_ERROR(Enter("checker", "loading the checker for suite " + req_.suite->name));
    auto checker = d_.steps->MakeChecker(*req_.suite);
    if (!checker.ok()) return checker.status();
    checker_ = std::move(*checker);

    HILT_RETURN_IF_ERROR(Enter("console", "capturing the console"));
    auto console = d_.steps->StartConsole(req_.run_dir + "/console.raw");
    if (!console.ok()) return console.status();
    console_ = std::move(*console);

    // Time 0 is just before the switch: the board may print at once.
    step_ = "power";
    HILT_RETURN_IF_ERROR(CheckCancel());
    if (last_off_) {
      Nanos since_off = d_.clock->Now() - *last_off_;
      if (since_off < req_.board->power.off_time) d_.clock->SleepFor(req_.board->power.off_time - since_off);
    }
    origin_ = d_.clock->Now();
    console_->MarkPowerOn();
    HILT_RETURN_IF_ERROR(Power(true));
    HILT_RETURN_IF_ERROR(Enter("boot", "checking the boot against " + req_.suite->file));
    return Boot();
  }

  // Feeds `chunks` to console.log and the checker, types what it asks;
  // what arrives while typing is fed in turn, in order.
  Status Deliver(std::vector<StampedBytes>* chunks, bool check) {
    std::deque<StampedBytes> pending(std::make_move_iterator(chunks->begin()),
                                     std::make_move_iterator(chunks->end()));
    chunks->clear();
    Status status;
    while (!pending.empty()) {
      StampedBytes c = std::move(pending.front());
      pending.pop_front();
      d_.recorder->Console(c.bytes, c.t);
      if (!status.ok() || !check || !checker_ || checker_->done()) continue;
      std::vector<CheckAction> actions;
      checker_->Feed(c.bytes, c.t, &actions);
      std::vector<StampedBytes> drained;
      status = Perform(actions, &drained);
      // Typed echoes go before what is still pending: they arrived earlier.
      pending.insert(pending.begin(), std::make_move_iterator(drained.begin()),
                     std::make_move_iterator(drained.end()));
    }
    return status;
  }

  Status Perform(const std::vector<CheckAction>& actions, std::vector<StampedBytes>* drained) {
    for (const CheckAction& a : actions) {
      Say(fmt::format("typing {:?} ({})", a.send, a.why));
      DrillPoint("typing", req_.cancel);
      Status s = console_->Type(a.send, drained);
      if (!s.ok()) {
        step_ = "console";
        return s.Prefixed("typing on the console");
      }
    }
    return Status::Ok();
  }

  Status Boot() {
    Nanos deadline = origin_ + req_.suite->timeout;
    std::vector<StampedBytes> chunks;
    while (true) {
      HILT_RETURN_IF_ERROR(CheckCancel());
      console_->Drain(&chunks);
      HILT_RETURN_IF_ERROR(Deliver(&chunks, true));
      if (!checker_->done()) {
        if (Status h = LabHealth(); !h.ok()) return h;
        Nanos now = d_.clock->Now();
        std::vector<CheckAction> actions;
        checker_->Tick(now - origin_, &actions);
        HILT_RETURN_IF_ERROR(Perform(actions, &chunks));
        HILT_RETURN_IF_ERROR(Deliver(&chunks, true));
        // The checker judges the suite timeout itself; this is the backstop.
        if (!checker_->done() && now >= deadline) checker_->Finish(now - origin_);
      }
      if (checker_->done()) break;
      // Woken by the board's next bytes, so the prompt is judged as it
      // arrives; `poll` bounds the wait for ticks, timeouts and cancels.
      if (!console_->AwaitBytes(req_.poll)) d_.clock->SleepFor(req_.poll);
    }
    Verdict v = checker_->verdict();
    if (v.outcome == Outcome::kFail) {
      // A board is failed only on a console we trust: if the console or a
      // service broke meanwhile, silence was the lab's doing.
      if (Status h = LabHealth(); !h.ok()) return h;
    }
    return Status::Ok();
  }

  Status LabHealth() {
    if (d_.services) {
      if (Status s = d_.services->Check(); !s.ok()) {
        step_ = "services";
        return s;
      }
    }
    if (Status s = console_->Health(); !s.ok()) {
      step_ = "console";
      return s.Prefixed("console");
    }
    return Status::Ok();
  }

  // Runs on every exit path; keeps the first error and records later ones.
  RunResult Cleanup(Status status) {
    RunResult result;
    std::vector<std::string> infra, gaps, notes;
    if (!status.ok()) {
      result.stopped_at = step_;
      Say("stopped at " + step_ + ": " + status.message());
    }
    Nanos end = d_.clock->Now();
    DrillPoint("cleanup", req_.cancel);  // nothing below is cut short by a cancel
    try {
      // Powered off before moving the mux, always, even if we believe it is
      // off; and before the console stops, so what the board printed up to
      // the power cut is still read into console.raw.
      if (Status s = d_.power->Off(); !s.ok()) {
        infra.push_back("cleanup: power off (" + d_.power->Describe() + "): " + s.message());
      } else {
        powered_maybe_ = false;
      }
      if (console_) {
        if (Status s = console_->Stop(); !s.ok()) infra.push_back("console stop: " + s.message());
      }
      if (!powered_maybe_) {
        if (Status s = d_.mux->Switch(MuxSide::kHost); !s.ok()) {
          infra.push_back("cleanup: mux to host (" + d_.mux->Describe() + "): " + s.message());
        }
      } else {
        infra.push_back("cleanup: left the mux on the board because power off failed");
      }
      if (console_) {
        std::vector<StampedBytes> rest;
        console_->Drain(&rest);
        Status s = Deliver(&rest, status.ok() && checker_ && !checker_->done());
        (void)s;  // nothing can be typed any more; the bytes are logged
        gaps = console_->Gaps();
        for (const std::string& gap : gaps) infra.push_back("console gap: " + gap);
        notes = console_->Notes();
      }
    } catch (const std::exception& e) {
      infra.push_back(std::string("cleanup: internal error: ") + e.what());
    }

    // The lab is safe; what is left is judging and writing the reports. A
    // signal up to here still makes the run an error.
    DrillPoint("reports", req_.cancel);
    Verdict& v = result.verdict;
    if (checker_) {
      if (!checker_->done()) checker_->Finish(end - origin_);
      v = checker_->verdict();
    }
    if (status.ok() && !gaps.empty() && v.outcome != Outcome::kError) {
      // The console came back and the capture went on, but what the board
      // sent while it was gone is lost: a stage or a failure pattern may
      // have been in it. Neither a pass nor a fail can be vouched for.
      step_ = result.stopped_at = "console";
      status = Status::LabFailure(fmt::format("the checker did not see all of the boot ({}): a stage or a failure "
                                              "pattern may be in what it missed, so its '{}' cannot be trusted",
                                              gaps.front(), OutcomeName(v.outcome)));
    }
    if (status.ok() && Cancelled()) {
      // Told to stop while cleaning up: the cleanup was finished all the
      // same, but the run is not the clean result its verdict would claim.
      step_ = result.stopped_at = "cleanup";
      status = Status::Cancelled(fmt::format("cancelled (SIGINT/SIGTERM) during cleanup; the boot check "
                                             "had ended: {}", OutcomeName(v.outcome)));
    }
    if (!status.ok()) {
      v.outcome = Outcome::kError;
      v.failed_stage = step_;
      v.reason = status.message();
      v.infra_errors.insert(v.infra_errors.begin(), step_ + ": " + status.message());
      result.exit_code = ExitCodeFor(status);
    } else if (!checker_) {
      v.outcome = Outcome::kError;
      v.reason = "internal error: the run ended without a checker";
      result.exit_code = kExitLabFailed;
    } else {
      result.exit_code = v.outcome == Outcome::kPass ? kExitPass
                         : v.outcome == Outcome::kFail ? kExitBoardFailed
                                                       : kExitLabFailed;
    }
    for (auto& e : infra) v.infra_errors.push_back(e);
    for (auto& n : notes) {
      Say("note: " + n);
      v.notes.push_back(n);
    }
    if (status.ok() && !infra.empty() && v.outcome == Outcome::kPass) {
      // The board passed but the lab is in an unknown state: someone must look.
      v.outcome = Outcome::kError;
      v.reason = "the board passed, but cleanup failed: " + infra.front();
      result.exit_code = kExitLabFailed;
    } else if (!status.ok() && result.exit_code == kExitPass) {
      result.exit_code = kExitLabFailed;
    }
    // result.json first: the verdict is on disk before anything else is
    // done, and the `verdict` line says so (the latency bench reads it).
    if (Status s = d_.recorder->Finish(v); !s.ok()) {
      Say("writing the reports failed: " + s.message());
      if (result.exit_code < kExitLabFailed) result.exit_code = kExitLabFailed;
    }
    Say(fmt::format("verdict {}{}{} (exit {})", OutcomeName(v.outcome),
                    v.failed_stage.empty() ? "" : " at " + v.failed_stage,
                    v.reason.empty() ? "" : ": " + v.reason, result.exit_code));
    if (!powered_maybe_) d_.power->LetGo();
    if (Status s = d_.recorder->FinishOthers(v); !s.ok()) {
      if (result.exit_code < kExitLabFailed) result.exit_code = kExitLabFailed;
      Say(fmt::format("writing the reports failed: {} (exit {})", s.message(), result.exit_code));
    }
    if (d_.services && services_started_) d_.services->Stop();
    return result;
  }

  const RunRequest& req_;
  const RunDeps& d_;
  std::ofstream run_log_;
  std::string step_ = "start";
  Nanos start_{0}, origin_{0};
  std::optional<Nanos> last_off_;
  bool powered_maybe_ = true;   // unknown at start: treat as on
  bool services_started_ = false;
  std::unique_ptr<BootCheck> checker_;
  std::unique_ptr<ConsoleSession> console_;
};

}  // namespace

RunResult ExecuteRun(const RunRequest& request, const RunDeps& deps) {
  return RunMachine(request, deps).Execute();
}

}  // namespace hilt
