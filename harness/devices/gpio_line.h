// GpioLine: one requested output line, driven by physical level. Polarity
// (active-low relays) is the caller's business, so it is testable with a fake.
#ifndef HILT_DEVICES_GPIO_LINE_H_
#define HILT_DEVICES_GPIO_LINE_H_

#include <memory>
#include <string>

#include "harness/core/status.h"

namespace hilt {

class GpioLine {
 public:
  virtual ~GpioLine() = default;
  virtual Status SetHigh(bool high) = 0;
  // "gpiochip0 line 17 (RELAY_PWR)".
  virtual std::string Describe() const = 0;
};

struct GpioLineSpec {
  std::string chip;   // "/dev/gpiochip0", "gpiochip0", or a chip label ("pinctrl-bcm2711")
  std::string line;   // an offset ("17") or a line name ("RELAY_PWR")
  bool initial_high = false;  // level set at the moment of the request
};

// Requests the line as an output with consumer "hilt" through libgpiod v2 and
// holds the request until the returned object is destroyed. NotFound for a
// missing chip or line; LabFailure for a busy line, naming its holder.
StatusOr<std::unique_ptr<GpioLine>> RequestGpioLine(const GpioLineSpec& spec);

}  // namespace hilt

#endif  // HILT_DEVICES_GPIO_LINE_H_
