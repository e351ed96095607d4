#include "fixtures/sim/control.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

namespace hilt::sim {
namespace {

TEST(SimControlTest, ParsesRequests) {
  EXPECT_EQ(ParseControlRequest("power on")->kind, ControlRequest::kPowerOn);
  EXPECT_EQ(ParseControlRequest("  power off \r\n")->kind, ControlRequest::kPowerOff);
  EXPECT_EQ(ParseControlRequest("mux host")->kind, ControlRequest::kMuxHost);
  EXPECT_EQ(ParseControlRequest("mux dut")->kind, ControlRequest::kMuxDut);
  EXPECT_EQ(ParseControlRequest("status")->kind, ControlRequest::kStatus);
  EXPECT_EQ(ParseControlRequest("quit")->kind, ControlRequest::kQuit);
  auto drop = ParseControlRequest("uart drop 300");
  ASSERT_TRUE(drop.ok());
  EXPECT_EQ(drop->kind, ControlRequest::kUartDrop);
  EXPECT_EQ(drop->millis, 300);
  EXPECT_FALSE(ParseControlRequest("uart drop").ok());
  EXPECT_FALSE(ParseControlRequest("uart drop -5").ok());
  EXPECT_FALSE(ParseControlRequest("uart drop 99999999999").ok());  // no overflow
  auto bad = ParseControlRequest("power sideways");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("power sideways"), std::string::npos);
}

TEST(SimControlTest, NoDaemonIsALabFailureNamingTheFolder) {
  auto dir = std::filesystem::temp_directory_path() / ("hilt-sim-ctl-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto r = SendControlRequest(dir.string(), "status", std::chrono::milliseconds(200));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kLabFailure);
  EXPECT_NE(r.status().message().find(dir.string()), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(SimControlTest, SilentDaemonTimesOut) {
  auto dir = std::filesystem::temp_directory_path() / ("hilt-sim-ctl-silent-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto fd = ListenUnix((dir / "ctl.sock").string());
  ASSERT_TRUE(fd.ok());
  auto r = SendControlRequest(dir.string(), "status", std::chrono::milliseconds(100));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kTimeout);
  ::close(*fd);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hilt::sim
