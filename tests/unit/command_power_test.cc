#include "harness/devices/command_power.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/devices/block_device_wait.h"
#include "harness/devices/command_mux.h"
#include "tests/unit/test_dir.h"

namespace hilt {
namespace {

using namespace std::chrono_literals;

std::filesystem::path Dir() { return FreshTestDir("hilt_cmdpower"); }

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A stand-in for a device CLI that appends its arguments to a file.
std::string RecorderScript(const std::filesystem::path& dir) {
  auto script = dir / "tool";
  std::ofstream(script) << "#!/bin/sh\necho \"$*\" >> " << (dir / "calls").string() << "\n";
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  return script.string();
}

TEST(CommandPowerTest, TrueAndFalse) {
  CommandPower ok({"true"}, {"true"});
  EXPECT_TRUE(ok.On().ok());
  EXPECT_TRUE(ok.Off().ok());
  CommandPower bad({"sh", "-c", "echo relay 4 not responding >&2; exit 1"}, {"false"});
  Status s = bad.On();
  EXPECT_EQ(s.code(), Status::Code::kLabFailure);
  EXPECT_NE(s.message().find("power on:"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("exited with 1: relay 4 not responding"), std::string::npos) << s.message();
  EXPECT_EQ(bad.Off().code(), Status::Code::kLabFailure);
}

TEST(CommandPowerTest, TimeoutAndMissingProgram) {
  CommandPower slow({"sleep", "10"}, {"hilt-no-such-pdu-tool"}, 100ms);
  Status s = slow.On();
  EXPECT_EQ(s.code(), Status::Code::kLabFailure);
  EXPECT_NE(s.message().find("timed out"), std::string::npos) << s.message();
  Status m = slow.Off();
  EXPECT_EQ(m.code(), Status::Code::kLabFailure);
  EXPECT_NE(m.message().find("hilt-no-such-pdu-tool"), std::string::npos);
}

TEST(CommandMuxTest, UsbSdMuxArguments) {
  auto dir = Dir();
  auto mux = MakeUsbSdMux("/dev/usb-sd-mux/id-000000000101", 5s, RecorderScript(dir));
  ASSERT_TRUE(mux->Switch(MuxSide::kHost).ok());
  ASSERT_TRUE(mux->Switch(MuxSide::kDut).ok());
  EXPECT_EQ(ReadFile(dir / "calls"),
            "/dev/usb-sd-mux/id-000000000101 host\n/dev/usb-sd-mux/id-000000000101 dut\n");
}

TEST(CommandMuxTest, SdWireArguments) {
  auto dir = Dir();
  auto mux = MakeSdWireMux("sd-wire_11", 5s, RecorderScript(dir));
  ASSERT_TRUE(mux->Switch(MuxSide::kHost).ok());
  ASSERT_TRUE(mux->Switch(MuxSide::kDut).ok());
  EXPECT_EQ(ReadFile(dir / "calls"), "--device-serial=sd-wire_11 --ts\n--device-serial=sd-wire_11 --dut\n");
}

TEST(CommandMuxTest, FailingSwitchNamesTheSide) {
  CommandMux mux("custom", {"false"}, {"true"});
  Status s = mux.Switch(MuxSide::kHost);
  EXPECT_EQ(s.code(), Status::Code::kLabFailure);
  EXPECT_EQ(s.message().rfind("sd mux to host: 'false' exited with 1", 0), 0u) << s.message();
  EXPECT_TRUE(mux.Switch(MuxSide::kDut).ok());
}

TEST(WaitForBlockDeviceTest, AppearsOrTimesOut) {
  auto dir = Dir();
  ManualClock clock;
  auto link = dir / "sd-card";
  Status missing = WaitForBlockDevice(link.string(), 2s, &clock);
  EXPECT_EQ(missing.code(), Status::Code::kTimeout);
  EXPECT_NE(missing.message().find(link.string()), std::string::npos);
  EXPECT_GE(clock.Now(), 2s);

  // A symlink to nothing does not count; once its target exists, it does.
  std::filesystem::create_symlink(dir / "card.img", link);
  EXPECT_EQ(WaitForBlockDevice(link.string(), 100ms, &clock).code(), Status::Code::kTimeout);
  std::ofstream(dir / "card.img") << "x";
  EXPECT_TRUE(WaitForBlockDevice(link.string(), 100ms, &clock).ok());
}

}  // namespace
}  // namespace hilt
