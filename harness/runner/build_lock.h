// Concurrent runs of one lab (one per board) share ${BUILD_DIR}: two build
// steps writing the same outputs at once, or one run's image step reading
// outputs another run is rewriting, would put a mix of two builds on a card.
// BuildLockedSteps holds an flock on <state-dir>/build.lock from a run's
// first build step until its image is assembled, so the runs of a lab build
// one after the other while their boots still overlap. The kernel drops the
// lock when its holder dies, however it dies.
#ifndef HILT_RUNNER_BUILD_LOCK_H_
#define HILT_RUNNER_BUILD_LOCK_H_

#include <ostream>
#include <string>

#include "harness/runner/run_parts.h"

namespace hilt {

class BuildLockedSteps : public LabSteps {
 public:
  // Forwards to `inner`; `progress` (may be null) hears once that the run
  // waits for another run's build.
  BuildLockedSteps(LabSteps* inner, std::string lock_path, std::ostream* progress);
  ~BuildLockedSteps() override;
  BuildLockedSteps(const BuildLockedSteps&) = delete;
  BuildLockedSteps& operator=(const BuildLockedSteps&) = delete;

  // Takes the lock (waiting at most the step's timeout: the holder's own
  // step is bounded by the same lab config) and runs the step.
  Status Build(const BuildStep& step, const std::string& log_path,
               const std::atomic<bool>* cancel) override;
  // Assembles the image, then releases the lock.
  Status Image(const ImageConfig& image, const std::map<std::string, std::string>& parts,
               const std::string& image_path, const std::string& log_path) override;
  // The rest release the lock (a run without an image step) and forward.
  Status WaitForBlockDevice(const std::string& path, Nanos timeout,
                            const std::atomic<bool>* cancel) override;
  Status Flash(const std::string& image_path, const std::string& device, const std::string& log_path,
               Nanos timeout, const std::atomic<bool>* cancel) override;
  StatusOr<std::unique_ptr<ConsoleSession>> StartConsole(const std::string& raw_path) override;
  StatusOr<std::unique_ptr<BootCheck>> MakeChecker(const Suite& suite) override;

  bool held() const { return fd_ >= 0; }

 private:
  Status Take(Nanos wait, const std::atomic<bool>* cancel);
  void Release();

  LabSteps* inner_;
  std::string path_;
  std::ostream* progress_;
  int fd_ = -1;
};

}  // namespace hilt

#endif  // HILT_RUNNER_BUILD_LOCK_H_
