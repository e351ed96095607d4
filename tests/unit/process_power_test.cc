#include "harness/devices/process_power.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

namespace hilt {
namespace {

using std::chrono::milliseconds;

// Alive and not a zombie (a zombie may wait long for a reaper in a container).
bool Alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  size_t close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z' && line[close + 2] != 'X';
}

bool GoneSoon(pid_t pid) {
  for (int i = 0; i < 200 && Alive(pid); ++i) std::this_thread::sleep_for(milliseconds(10));
  return !Alive(pid);
}

pid_t ReadPid(const std::string& path) {
  for (int i = 0; i < 300; ++i) {
    std::ifstream in(path);
    pid_t pid = 0;
    if (in >> pid && pid > 0) return pid;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return 0;
}

class ProcessPowerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("hilt_process_power_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string P(const char* name) const { return (dir_ / name).string(); }
  ProcessPowerOptions Options(const std::string& run) const {
    ProcessPowerOptions o;
    o.argv = {"/bin/sh", "-c", run};
    o.pidfile = P("board.pid");
    o.log_path = P("board.log");
    o.ready_timeout = std::chrono::seconds(5);
    o.stop_grace = milliseconds(300);
    return o;
  }
  std::filesystem::path dir_;
};

TEST_F(ProcessPowerTest, OnWaitsForReadyAndOffEndsTheWholeGroup) {
  auto o = Options("sleep 30 & echo $! > " + P("grandchild") + "; sleep 0.1; touch " + P("ready") + "; wait");
  o.ready_path = P("ready");
  ProcessPower power(o);
  ASSERT_TRUE(power.On().ok());
  EXPECT_TRUE(std::filesystem::exists(P("ready")));
  pid_t leader = power.pgid();
  ASSERT_GT(leader, 0);
  EXPECT_TRUE(std::filesystem::exists(P("board.pid")));
  EXPECT_TRUE(power.On().ok()) << "on when on is a no-op";
  EXPECT_EQ(power.pgid(), leader);
  pid_t grandchild = ReadPid(P("grandchild"));
  ASSERT_GT(grandchild, 0);
  ASSERT_TRUE(power.Off().ok());
  EXPECT_EQ(power.pgid(), 0);
  EXPECT_TRUE(GoneSoon(grandchild)) << "a process of the group outlived Off()";
  EXPECT_FALSE(std::filesystem::exists(P("board.pid")));
  EXPECT_TRUE(power.Off().ok()) << "off when off is fine";
}

TEST_F(ProcessPowerTest, StaleReadyPathIsRemovedBeforeStart) {
  std::ofstream(P("ready")) << "left by a previous QEMU";
  auto o = Options("sleep 30");
  o.ready_path = P("ready");
  o.ready_timeout = milliseconds(200);
  ProcessPower power(o);
  Status s = power.On();
  EXPECT_EQ(s.code(), Status::Code::kTimeout) << s.message();
  EXPECT_NE(s.message().find("did not create"), std::string::npos) << s.message();
  EXPECT_EQ(power.pgid(), 0) << "a process that never got ready is stopped";
}

TEST_F(ProcessPowerTest, ExitBeforeReadyReportsHowAndTheLog) {
  auto o = Options("echo 'qemu: could not load PC BIOS flash.bin' >&2; exit 1");
  o.ready_path = P("uart.sock");
  ProcessPower power(o);
  Status s = power.On();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kLabFailure);
  EXPECT_NE(s.message().find("exited with 1"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("could not load PC BIOS"), std::string::npos) << s.message();
  EXPECT_FALSE(std::filesystem::exists(P("board.pid")));
}

TEST_F(ProcessPowerTest, OneThatIgnoresSigtermIsKilledAfterTheGrace) {
  // Ignored dispositions survive exec: sleep ignores SIGTERM too.
  auto o = Options("trap '' TERM; echo $$ > " + P("pid") + "; exec sleep 30");
  ProcessPower power(o);
  ASSERT_TRUE(power.On().ok());
  pid_t pid = ReadPid(P("pid"));
  ASSERT_GT(pid, 0);
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(power.Off().ok());
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_FALSE(Alive(pid));
  EXPECT_GE(took, milliseconds(250));
  EXPECT_LT(took, std::chrono::seconds(3));
}

// Stopped (SIGSTOP), not zombie or dead.
char State(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  size_t close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() ? line[close + 2] : '?';
}

TEST_F(ProcessPowerTest, ZeroGraceFreezesAtOnceAndKillsLater) {
  // A SIGTERM would run the trap: pulling the plug sends none. The process
  // is frozen at once and killed by the next On() or the destructor.
  auto o = Options("trap 'touch " + P("termed") + "; exit 0' TERM; echo $$ > " + P("pid") +
                   "; exec sleep 30");
  o.stop_grace = Nanos{0};
  pid_t first = 0;
  {
    ProcessPower power(o);
    ASSERT_TRUE(power.On().ok());
    first = ReadPid(P("pid"));
    ASSERT_GT(first, 0);
    ASSERT_TRUE(power.Off().ok());
    EXPECT_TRUE(power.frozen());
    EXPECT_EQ(State(first), 'T') << "off must stop the process at once";
    std::filesystem::remove(P("pid"));
    ASSERT_TRUE(power.On().ok()) << "on after off boots a fresh process";
    EXPECT_FALSE(power.frozen());
    EXPECT_TRUE(GoneSoon(first)) << "the frozen process outlived the next On()";
    pid_t second = ReadPid(P("pid"));
    ASSERT_GT(second, 0);
    EXPECT_NE(second, first);
    ASSERT_TRUE(power.Off().ok());
    first = second;
  }
  EXPECT_TRUE(GoneSoon(first)) << "the frozen process outlived the ProcessPower";
  EXPECT_FALSE(std::filesystem::exists(P("termed"))) << "got SIGTERM";
  EXPECT_FALSE(std::filesystem::exists(P("board.pid")));
}

TEST_F(ProcessPowerTest, LetGoKillsTheFrozenGroupAndTheDestructorReapsIt) {
  auto o = Options("echo $$ > " + P("pid") + "; exec sleep 30");
  o.stop_grace = Nanos{0};
  pid_t pid = 0;
  {
    ProcessPower power(o);
    power.LetGo();  // nothing running: nothing to do
    ASSERT_TRUE(power.On().ok());
    pid = ReadPid(P("pid"));
    ASSERT_GT(pid, 0);
    power.LetGo();  // running, not off: left alone
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_NE(State(pid), 'Z') << "LetGo killed a running board";
    ASSERT_TRUE(power.Off().ok());
    power.LetGo();
    for (int i = 0; i < 500 && State(pid) != 'Z'; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    EXPECT_EQ(State(pid), 'Z') << "killed, not yet reaped";
  }
  EXPECT_TRUE(GoneSoon(pid));
  EXPECT_FALSE(std::filesystem::exists(P("board.pid")));
}

TEST_F(ProcessPowerTest, OnAfterTheProcessEndedStartsItAgain) {
  ProcessPower power(Options("exit 0"));
  ASSERT_TRUE(power.On().ok());
  std::this_thread::sleep_for(milliseconds(100));
  pid_t first = power.pgid();
  ASSERT_TRUE(power.On().ok());
  EXPECT_NE(power.pgid(), first) << "a board whose process ended is off; on starts it anew";
}

// A group left by a killed hilt: started here in a child that is its own
// group leader, recorded in a pidfile as ProcessPower would.
pid_t StartOrphanGroup(const std::string& pidfile, long start_delta) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::execl("/bin/sleep", "sleep", "30", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  std::istringstream fields(line.substr(line.rfind(')') + 1));
  std::string f;
  unsigned long long start = 0;
  for (int i = 3; i <= 22 && fields >> f; ++i) {
    if (i == 22) start = std::stoull(f);
  }
  std::ofstream(pidfile) << pid << ' ' << (start + start_delta) << '\n';
  return pid;
}

TEST_F(ProcessPowerTest, NextOnKillsTheGroupAKilledHiltLeft) {
  pid_t orphan = StartOrphanGroup(P("board.pid"), 0);
  ProcessPower power(Options("sleep 30"));
  ASSERT_TRUE(power.On().ok());
  int st = 0;
  ASSERT_EQ(::waitpid(orphan, &st, 0), orphan);  // our child here: reap it
  EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  EXPECT_NE(power.pgid(), orphan);
  ASSERT_TRUE(power.Off().ok());
}

TEST_F(ProcessPowerTest, ARecycledPidIsNeverKilled) {
  // The recorded start time is later than the process's: another process
  // now has that number, and it must be left alone.
  pid_t other = StartOrphanGroup(P("board.pid"), 1000000);
  EXPECT_EQ(KillLeftoverGroup(P("board.pid")), 0);
  EXPECT_TRUE(Alive(other));
  EXPECT_FALSE(std::filesystem::exists(P("board.pid")));
  ::kill(other, SIGKILL);
  ::waitpid(other, nullptr, 0);
}

TEST_F(ProcessPowerTest, GarbagePidfileIsIgnoredAndRemoved) {
  std::ofstream(P("board.pid")) << "1 garbage\n";
  EXPECT_EQ(KillLeftoverGroup(P("board.pid")), 0);
  EXPECT_FALSE(std::filesystem::exists(P("board.pid")));
}

TEST_F(ProcessPowerTest, TheBoardDiesWithASigkilledHilt) {
  // A stand-in for hilt (a forked child) powers the board on and is then
  // SIGKILLed: no cleanup runs, the parent-death signal must end the board.
  std::string pidfile = P("board.pid");
  pid_t hilt = ::fork();
  if (hilt == 0) {
    ProcessPower power(Options("exec sleep 30"));
    if (!power.On().ok()) ::_exit(1);
    for (;;) ::pause();
  }
  pid_t board = ReadPid(pidfile);
  ASSERT_GT(board, 0);
  ASSERT_TRUE(Alive(board));
  ::kill(hilt, SIGKILL);
  ::waitpid(hilt, nullptr, 0);
  EXPECT_TRUE(GoneSoon(board)) << "the board process outlived a SIGKILLed hilt";
}

}  // namespace
}  // namespace hilt
