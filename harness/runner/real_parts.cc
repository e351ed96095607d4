#include "harness/runner/real_parts.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "harness/core/boot_checker.h"
#include "harness/devices/command_runner.h"
#include "harness/devices/block_device_wait.h"
#include "harness/image/flasher.h"
#include "harness/runner/capture_session.h"
#include "harness/runner/device_factory.h"
#include "harness/runner/drill_point.h"

namespace hilt {
namespace {

using std::chrono::milliseconds;

class CheckerAdapter final : public BootCheck {
 public:
  CheckerAdapter(std::unique_ptr<Suite> suite, std::map<std::string, std::string> build_facts)
      : suite_(std::move(suite)), checker_(*suite_, Options(build_facts)), build_facts_(std::move(build_facts)) {}
  void Feed(std::string_view bytes, Nanos t, std::vector<CheckAction>* actions) override {
    std::vector<Action> a;
    checker_.Feed(bytes, t, &a);
    Convert(a, actions);
  }
  void Tick(Nanos now, std::vector<CheckAction>* actions) override {
    std::vector<Action> a;
    checker_.Tick(now, &a);
    Convert(a, actions);
  }
  void Finish(Nanos now) override { checker_.Finish(now); }
  bool done() const override { return checker_.done(); }
  Verdict verdict() const override {
    Verdict v = checker_.verdict();
    for (const auto& [key, value] : build_facts_) v.facts.emplace(key, value);  // into result.json
    return v;
  }

 private:
  static CheckerOptions Options(const std::map<std::string, std::string>& build_facts) {
    CheckerOptions options;
    options.external_facts = build_facts;
    return options;
  }
  static void Convert(const std::vector<Action>& in, std::vector<CheckAction>* out) {
    for (const Action& a : in) out->push_back({a.send, a.why});
  }
  std::unique_ptr<Suite> suite_;
  BootChecker checker_;
  std::map<std::string, std::string> build_facts_;
};

// Thrown by FlashLog between two chunks to stop a flash that is cancelled
// or past its timeout; caught in RealLabSteps::Flash. The flasher holds
// nothing that an exception would leak.
struct FlashStopped {
  Status status;
};

class FlashLog final : public ProgressSink {
 public:
  FlashLog(std::ofstream* log, Clock* clock, Nanos timeout, const std::atomic<bool>* cancel)
      : log_(log), clock_(clock), timeout_(timeout), deadline_(clock->Now() + timeout), cancel_(cancel) {}
  void OnProgress(FlashPhase phase, uint64_t done, uint64_t total) override {
    // One line per 10% so the log stays short for a 4 GB card.
    int tenth = total ? static_cast<int>(done * 10 / total) : 10;
    if (phase != last_phase_ || tenth != last_tenth_) {
      last_phase_ = phase;
      last_tenth_ = tenth;
      *log_ << (phase == FlashPhase::kWrite ? "write " : "verify ") << done << "/" << total << "\n";
    }
    DrillPoint("flash-write", cancel_);
    const char* what = phase == FlashPhase::kWrite ? "writing" : "verifying";
    if (cancel_ && cancel_->load()) {
      throw FlashStopped{Status::Cancelled(fmt::format("cancelled (SIGINT/SIGTERM) while {} the card ({} of {} bytes)",
                                                       what, done, total))};
    }
    if (timeout_.count() > 0 && clock_->Now() >= deadline_) {
      throw FlashStopped{Status::Timeout(fmt::format("the flash did not finish within timeouts.flash ({:g} s): "
                                                     "stopped while {} the card ({} of {} bytes)",
                                                     ToSeconds(timeout_), what, done, total))};
    }
  }

 private:
  std::ofstream* log_;
  Clock* clock_;
  Nanos timeout_, deadline_;
  const std::atomic<bool>* cancel_;
  FlashPhase last_phase_ = FlashPhase::kVerify;
  int last_tenth_ = -1;
};

}  // namespace

std::string TailOfFile(const std::string& path, int lines) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  std::streamoff from = std::max<std::streamoff>(0, size - 8192);
  in.seekg(from);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  size_t pos = text.size();
  if (pos && text[pos - 1] == '\n') --pos;
  for (int n = 0; n < lines && pos != std::string::npos && pos > 0; ++n) {
    pos = text.rfind('\n', pos - 1);
  }
  return pos == std::string::npos ? text : text.substr(pos + 1);
}

Status RealLabSteps::Build(const BuildStep& step, const std::string& log_path,
                           const std::atomic<bool>* cancel) {
  {
    std::ofstream log(log_path, std::ios::app);
    log << "--- build step '" << step.name << "': " << step.run << "\n";
  }
  CommandSpec spec;
  spec.argv = {"/bin/sh", "-c", step.run};
  spec.env = {{"HILT_RUN_DIR", run_dir_}, {"HILT_BUILD_DIR", lab_->state_dir + "/build"}};
  spec.cwd = lab_->lab_dir;
  spec.timeout = step.timeout;
  spec.log_path = log_path;
  spec.cancel = cancel;
  std::error_code ec;
  for (const auto& [name, path] : step.outputs) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  }
  auto result = RunCommand(spec);
  if (!result.ok()) return result.status().Prefixed("build step '" + step.name + "'");
  if (!result->ok()) {
    Status::Code code = result->cancelled ? Status::Code::kCancelled : Status::Code::kLabFailure;
    std::string msg = fmt::format("build step '{}' ({}) failed: `{}` {}; the end of {}:\n{}", step.name,
                                  step.where.ToString(), step.run, result->Describe(), log_path,
                                  TailOfFile(log_path, 15));
    return code == Status::Code::kCancelled ? Status::Cancelled(msg) : Status::LabFailure(msg);
  }
  for (const auto& [name, path] : step.outputs) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
      return Status::LabFailure(fmt::format("build step '{}' succeeded but did not produce output '{}' ({})",
                                            step.name, name, path));
    }
  }
  return Status::Ok();
}

Status RealLabSteps::WaitForBlockDevice(const std::string& path, Nanos timeout,
                                        const std::atomic<bool>* cancel) {
  // Without a mux the card is a file that appears with no switch: the flash
  // step creates it when missing.
  if (board_->mux.type == "none") return Status::Ok();
  // In slices, so a SIGINT is seen while a card reader enumerates.
  Nanos left = timeout;
  while (true) {
    Nanos slice = std::min<Nanos>(left, milliseconds(200));
    Status s = hilt::WaitForBlockDevice(path, slice, clock_);
    if (s.ok()) return s;
    left -= slice;
    if (cancel && cancel->load()) return Status::Cancelled("cancelled while waiting for " + path);
    if (left.count() <= 0) {
      return Status::Timeout(fmt::format("the card {} did not appear within {:g} s after switching the "
                                         "mux to the host: {}", path, ToSeconds(timeout), s.message()));
    }
  }
}

Status RealLabSteps::Flash(const std::string& image_path, const std::string& device,
                           const std::string& log_path, Nanos timeout, const std::atomic<bool>* cancel) {
  // The runner passes the lab config's device; refuse anything else.
  if (device != board_->block_device) {
    return Status::InvalidInput("refusing to flash " + device + ": the lab config's block device is " +
                                board_->block_device);
  }
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(image_path, ec);
  if (ec) return Status::LabFailure("image " + image_path + ": " + ec.message());
  auto target = OpenBlockTarget(*board_, size);
  if (!target.ok()) return target.status();
  std::ofstream log(log_path, std::ios::app);
  log << "flashing " << image_path << " to " << (*target)->Describe() << "\n";
  // Checked between chunks (4 MiB): a write that blocks in the kernel for
  // good is not interrupted, one that is merely slow is.
  FlashLog progress(&log, clock_, timeout, cancel);
  StatusOr<FlashReport> report = Status::LabFailure("flash did not run");
  try {
    report = hilt::Flash(image_path, **target, FlashOptions{}, &progress);
  } catch (const FlashStopped& stopped) {
    report = stopped.status;
  }
  if (!report.ok()) {
    log << "failed: " << report.status().message() << "\n";
    return report.status();
  }
  log << fmt::format("written {} B, zeroed {} B, discarded {} B, verified {} B, skipped {} B in {:.2f} s\n",
                     report->written_bytes, report->zeroed_bytes, report->discarded_bytes,
                     report->verified_bytes, report->skipped_bytes, report->seconds);
  for (const auto& w : report->warnings) log << "warning: " << w << "\n";
  return Status::Ok();
}

StatusOr<std::unique_ptr<ConsoleSession>> RealLabSteps::StartConsole(const std::string& raw_path) {
  auto console = MakeConsole(*board_);
  if (!console.ok()) return console.status();
  return StartCaptureSession(std::move(*console), clock_, raw_path, lab_->limits.console_log);
}

StatusOr<std::unique_ptr<BootCheck>> RealLabSteps::MakeChecker(const Suite& suite) {
  return std::unique_ptr<BootCheck>(new CheckerAdapter(std::make_unique<Suite>(suite), build_facts_));
}

}  // namespace hilt
