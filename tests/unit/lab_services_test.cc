#include "harness/runner/lab_services.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

namespace hilt {
namespace {

class LabServicesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("hilt_services_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  ServiceConfig Service(const std::string& run, const std::string& ready = "") {
    ServiceConfig s;
    s.name = "svc";
    s.run = run;
    s.ready_path = ready;
    s.ready_timeout = std::chrono::seconds(3);
    return s;
  }
  std::string P(const char* name) { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

TEST_F(LabServicesTest, StartsWaitsForReadyAndStopsTheWholeGroup) {
  // The service forks a grandchild that records its pid: Stop must end both.
  std::string run = "sleep 30 & echo $! > " + P("grandchild") + "; sleep 0.1; touch " + P("ready") + "; wait";
  LabServices services({Service(run, P("ready"))}, P("services.log"));
  std::atomic<bool> cancel{false};
  ASSERT_TRUE(services.Start(&cancel).ok());
  EXPECT_TRUE(std::filesystem::exists(P("ready")));
  EXPECT_TRUE(services.Check().ok());
  std::ifstream in(P("grandchild"));
  pid_t grandchild = 0;
  in >> grandchild;
  ASSERT_GT(grandchild, 0);
  services.Stop();
  // Gone, or a zombie waiting for an init that may not reap in a container.
  auto alive = [&] {
    std::ifstream stat("/proc/" + std::to_string(grandchild) + "/stat");
    std::string pid, comm, state;
    if (!(stat >> pid >> comm >> state)) return false;
    return state != "Z" && state != "X";
  };
  for (int i = 0; i < 100 && alive(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_FALSE(alive()) << "grandchild outlived Stop()";
}

TEST_F(LabServicesTest, ExitBeforeReadyReportsTheLog) {
  LabServices services({Service("echo simulator: no card image >&2; exit 4", P("never"))}, P("services.log"));
  Status s = services.Start(nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kLabFailure);
  EXPECT_NE(s.message().find("exited with 4"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("no card image"), std::string::npos) << s.message();
}

TEST_F(LabServicesTest, DeathDuringTheRunIsALabFailure) {
  LabServices services({Service("sleep 0.2")}, P("services.log"));
  ASSERT_TRUE(services.Start(nullptr).ok());
  EXPECT_TRUE(services.Check().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  Status s = services.Check();
  EXPECT_EQ(s.code(), Status::Code::kLabFailure);
  EXPECT_NE(s.message().find("'svc' exited with 0 during the run"), std::string::npos) << s.message();
}

TEST_F(LabServicesTest, StaleReadyPathDoesNotCount) {
  std::ofstream(P("ready")) << "old";
  auto cfg = Service("sleep 30", P("ready"));
  cfg.ready_timeout = std::chrono::milliseconds(200);
  LabServices quick({cfg}, P("services.log"));
  Status s = quick.Start(nullptr);
  EXPECT_EQ(s.code(), Status::Code::kTimeout) << s.ToString();
}

}  // namespace
}  // namespace hilt
