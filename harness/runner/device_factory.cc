#include "harness/runner/device_factory.h"

#include <sys/stat.h>

#include <filesystem>

#include "harness/devices/block_device_target.h"
#include "harness/devices/command_mux.h"
#include "harness/devices/command_power.h"
#include "harness/devices/device_safety.h"
#include "harness/devices/file_block_target.h"
#include "harness/devices/gpio_line.h"
#include "harness/devices/gpio_mux.h"
#include "harness/devices/gpio_power.h"
#include "harness/devices/no_mux.h"
#include "harness/devices/process_power.h"
#include "harness/devices/serial_console.h"
#include "harness/devices/socket_console.h"

namespace hilt {
namespace {

// Lab config commands are trusted shell lines.
std::vector<std::string> Shell(const std::string& line) { return {"/bin/sh", "-c", line}; }

std::string Where(const SourceLocation& where) { return where.ToString() + ": "; }

}  // namespace

StatusOr<std::unique_ptr<PowerSwitch>> MakePowerSwitch(const BoardConfig& board,
                                                       const LabTimeouts& timeouts, Clock* clock) {
  const PowerConfig& p = board.power;
  if (p.type == "command") {
    return std::unique_ptr<PowerSwitch>(
        new CommandPower(Shell(p.on_command), Shell(p.off_command), timeouts.power));
  }
  if (p.type == "process") {
    ProcessPowerOptions options;
    options.argv = Shell(p.run_command);
    options.pidfile = p.pidfile;
    options.log_path = p.log_path;
    options.ready_path = p.ready_path;
    options.ready_timeout = timeouts.power;
    options.stop_grace = p.stop_grace;
    return std::unique_ptr<PowerSwitch>(new ProcessPower(std::move(options)));
  }
  if (p.type == "gpio") {
    // Requested at the off level, so taking the line never powers the board.
    GpioLineSpec spec{p.gpio.chip, p.gpio.line, GpioPower::OffLevel(p.gpio.active_low)};
    auto line = RequestGpioLine(spec);
    if (!line.ok()) return line.status().Prefixed(Where(p.where) + "power of board '" + board.name + "'");
    GpioPowerOptions options;
    options.active_low = p.gpio.active_low;
    options.off_time = p.off_time;
    return std::unique_ptr<PowerSwitch>(new GpioPower(std::move(*line), options, clock));
  }
  return Status::InvalidInput(Where(p.where) + "unknown power type '" + p.type + "'");
}

StatusOr<std::unique_ptr<SdMux>> MakeSdMux(const BoardConfig& board, const LabTimeouts& timeouts) {
  const MuxConfig& m = board.mux;
  if (m.type == "command") {
    return std::unique_ptr<SdMux>(
        new CommandMux(board.name + " mux", Shell(m.host_command), Shell(m.dut_command), timeouts.mux));
  }
  if (m.type == "none") return std::unique_ptr<SdMux>(new NoMux(board.block_device));
  if (m.type == "usbsdmux") return MakeUsbSdMux(m.device, timeouts.mux);
  if (m.type == "sdwire") return MakeSdWireMux(m.serial, timeouts.mux);
  if (m.type == "gpio") {
    // Asserted = card to the host, so the line is requested at the host
    // level: the card never goes to a board that may be powered.
    bool host_high = !m.gpio.active_low;
    auto line = RequestGpioLine({m.gpio.chip, m.gpio.line, host_high});
    if (!line.ok()) return line.status().Prefixed(Where(m.where) + "mux of board '" + board.name + "'");
    return std::unique_ptr<SdMux>(new GpioMux(std::move(*line), host_high));
  }
  return Status::InvalidInput(Where(m.where) + "unknown mux type '" + m.type + "'");
}

StatusOr<std::unique_ptr<Console>> MakeConsole(const BoardConfig& board) {
  const ConsoleConfig& c = board.console;
  if (c.type == "serial") {
    return std::unique_ptr<Console>(new SerialConsole(c.path, static_cast<int>(c.baud)));
  }
  if (c.type == "socket") {
    auto address = SocketAddress::Parse(c.address);
    if (!address.ok()) return address.status().Prefixed(Where(c.where) + "console");
    return std::unique_ptr<Console>(
        new SocketConsole(*address, std::chrono::seconds(10), c.started_by_power));
  }
  return Status::InvalidInput(Where(c.where) + "unknown console type '" + c.type + "'");
}

StatusOr<std::unique_ptr<BlockTarget>> OpenBlockTarget(const BoardConfig& board, uint64_t image_size) {
  const std::string& path = board.block_device;
  FlashPermission permission;
  permission.allow = {path};
  HILT_RETURN_IF_ERROR(CheckFlashTarget(path, permission));
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (board.mux.type == "none") {
    // Nothing switches the card away from a board that can reach it: only
    // a file is written (the loader refused /dev; this catches a symlink).
    if (exists && !S_ISREG(st.st_mode)) {
      return Status::InvalidInput("refusing to write " + path + ": the board has no mux (mux type none), so " +
                                  "its card must be a regular file");
    }
    // Made here, since no mux command makes it: a fresh state folder.
    std::error_code ec;
    if (!exists) std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  }
  if (exists && S_ISBLK(st.st_mode)) {
    auto dev = BlockDeviceTarget::Open(path);
    if (!dev.ok()) return dev.status();
    return std::unique_ptr<BlockTarget>(std::move(*dev));
  }
  auto file = FileBlockTarget::Open(path, (image_size + 511) / 512 * 512);
  if (!file.ok()) return file.status();
  return std::unique_ptr<BlockTarget>(std::move(*file));
}

}  // namespace hilt
