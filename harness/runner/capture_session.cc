#include "harness/runner/capture_session.h"

#include <fmt/format.h>

#include "harness/devices/console_capture.h"
#include "harness/devices/console_typer.h"

namespace hilt {
namespace {

// A console gone this long is gone: the capture keeps reopening, but the
// run stops waiting and calls it a lab fault.
constexpr Nanos kConsoleGoneAfter = std::chrono::seconds(2);

class CaptureSession final : public ConsoleSession {
 public:
  CaptureSession(std::unique_ptr<Console> console, Clock* clock, const std::string& raw_path,
                 uint64_t raw_cap)
      : console_(std::move(console)),
        capture_(console_.get(), clock, raw_path, Options(raw_cap)),
        typer_(console_.get(), &capture_, clock) {}
  ~CaptureSession() override { capture_.Stop(); }

  Status Start() { return capture_.Start(); }
  void MarkPowerOn() override { capture_.MarkPowerOn(); }

  void Drain(std::vector<StampedBytes>* out) override {
    std::vector<CapturedChunk> chunks;
    capture_.WaitForData(&chunks, Nanos(0));
    Convert(&chunks, out);
  }

  bool AwaitBytes(Nanos timeout) override {
    capture_.WaitForPending(timeout);
    return true;
  }

  Status Health() override {
    if (Status s = capture_.raw_status(); !s.ok()) return s;
    Nanos now = capture_.Elapsed();
    for (const ConsoleGap& gap : capture_.Gaps()) {
      if (gap.end.count() < 0 && now - gap.start >= kConsoleGoneAfter) {
        return Status::LabFailure(fmt::format("{} gone since {:.3f} s: {}", console_->Describe(),
                                              ToSeconds(gap.start), gap.reason));
      }
    }
    return Status::Ok();
  }

  Status Type(std::string_view text, std::vector<StampedBytes>* drained) override {
    // A line (a prompt test's command) is typed in paced chunks against its
    // echo; control bytes (Ctrl-C to stop autoboot) echo nothing: sent as is.
    if (!text.empty() && text.back() == '\n') {
      std::vector<CapturedChunk> chunks;
      Status s = typer_.TypeLine(text.substr(0, text.size() - 1), &chunks);
      Convert(&chunks, drained);
      return s;
    }
    return console_->Write(text);
  }

  Status Stop() override {
    capture_.Stop();
    return capture_.raw_status();
  }

  std::vector<std::string> Notes() override {
    std::string note = capture_.raw_cap().Note("console.raw");
    if (note.empty()) return {};
    return {note};
  }

  std::vector<std::string> Gaps() override {
    std::vector<std::string> out = lost_;
    for (const ConsoleGap& g : capture_.Gaps()) {
      out.push_back(fmt::format("no console from {:.3f} s to {}: {}", ToSeconds(g.start),
                                g.end.count() < 0 ? std::string("the end") : fmt::format("{:.3f} s", ToSeconds(g.end)),
                                g.reason));
    }
    return out;
  }

 private:
  static ConsoleCaptureOptions Options(uint64_t raw_cap) {
    ConsoleCaptureOptions options;
    options.max_raw_bytes = raw_cap;
    return options;
  }

  void Convert(std::vector<CapturedChunk>* chunks, std::vector<StampedBytes>* out) {
    for (CapturedChunk& c : *chunks) {
      if (c.lost_before) {
        lost_.push_back(fmt::format("{} bytes before {:.3f} s were not checked (queue full; they are in "
                                    "console.raw)", c.lost_before, ToSeconds(c.t)));
      }
      out->push_back({std::move(c.bytes), c.t});
    }
  }

  std::unique_ptr<Console> console_;
  ConsoleCapture capture_;
  ConsoleTyper typer_;
  std::vector<std::string> lost_;
};

}  // namespace

StatusOr<std::unique_ptr<ConsoleSession>> StartCaptureSession(std::unique_ptr<Console> console,
                                                             Clock* clock, const std::string& raw_path,
                                                             uint64_t raw_cap) {
  auto session = std::make_unique<CaptureSession>(std::move(console), clock, raw_path, raw_cap);
  HILT_RETURN_IF_ERROR(session->Start());
  return std::unique_ptr<ConsoleSession>(std::move(session));
}

}  // namespace hilt
