// The lab config: which boards a lab has, how each one's console, power and
// SD mux are reached, how the boot chain is built and laid out on the card.
// It is trusted (written by whoever runs the lab), so it may run commands:
// build steps, power and mux commands, services such as the simulator.
//
// Every string may use ${VAR} and ${VAR:-default} (see env_expand.h) plus
// the built-ins ${LAB_DIR} (the config's folder), ${STATE_DIR}, ${BUILD_DIR}
// (${STATE_DIR}/build) and ${HILT_BIN_DIR} (where the hilt binary lives).
#ifndef HILT_RUNNER_LAB_CONFIG_H_
#define HILT_RUNNER_LAB_CONFIG_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/byte_cap.h"
#include "harness/core/source_location.h"
#include "harness/core/status.h"
#include "harness/core/timestamp.h"

namespace hilt {

struct ConsoleConfig {
  std::string type;     // "serial" or "socket"
  std::string path;     // serial: the tty (e.g. /dev/serial/by-id/usb-FTDI_...)
  std::string address;  // socket: "unix:/path" or "tcp:host:port"
  unsigned baud = 115200;
  // socket: its server is started by power on (QEMU), after hilt opened the
  // console; hilt connects as soon as it appears.
  bool started_by_power = false;
  SourceLocation where;
};

// A GPIO line by chip and name or offset, as libgpiod v2 addresses it.
struct GpioLineConfig {
  std::string chip;  // "gpiochip0" or "/dev/gpiochip0"
  std::string line;  // a line name ("RELAY_12V") or an offset ("17")
  bool active_low = false;
};

struct PowerConfig {
  std::string type;  // "gpio", "command" or "process"
  GpioLineConfig gpio;
  std::string on_command, off_command;  // command: run with sh -c
  // process: the board is this `sh -c` line (QEMU), running while powered.
  std::string run_command, pidfile, ready_path, log_path;
  Nanos stop_grace{std::chrono::seconds(3)};
  Nanos off_time{std::chrono::seconds(1)};  // off before on, so rails drain
  SourceLocation where;
};

struct MuxConfig {
  std::string type;    // "gpio", "usbsdmux", "sdwire", "command" or "none" (the card is a file)
  GpioLineConfig gpio; // gpio: asserted = card to the host
  std::string device;  // usbsdmux: its /dev/sg* or /dev/usb-sd-mux/id-*
  std::string serial;  // sdwire: the serial sd-mux-ctrl knows it by
  std::string host_command, dut_command;  // command: run with sh -c
  SourceLocation where;
};

// A process the board needs while hilt uses it (the simulator, ser2net): run
// with sh -c in its own process group before the run, stopped after it.
struct ServiceConfig {
  std::string name;
  std::string run;
  std::string ready_path;  // exists once the service is ready; empty: none
  Nanos ready_timeout{std::chrono::seconds(10)};
  SourceLocation where;
};

struct BoardConfig {
  std::string name;
  std::string type;          // "bpi-r4"
  ConsoleConfig console;
  PowerConfig power;
  MuxConfig mux;
  std::string block_device;  // the card as the host sees it when muxed to host
  std::vector<ServiceConfig> services;
  SourceLocation where;
};

struct BuildStep {
  std::string name;
  std::string run;                             // sh -c
  std::map<std::string, std::string> outputs;  // name → file it must produce
  Nanos timeout{std::chrono::minutes(30)};
  SourceLocation where;
};

struct ImageConfig {
  std::string layout;                        // a layout YAML (lab/layouts/…)
  std::map<std::string, std::string> parts;  // layout part → build output name
  SourceLocation where;
};

// Per-step limits of a run; the boot itself is bounded by the suite.
struct LabTimeouts {
  Nanos power{std::chrono::seconds(10)};
  Nanos mux{std::chrono::seconds(10)};
  Nanos block_device{std::chrono::seconds(30)};
  Nanos flash{std::chrono::minutes(10)};
  // Accepted so older configs load; bounds nothing: each part of the cleanup
  // has its own bound, and one over all of it could only cut power off short.
  Nanos cleanup{std::chrono::seconds(20)};
};

// What a board may make hilt store, whatever it prints.
struct LabLimits {
  // console.raw and console.log each take the first this many bytes the
  // console sends, then no more (the checker still sees everything).
  uint64_t console_log = kDefaultConsoleLogCap;
};

struct LabConfig {
  std::string file;       // the YAML it came from
  std::string lab_dir;    // its folder, absolute
  std::string state_dir;  // locks, runs, build cache; absolute
  std::vector<BoardConfig> boards;
  std::vector<BuildStep> build;
  std::optional<ImageConfig> image;
  LabTimeouts timeouts;
  LabLimits limits;

  // The board called `name`, or the only board when `name` is empty.
  // InvalidInput naming the boards there are otherwise.
  StatusOr<const BoardConfig*> FindBoard(const std::string& name) const;
  // The file a build output name stands for; empty when no step has it.
  std::string OutputPath(const std::string& output) const;
};

// Loads and checks a lab config. Errors are InvalidInput "file:line:col: …"
// (exit 2); NotFound when the file cannot be read.
StatusOr<LabConfig> LoadLabConfigFile(const std::string& path);
// The same from text; `file` stands for the file in messages and its folder
// is ${LAB_DIR}.
StatusOr<LabConfig> LoadLabConfigString(const std::string& text, const std::string& file);

}  // namespace hilt

#endif  // HILT_RUNNER_LAB_CONFIG_H_
