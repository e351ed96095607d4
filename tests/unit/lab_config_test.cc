#include "harness/runner/lab_config.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "harness/core/exit_code.h"
#include "harness/runner/env_expand.h"

namespace hilt {
namespace {

const char* kLab = R"(
state-dir: ${LAB_DIR}/state
boards:
  r4:
    type: bpi-r4
    console: {type: serial, path: /dev/serial/by-id/usb-FTDI_x, baud: 115200}
    power: {type: gpio, chip: gpiochip0, line: RELAY_12V, active-low: true, off-time: 2s}
    mux: {type: sdwire, serial: sd-wire_11}
    block-device: /dev/disk/by-id/usb-SDWire
  sim:
    type: bpi-r4
    services:
      - {name: sim, run: 'hilt-sim --state-dir ${STATE_DIR}/sim', ready: '${STATE_DIR}/sim/uart.sock'}
    console: {type: socket, address: 'unix:${STATE_DIR}/sim/uart.sock'}
    power: {type: command, on: 'ctl power on', off: 'ctl power off'}
    mux: {type: command, host: 'ctl mux host', dut: 'ctl mux dut'}
    block-device: sim/card-host
build:
  - name: fw
    run: make -C src BL33=$$PWD/u-boot.bin
    outputs: {bl2: '${BUILD_DIR}/bl2.img', fip: out/fip.bin}
    timeout: 5m
image:
  layout: layouts/bpi-r4-sd.yaml
  parts: {bl2: bl2, fip: fip}
timeouts: {flash: 3m}
)";

TEST(LabConfigTest, LoadsBoardsBuildImageAndTimeouts) {
  auto lab = LoadLabConfigString(kLab, "/labs/desk/lab.yaml");
  ASSERT_TRUE(lab.ok()) << lab.status().ToString();
  EXPECT_EQ(lab->lab_dir, "/labs/desk");
  EXPECT_EQ(lab->state_dir, "/labs/desk/state");
  ASSERT_EQ(lab->boards.size(), 2u);
  const BoardConfig& r4 = lab->boards[0];
  EXPECT_EQ(r4.console.type, "serial");
  EXPECT_EQ(r4.console.baud, 115200u);
  EXPECT_EQ(r4.power.gpio.line, "RELAY_12V");
  EXPECT_TRUE(r4.power.gpio.active_low);
  EXPECT_EQ(r4.power.off_time, std::chrono::seconds(2));
  EXPECT_EQ(r4.mux.serial, "sd-wire_11");
  const BoardConfig& sim = lab->boards[1];
  EXPECT_EQ(sim.console.address, "unix:/labs/desk/state/sim/uart.sock");
  EXPECT_EQ(sim.block_device, "/labs/desk/sim/card-host");  // relative to the config
  ASSERT_EQ(sim.services.size(), 1u);
  // Commands keep their ${...} for the shell, with the values assigned as
  // quoted data in front (env_expand_test.cc runs them with hostile values).
  EXPECT_EQ(sim.services[0].run, "STATE_DIR='/labs/desk/state'; hilt-sim --state-dir ${STATE_DIR}/sim");
  EXPECT_EQ(sim.mux.dut_command, "ctl mux dut");
  ASSERT_EQ(lab->build.size(), 1u);
  EXPECT_EQ(lab->build[0].run, "make -C src BL33=$PWD/u-boot.bin");
  EXPECT_EQ(lab->build[0].timeout, std::chrono::minutes(5));
  EXPECT_EQ(lab->OutputPath("bl2"), "/labs/desk/state/build/bl2.img");
  EXPECT_EQ(lab->OutputPath("fip"), "/labs/desk/out/fip.bin");
  ASSERT_TRUE(lab->image.has_value());
  EXPECT_EQ(lab->image->layout, "/labs/desk/layouts/bpi-r4-sd.yaml");
  EXPECT_EQ(lab->timeouts.flash, std::chrono::minutes(3));
  EXPECT_EQ(lab->timeouts.power, std::chrono::seconds(10));  // default kept

  auto board = lab->FindBoard("sim");
  ASSERT_TRUE(board.ok());
  EXPECT_EQ((*board)->name, "sim");
  auto none = lab->FindBoard("");
  EXPECT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("r4, sim"), std::string::npos) << none.status().message();
}

struct BadCase {
  const char* text;
  const char* where;    // "file:line:col" prefix expected
  const char* message;  // a substring expected
};

class LabConfigErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(LabConfigErrorTest, PointsAtTheMistake) {
  auto lab = LoadLabConfigString(GetParam().text, "lab.yaml");
  ASSERT_FALSE(lab.ok());
  EXPECT_EQ(ExitCodeFor(lab.status()), kExitBadInput);
  const std::string& msg = lab.status().message();
  EXPECT_EQ(msg.rfind(GetParam().where, 0), 0u) << msg;
  EXPECT_NE(msg.find(GetParam().message), std::string::npos) << msg;
}

const char* kBoardHead = "boards:\n  b:\n    type: bpi-r4\n";
const char* kDevices =
    "    console: {type: socket, address: 'unix:/x'}\n"
    "    power: {type: command, on: a, off: b}\n"
    "    mux: {type: command, host: a, dut: b}\n"
    "    block-device: /dev/sdz\n";

std::string Lab(const std::string& extra) { return std::string(kBoardHead) + kDevices + extra; }

const std::string kUnsetVar = std::string(kBoardHead) +
    "    console: {type: serial, path: '${HILT_TEST_SURELY_UNSET}'}\n" +
    "    power: {type: command, on: a, off: b}\n    mux: {type: command, host: a, dut: b}\n"
    "    block-device: /dev/sdz\n";
const std::string kBadPower = std::string(kBoardHead) +
    "    console: {type: socket, address: 'unix:/x'}\n    power: {type: relay, on: a}\n"
    "    mux: {type: command, host: a, dut: b}\n    block-device: /dev/sdz\n";
const std::string kUnknownKey = Lab("build:\n  - {name: a, run: b, retries: 3}\n");
const std::string kPartWithoutOutput =
    Lab("build:\n  - {name: a, run: b, outputs: {bl2: x}}\nimage:\n  layout: l.yaml\n  parts: {fip: fip}\n");
const std::string kBadTimeout = Lab("timeouts: {flash: 5}\n");
const std::string kProcessNoPidfile = std::string(kBoardHead) +
    "    console: {type: socket, address: 'unix:/x', started-by-power: true}\n" +
    "    power: {type: process, run: 'exec qemu'}\n    mux: {type: command, host: a, dut: b}\n"
    "    block-device: /dev/sdz\n";
const std::string kBadAddress = std::string(kBoardHead) + "    console: {type: socket, address: /x}\n" +
    "    power: {type: command, on: a, off: b}\n    mux: {type: command, host: a, dut: b}\n"
    "    block-device: /dev/sdz\n";
// No mux: the card must be a file, and the mux takes no other keys.
const std::string kNoMuxDisk = std::string(kBoardHead) + "    console: {type: socket, address: 'unix:/x'}\n" +
    "    power: {type: command, on: a, off: b}\n    mux: {type: none}\n    block-device: /dev/sdz\n";
const std::string kNoMuxWithCommand = std::string(kBoardHead) + "    console: {type: socket, address: 'unix:/x'}\n" +
    "    power: {type: command, on: a, off: b}\n    mux: {type: none, host: 'true'}\n    block-device: f.bin\n";
const std::string kBadMux = std::string(kBoardHead) + "    console: {type: socket, address: 'unix:/x'}\n" +
    "    power: {type: command, on: a, off: b}\n    mux: {type: nothing}\n    block-device: f.bin\n";

const std::string kDecimalCap = Lab("limits: {console-log: 10MB}\n");
const std::string kTinyCap = Lab("limits: {console-log: 10B}\n");
const std::string kUnknownLimit = Lab("limits: {memory: 1GiB}\n");

INSTANTIATE_TEST_SUITE_P(
    Mistakes, LabConfigErrorTest,
    ::testing::Values(
        BadCase{"boards: {}\n", "lab.yaml:1:9", "needs 'boards:'"},
        BadCase{"stat-dir: x\n", "lab.yaml:1:1", "unknown key 'stat-dir'"},
        BadCase{kUnsetVar.c_str(), "lab.yaml:4:35", "HILT_TEST_SURELY_UNSET is not set"},
        BadCase{kBadPower.c_str(), "lab.yaml:5:19", "power type must be gpio, command or process"},
        BadCase{kUnknownKey.c_str(), "lab.yaml:9:23", "unknown key 'retries'"},
        BadCase{kPartWithoutOutput.c_str(), "lab.yaml:12:16", "no build step produces"},
        BadCase{kBadTimeout.c_str(), "lab.yaml:8:19", "no valid unit"},
        BadCase{kProcessNoPidfile.c_str(), "lab.yaml:5:12", "process power needs 'pidfile'"},
        BadCase{kBadAddress.c_str(), "lab.yaml:4:38", "unix:PATH or tcp:HOST:PORT"},
        BadCase{"boards:\n  b:\n    type: x\n", "lab.yaml:3:5", "needs 'console'"},
        BadCase{kNoMuxDisk.c_str(), "lab.yaml:7:19", "a board without a mux (mux type none) has its card in a file"},
        BadCase{kNoMuxWithCommand.c_str(), "lab.yaml:6:23", "unknown key 'host' in mux of type none"},
        BadCase{kBadMux.c_str(), "lab.yaml:6:17", "mux type must be gpio, usbsdmux, sdwire, command or none"},
        BadCase{kDecimalCap.c_str(), "lab.yaml:8:23", "no valid unit (B, KiB, MiB, GiB)"},
        BadCase{kTinyCap.c_str(), "lab.yaml:8:23", "at least 1KiB"},
        BadCase{kUnknownLimit.c_str(), "lab.yaml:8:10", "unknown key 'memory' in limits"}));

// QEMU as a board: power starts the process, the console waits for its socket.
TEST(LabConfigTest, ProcessPowerAndAConsoleItStarts) {
  auto lab = LoadLabConfigString(std::string(kBoardHead) +
                                     "    console: {type: socket, address: 'unix:${STATE_DIR}/q/uart.sock', "
                                     "started-by-power: true}\n"
                                     "    power:\n"
                                     "      type: process\n"
                                     "      run: exec qemu-system-aarch64 -bios ${STATE_DIR}/q/flash.bin\n"
                                     "      ready: ${STATE_DIR}/q/uart.sock\n"
                                     "      pidfile: q/qemu.pid\n"
                                     "      stop-grace: 0s\n"
                                     "    mux: {type: command, host: 'true', dut: 'true'}\n"
                                     "    block-device: q/flash.bin\n"
                                     "state-dir: /s\n",
                                 "/lab/l.yaml");
  ASSERT_TRUE(lab.ok()) << lab.status().ToString();
  const BoardConfig& b = lab->boards[0];
  EXPECT_TRUE(b.console.started_by_power);
  EXPECT_EQ(b.power.type, "process");
  // A command: the value travels as quoted data (env_expand.h).
  EXPECT_EQ(b.power.run_command, "STATE_DIR='/s'; exec qemu-system-aarch64 -bios ${STATE_DIR}/q/flash.bin");
  EXPECT_EQ(b.power.ready_path, "/s/q/uart.sock");
  EXPECT_EQ(b.power.pidfile, "/lab/q/qemu.pid");  // relative to the config
  EXPECT_EQ(b.power.log_path, "/lab/q/qemu.pid.log");
  EXPECT_EQ(b.power.stop_grace, Nanos{0});
}

// A board without a mux (QEMU): its card is a file beside the config.
TEST(LabConfigTest, NoMuxForACardThatIsAFile) {
  auto lab = LoadLabConfigString(std::string(kBoardHead) +
                                     "    console: {type: socket, address: 'unix:/x'}\n"
                                     "    power: {type: command, on: a, off: b}\n"
                                     "    mux: {type: none}\n"
                                     "    block-device: q/flash.bin\n",
                                 "/lab/l.yaml");
  ASSERT_TRUE(lab.ok()) << lab.status().ToString();
  EXPECT_EQ(lab->boards[0].mux.type, "none");
  EXPECT_EQ(lab->boards[0].block_device, "/lab/q/flash.bin");
}

TEST(EnvExpandTest, VariablesDefaultsAndEscapes) {
  std::map<std::string, std::string> vars = {{"A", "1"}, {"EMPTY", ""}};
  VarLookup lookup = [&](const std::string& n) -> std::optional<std::string> {
    auto it = vars.find(n);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  EXPECT_EQ(*ExpandVars("x${A}y", lookup), "x1y");
  EXPECT_EQ(*ExpandVars("${B:-d}", lookup), "d");
  EXPECT_EQ(*ExpandVars("${EMPTY:-d}", lookup), "d");
  EXPECT_EQ(*ExpandVars("${B:-${A}/x}", lookup), "1/x");
  EXPECT_EQ(*ExpandVars("${B:-}", lookup), "");
  EXPECT_EQ(*ExpandVars("echo $1 $$HOME $", lookup), "echo $1 $HOME $");
  auto unset = ExpandVars("${NOPE}", lookup);
  ASSERT_FALSE(unset.ok());
  EXPECT_NE(unset.status().message().find("NOPE is not set"), std::string::npos);
  EXPECT_FALSE(ExpandVars("${A", lookup).ok());
  EXPECT_FALSE(ExpandVars("${1A}", lookup).ok());
  EXPECT_FALSE(ExpandVars("${A:x}", lookup).ok());
}

TEST(LabConfigTest, ConsoleLogCapDefaultsTo256MiBAndCanBeSet) {
  auto plain = LoadLabConfigString(Lab(""), "/l/lab.yaml");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->limits.console_log, 256ull << 20);
  auto capped = LoadLabConfigString(Lab("limits: {console-log: 64KiB}\n"), "/l/lab.yaml");
  ASSERT_TRUE(capped.ok()) << capped.status().ToString();
  EXPECT_EQ(capped->limits.console_log, 64u << 10);
}

TEST(LabConfigTest, StateDirFromTheEnvironmentWhenTheConfigHasNone) {
  setenv("HILT_STATE_DIR", "/var/lib/hilt", 1);
  auto lab = LoadLabConfigString(Lab(""), "/l/lab.yaml");
  unsetenv("HILT_STATE_DIR");
  ASSERT_TRUE(lab.ok()) << lab.status().ToString();
  EXPECT_EQ(lab->state_dir, "/var/lib/hilt");
}

}  // namespace
}  // namespace hilt
