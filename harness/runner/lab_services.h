// LabServices: the board's helper processes from the lab config (the
// simulator daemon, a ser2net), each `sh -c` in its own process group, its
// output appended to a log. Started before the run and stopped after it,
// group and all, so nothing outlives hilt; one that exits meanwhile is a lab
// failure (a killed simulator must never pass for a silent board).
#ifndef HILT_RUNNER_LAB_SERVICES_H_
#define HILT_RUNNER_LAB_SERVICES_H_

#include <memory>
#include <string>
#include <vector>

#include "harness/runner/lab_config.h"
#include "harness/runner/run_parts.h"

namespace hilt {

class LabServices final : public ServiceSet {
 public:
  LabServices(std::vector<ServiceConfig> services, std::string log_path);
  ~LabServices() override;  // Stop()s

  // Starts each in order and waits until its `ready` path exists.
  Status Start(const std::atomic<bool>* cancel) override;
  Status Check() override;
  // SIGTERM to each group, SIGKILL after 3 s; in reverse order.
  void Stop() override;

 private:
  struct Running;
  std::vector<ServiceConfig> services_;
  std::string log_path_;
  std::vector<std::unique_ptr<Running>> running_;
};

}  // namespace hilt

#endif  // HILT_RUNNER_LAB_SERVICES_H_
