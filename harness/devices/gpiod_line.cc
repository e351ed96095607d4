// The libgpiod v2 backend of GpioLine.
#include <gpiod.hpp>

#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "harness/devices/gpio_line.h"

namespace hilt {
namespace {

constexpr char kConsumer[] = "hilt";

class GpiodLine final : public GpioLine {
 public:
  GpiodLine(gpiod::line_request request, unsigned int offset, std::string description)
      : request_(std::move(request)), offset_(offset), description_(std::move(description)) {}
  ~GpiodLine() override {
    try {
      request_.release();
    } catch (const std::exception&) {
      // Released by the kernel when the fd closes anyway.
    }
  }

  Status SetHigh(bool high) override {
    try {
      request_.set_value(offset_, high ? gpiod::line::value::ACTIVE : gpiod::line::value::INACTIVE);
    } catch (const std::exception& e) {
      return Status::LabFailure(fmt::format("{}: cannot set {}: {}", description_,
                                            high ? "high" : "low", e.what()));
    }
    return Status::Ok();
  }
  std::string Describe() const override { return description_; }

 private:
  gpiod::line_request request_;
  unsigned int offset_;
  std::string description_;
};

bool AllDigits(const std::string& s) {
  return !s.empty() && s.size() < 6 && s.find_first_not_of("0123456789") == std::string::npos;
}

// A path, a /dev name, or a chip label matched against every chip.
StatusOr<std::filesystem::path> FindChip(const std::string& chip) {
  if (chip.empty()) return Status::InvalidInput("gpio: no chip given");
  if (chip.front() == '/') return std::filesystem::path(chip);
  std::filesystem::path dev = std::filesystem::path("/dev") / chip;
  std::error_code ec;
  if (std::filesystem::exists(dev, ec)) return dev;
  for (const auto& entry : std::filesystem::directory_iterator("/dev", ec)) {
    if (entry.path().filename().string().rfind("gpiochip", 0) != 0) continue;
    try {
      if (gpiod::chip(entry.path()).get_info().label() == chip) return entry.path();
    } catch (const std::exception&) {
    }
  }
  return Status::NotFound(fmt::format(
      "gpio chip '{}' not found (no /dev/{} and no chip with that label; list chips with gpiodetect)",
      chip, chip));
}

}  // namespace

StatusOr<std::unique_ptr<GpioLine>> RequestGpioLine(const GpioLineSpec& spec) {
  auto path = FindChip(spec.chip);
  if (!path.ok()) return path.status();
  try {
    gpiod::chip chip(*path);
    int offset = AllDigits(spec.line) ? std::stoi(spec.line) : chip.get_line_offset_from_name(spec.line);
    if (offset < 0 || static_cast<size_t>(offset) >= chip.get_info().num_lines()) {
      return Status::NotFound(fmt::format("gpio line '{}' not found on {} (list lines with gpioinfo)",
                                          spec.line, path->string()));
    }
    auto off = static_cast<unsigned int>(offset);
    gpiod::line_info info = chip.get_line_info(off);
    std::string description = fmt::format("{} line {}{}", path->string(), off,
                                          info.name().empty() ? "" : " (" + info.name() + ")");
    if (info.used()) {
      return Status::LabFailure(fmt::format("{} is busy: held by '{}' (free it or stop that program)",
                                            description, info.consumer()));
    }
    gpiod::line_settings settings;
    settings.set_direction(gpiod::line::direction::OUTPUT)
        .set_output_value(spec.initial_high ? gpiod::line::value::ACTIVE : gpiod::line::value::INACTIVE);
    gpiod::line_request request =
        chip.prepare_request().set_consumer(kConsumer).add_line_settings(off, settings).do_request();
    return std::unique_ptr<GpioLine>(new GpiodLine(std::move(request), off, std::move(description)));
  } catch (const std::system_error& e) {
    if (e.code().value() == EBUSY) {
      return Status::LabFailure(fmt::format("gpio line '{}' on {} is busy: {}", spec.line,
                                            path->string(), e.what()));
    }
    if (e.code().value() == ENOENT) {
      return Status::NotFound(fmt::format("gpio chip {}: {}", path->string(), e.what()));
    }
    return Status::LabFailure(fmt::format("gpio line '{}' on {}: {}", spec.line, path->string(), e.what()));
  } catch (const std::exception& e) {
    return Status::LabFailure(fmt::format("gpio line '{}' on {}: {}", spec.line, path->string(), e.what()));
  }
}

}  // namespace hilt
