// The run's reports: console.log line by line as the bytes come (so a killed
// hilt leaves every complete line behind), result.json and junit.xml at the
// end, each written atomically. console.log takes the first `log_cap` bytes
// of console output (0: no cap), then a marker line saying it stopped, and
// result.json a note with how much was left out. result.json comes first
// (Finish), junit.xml after (FinishOthers).
#ifndef HILT_RUNNER_REPORT_RECORDER_H_
#define HILT_RUNNER_REPORT_RECORDER_H_

#include <memory>
#include <string>

#include "harness/runner/run_parts.h"

namespace hilt {

class ReportRecorder final : public RunRecorder {
 public:
  static StatusOr<std::unique_ptr<ReportRecorder>> Create(const std::string& run_dir,
                                                         const std::string& suite_name,
                                                         uint64_t log_cap = 0);
  ~ReportRecorder() override;
  void Console(std::string_view bytes, Nanos t) override;
  Status Finish(const Verdict& verdict) override;
  Status FinishOthers(const Verdict& verdict) override;

 private:
  struct Impl;
  explicit ReportRecorder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hilt

#endif  // HILT_RUNNER_REPORT_RECORDER_H_
