// CommandMux: an SD mux switched by commands. The two common devices are
// commands too: the USB-SD-Mux (`usbsdmux <sg-device> host|dut`) and the
// SDWire (`sd-mux-ctrl --device-serial=<serial> --ts|--dut`).
#ifndef HILT_DEVICES_COMMAND_MUX_H_
#define HILT_DEVICES_COMMAND_MUX_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "harness/core/timestamp.h"
#include "harness/devices/sd_mux.h"

namespace hilt {

class CommandMux final : public SdMux {
 public:
  CommandMux(std::string name, std::vector<std::string> host_argv, std::vector<std::string> dut_argv,
             Nanos timeout = std::chrono::seconds(30));
  Status Switch(MuxSide side) override;
  std::string Describe() const override;

 private:
  std::string name_;
  std::vector<std::string> host_argv_;
  std::vector<std::string> dut_argv_;
  Nanos timeout_;
};

// `sg_device`: the mux's control node, /dev/sg1 or a udev name such as
// /dev/usb-sd-mux/id-000000000101. `program` overrides the tool (tests).
std::unique_ptr<SdMux> MakeUsbSdMux(const std::string& sg_device, Nanos timeout = std::chrono::seconds(30),
                                    const std::string& program = "usbsdmux");
std::unique_ptr<SdMux> MakeSdWireMux(const std::string& serial, Nanos timeout = std::chrono::seconds(30),
                                     const std::string& program = "sd-mux-ctrl");

}  // namespace hilt

#endif  // HILT_DEVICES_COMMAND_MUX_H_
