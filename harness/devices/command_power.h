// CommandPower: power switched by commands from the lab config (a PDU's CLI,
// uhubctl for a USB hub port, a script).
#ifndef HILT_DEVICES_COMMAND_POWER_H_
#define HILT_DEVICES_COMMAND_POWER_H_

#include <chrono>
#include <string>
#include <vector>

#include "harness/devices/command_runner.h"
#include "harness/devices/power_switch.h"

namespace hilt {

// Runs `argv` with `timeout`; LabFailure naming `what` with the command's
// output tail when it cannot start, fails or times out.
Status RunDeviceCommand(const std::string& what, const std::vector<std::string>& argv, Nanos timeout);

class CommandPower final : public PowerSwitch {
 public:
  CommandPower(std::vector<std::string> on_argv, std::vector<std::string> off_argv,
               Nanos timeout = std::chrono::seconds(30));
  Status On() override;
  Status Off() override;
  std::string Describe() const override;

 private:
  std::vector<std::string> on_argv_;
  std::vector<std::string> off_argv_;
  Nanos timeout_;
};

}  // namespace hilt

#endif  // HILT_DEVICES_COMMAND_POWER_H_
