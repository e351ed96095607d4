// GpioMux: an SD mux whose select input is wired to a GPIO line.
#ifndef HILT_DEVICES_GPIO_MUX_H_
#define HILT_DEVICES_GPIO_MUX_H_

#include <memory>

#include "harness/devices/gpio_line.h"
#include "harness/devices/sd_mux.h"

namespace hilt {

class GpioMux final : public SdMux {
 public:
  // `host_high`: the line's physical level that gives the card to the host.
  GpioMux(std::unique_ptr<GpioLine> line, bool host_high);
  Status Switch(MuxSide side) override;
  std::string Describe() const override;

 private:
  std::unique_ptr<GpioLine> line_;
  bool host_high_;
};

}  // namespace hilt

#endif  // HILT_DEVICES_GPIO_MUX_H_
