#include "harness/devices/gpio_mux.h"

#include <fmt/format.h>

namespace hilt {

GpioMux::GpioMux(std::unique_ptr<GpioLine> line, bool host_high)
    : line_(std::move(line)), host_high_(host_high) {}

Status GpioMux::Switch(MuxSide side) {
  bool high = (side == MuxSide::kHost) == host_high_;
  return line_->SetHigh(high).Prefixed(fmt::format("sd mux to {}", MuxSideName(side)));
}

std::string GpioMux::Describe() const {
  return fmt::format("gpio mux {} (host = {})", line_->Describe(), host_high_ ? "high" : "low");
}

}  // namespace hilt
