#include "harness/runner/report_recorder.h"

#include <fstream>

#include "harness/core/console_log.h"
#include "harness/core/junit_xml.h"
#include "harness/core/result_json.h"

namespace hilt {

struct ReportRecorder::Impl {
  std::string run_dir;
  std::string suite_name;
  std::ofstream log_file;
  std::unique_ptr<ConsoleLogWriter> log;
};

ReportRecorder::ReportRecorder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ReportRecorder::~ReportRecorder() = default;

StatusOr<std::unique_ptr<ReportRecorder>> ReportRecorder::Create(const std::string& run_dir,
                                                                 const std::string& suite_name) {
  auto impl = std::make_unique<Impl>();
  impl->run_dir = run_dir;
  impl->suite_name = suite_name;
  impl->log_file.open(run_dir + "/console.log", std::ios::binary | std::ios::trunc);
  if (!impl->log_file) return Status::LabFailure("cannot create " + run_dir + "/console.log");
  impl->log = std::make_unique<ConsoleLogWriter>(&impl->log_file);
  return std::unique_ptr<ReportRecorder>(new ReportRecorder(std::move(impl)));
}

void ReportRecorder::Console(std::string_view bytes, Nanos t) {
  impl_->log->Append(bytes, t);
  // Lines reach the file as they complete: a killed hilt leaves them behind.
  (void)impl_->log->Flush();
}

Status ReportRecorder::Finish(const Verdict& verdict) {
  Status log = impl_->log->Finish();
  Status json = WriteResultJson(impl_->run_dir + "/result.json", verdict, impl_->suite_name);
  Status junit = WriteJunitXml(impl_->run_dir + "/junit.xml", verdict, impl_->suite_name);
  if (!json.ok()) return json;
  if (!junit.ok()) return junit;
  return log;
}

}  // namespace hilt
