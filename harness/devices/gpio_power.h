// GpioPower: the board's supply switched by a relay on a GPIO line.
#ifndef HILT_DEVICES_GPIO_POWER_H_
#define HILT_DEVICES_GPIO_POWER_H_

#include <chrono>
#include <memory>

#include "harness/devices/clock.h"
#include "harness/devices/gpio_line.h"
#include "harness/devices/power_switch.h"

namespace hilt {

struct GpioPowerOptions {
  bool active_low = false;  // most relay boards switch on a low level
  // The board stays off at least this long before On(): the supply's
  // capacitors must drain or the SoC does not see a clean power-on reset.
  Nanos off_time = std::chrono::seconds(1);
};

class GpioPower final : public PowerSwitch {
 public:
  // `line` must have been requested at the "off" level (see OffLevel); the
  // off time counts from construction. `clock` must outlive this.
  GpioPower(std::unique_ptr<GpioLine> line, GpioPowerOptions options, Clock* clock);

  // The physical level that means off, to request the line with.
  static bool OffLevel(bool active_low) { return active_low; }

  Status On() override;
  Status Off() override;
  std::string Describe() const override;

 private:
  std::unique_ptr<GpioLine> line_;
  GpioPowerOptions options_;
  Clock* clock_;
  bool on_ = false;
  Nanos off_since_;
};

}  // namespace hilt

#endif  // HILT_DEVICES_GPIO_POWER_H_
