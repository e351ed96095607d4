#include "harness/runner/report_recorder.h"

#include <fstream>

#include <fmt/format.h>

#include "harness/core/byte_cap.h"
#include "harness/core/console_log.h"
#include "harness/core/junit_xml.h"
#include "harness/core/result_json.h"

namespace hilt {

struct ReportRecorder::Impl {
  std::string run_dir;
  std::string suite_name;
  std::ofstream log_file;
  std::unique_ptr<ConsoleLogWriter> log;
  std::unique_ptr<ByteCap> cap;
  bool marked = false;  // the marker line is written
  Verdict final_verdict;  // as Finish wrote it to result.json
};

ReportRecorder::ReportRecorder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ReportRecorder::~ReportRecorder() = default;

StatusOr<std::unique_ptr<ReportRecorder>> ReportRecorder::Create(const std::string& run_dir,
                                                                 const std::string& suite_name,
                                                                 uint64_t log_cap) {
  auto impl = std::make_unique<Impl>();
  impl->run_dir = run_dir;
  impl->suite_name = suite_name;
  impl->log_file.open(run_dir + "/console.log", std::ios::binary | std::ios::trunc);
  if (!impl->log_file) return Status::LabFailure("cannot create " + run_dir + "/console.log");
  impl->log = std::make_unique<ConsoleLogWriter>(&impl->log_file);
  impl->cap = std::make_unique<ByteCap>(log_cap);
  return std::unique_ptr<ReportRecorder>(new ReportRecorder(std::move(impl)));
}

void ReportRecorder::Console(std::string_view bytes, Nanos t) {
  size_t take = static_cast<size_t>(impl_->cap->Admit(bytes.size()));
  if (take > 0) impl_->log->Append(bytes.substr(0, take), t);
  if (take < bytes.size() && !impl_->marked) {
    // Once, where the cut is: the partial line first, then hilt's own line.
    impl_->marked = true;
    (void)impl_->log->Finish();
    impl_->log_file << FormatLogTime(t)
                    << fmt::format("### hilt: console log capped at {} bytes (lab limits.console-log); "
                                   "what the board sent after this is not logged, see result.json notes\n",
                                   impl_->cap->cap());
    impl_->log_file.flush();
  }
  if (impl_->marked) return;
  // Lines reach the file as they complete: a killed hilt leaves them behind.
  (void)impl_->log->Flush();
}

Status ReportRecorder::Finish(const Verdict& verdict) {
  Status log = impl_->log->Finish();
  impl_->log_file.flush();
  if (log.ok() && !impl_->log_file) log = Status::LabFailure("writing " + impl_->run_dir + "/console.log failed");
  Verdict v = verdict;
  if (std::string note = impl_->cap->Note("console.log"); !note.empty()) v.notes.push_back(note);
  Status json = WriteResultJson(impl_->run_dir + "/result.json", v, impl_->suite_name);
  impl_->final_verdict = std::move(v);
  if (!json.ok()) return json;
  return log;
}

Status ReportRecorder::FinishOthers(const Verdict&) {
  // The verdict as result.json has it (with the console.log note).
  return WriteJunitXml(impl_->run_dir + "/junit.xml", impl_->final_verdict, impl_->suite_name);
}

}  // namespace hilt
