#include "harness/devices/command_power.h"

#include <fmt/format.h>

namespace hilt {

Status RunDeviceCommand(const std::string& what, const std::vector<std::string>& argv, Nanos timeout) {
  CommandSpec spec;
  spec.argv = argv;
  spec.timeout = timeout;
  auto result = RunCommand(spec);
  if (!result.ok()) return result.status().Prefixed(what);
  if (result->ok()) return Status::Ok();
  std::string tail = result->output_tail;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
  std::string msg = fmt::format("{}: '{}' {}", what, FormatArgv(argv), result->Describe());
  if (result->timed_out) msg += fmt::format(" (timeout {:.1f}s)", ToSeconds(timeout));
  if (!tail.empty()) msg += ": " + tail;
  return Status::LabFailure(msg);
}

CommandPower::CommandPower(std::vector<std::string> on_argv, std::vector<std::string> off_argv, Nanos timeout)
    : on_argv_(std::move(on_argv)), off_argv_(std::move(off_argv)), timeout_(timeout) {}

Status CommandPower::On() { return RunDeviceCommand("power on", on_argv_, timeout_); }
Status CommandPower::Off() { return RunDeviceCommand("power off", off_argv_, timeout_); }

std::string CommandPower::Describe() const {
  return fmt::format("command power (on: {})", FormatArgv(on_argv_));
}

}  // namespace hilt
