#include "harness/devices/command_mux.h"

#include <fmt/format.h>

#include "harness/devices/command_power.h"
#include "harness/devices/command_runner.h"

namespace hilt {

CommandMux::CommandMux(std::string name, std::vector<std::string> host_argv,
                       std::vector<std::string> dut_argv, Nanos timeout)
    : name_(std::move(name)), host_argv_(std::move(host_argv)), dut_argv_(std::move(dut_argv)),
      timeout_(timeout) {}

Status CommandMux::Switch(MuxSide side) {
  return RunDeviceCommand(fmt::format("sd mux to {}", MuxSideName(side)),
                          side == MuxSide::kHost ? host_argv_ : dut_argv_, timeout_);
}

std::string CommandMux::Describe() const {
  return fmt::format("{} mux (host: {})", name_, FormatArgv(host_argv_));
}

std::unique_ptr<SdMux> MakeUsbSdMux(const std::string& sg_device, Nanos timeout, const std::string& program) {
  return std::make_unique<CommandMux>("usbsdmux", std::vector<std::string>{program, sg_device, "host"},
                                      std::vector<std::string>{program, sg_device, "dut"}, timeout);
}

std::unique_ptr<SdMux> MakeSdWireMux(const std::string& serial, Nanos timeout, const std::string& program) {
  std::string device = "--device-serial=" + serial;
  return std::make_unique<CommandMux>("sdwire", std::vector<std::string>{program, device, "--ts"},
                                      std::vector<std::string>{program, device, "--dut"}, timeout);
}

}  // namespace hilt
