#include "harness/devices/gpio_power.h"

#include <fmt/format.h>

namespace hilt {

GpioPower::GpioPower(std::unique_ptr<GpioLine> line, GpioPowerOptions options, Clock* clock)
    : line_(std::move(line)), options_(options), clock_(clock), off_since_(clock->Now()) {}

Status GpioPower::On() {
  if (on_) return Status::Ok();
  Nanos off_for = clock_->Now() - off_since_;
  if (off_for < options_.off_time) clock_->SleepFor(options_.off_time - off_for);
  HILT_RETURN_IF_ERROR(line_->SetHigh(!options_.active_low).Prefixed("power on"));
  on_ = true;
  return Status::Ok();
}

Status GpioPower::Off() {
  // Always drive the line, even if we think it is off: Off() is the cleanup.
  HILT_RETURN_IF_ERROR(line_->SetHigh(options_.active_low).Prefixed("power off"));
  if (on_ || off_since_ > clock_->Now()) off_since_ = clock_->Now();
  on_ = false;
  return Status::Ok();
}

std::string GpioPower::Describe() const {
  return fmt::format("gpio power {}{}", line_->Describe(), options_.active_low ? " active-low" : "");
}

}  // namespace hilt
