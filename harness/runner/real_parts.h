// The run's parts bound to the real modules: console capture and typer,
// the boot checker, console.log/result.json/junit.xml, build commands, the
// image builder and the flasher. run.cc sees only run_parts.h.
#ifndef HILT_RUNNER_REAL_PARTS_H_
#define HILT_RUNNER_REAL_PARTS_H_

#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "harness/devices/clock.h"
#include "harness/runner/lab_config.h"
#include "harness/runner/run_parts.h"

namespace hilt {

class RealLabSteps final : public LabSteps {
 public:
  RealLabSteps(const LabConfig* lab, const BoardConfig* board, Clock* clock, std::string run_dir)
      : lab_(lab), board_(board), clock_(clock), run_dir_(std::move(run_dir)) {}

  Status Build(const BuildStep& step, const std::string& log_path,
               const std::atomic<bool>* cancel) override;
  Status Image(const ImageConfig& image, const std::map<std::string, std::string>& parts,
               const std::string& image_path, const std::string& log_path) override;
  Status WaitForBlockDevice(const std::string& path, Nanos timeout,
                            const std::atomic<bool>* cancel) override;
  Status Flash(const std::string& image_path, const std::string& device,
               const std::string& log_path, Nanos timeout,
               const std::atomic<bool>* cancel) override;
  StatusOr<std::unique_ptr<ConsoleSession>> StartConsole(const std::string& raw_path) override;
  StatusOr<std::unique_ptr<BootCheck>> MakeChecker(const Suite& suite) override;

 private:
  const LabConfig* lab_;
  const BoardConfig* board_;
  Clock* clock_;
  std::string run_dir_;
  // Read from the card's BL2 and FIP by Image() (harness/image/firmware_facts.h):
  // the checker's external facts (build.uboot_banner, ...), also in result.json.
  std::map<std::string, std::string> build_facts_;
};

// The last `lines` lines of a file, for error messages.
std::string TailOfFile(const std::string& path, int lines);

}  // namespace hilt

#endif  // HILT_RUNNER_REAL_PARTS_H_
