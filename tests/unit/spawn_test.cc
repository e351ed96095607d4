#include "harness/devices/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace hilt {
namespace {

std::filesystem::path TempDir() {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("hilt_spawn_" + std::to_string(::getpid()) + "_" +
                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `script` with its stdout and stderr into `out`; returns its wait status.
int RunShell(const std::string& script, const std::filesystem::path& out, SpawnSpec spec = {}) {
  int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  EXPECT_GE(fd, 0);
  spec.path = "/bin/sh";
  spec.argv = {"sh", "-c", script};
  if (spec.env.empty()) spec.env = EnvironmentWith({});
  spec.stdout_fd = spec.stderr_fd = fd;
  StatusOr<pid_t> pid = Spawn(spec);
  ::close(fd);
  EXPECT_TRUE(pid.ok()) << pid.status().ToString();
  if (!pid.ok()) return -1;
  int status = 0;
  EXPECT_EQ(::waitpid(*pid, &status, 0), *pid);
  return status;
}

TEST(SpawnTest, OutputEnvCwdAndExitStatus) {
  auto dir = TempDir();
  SpawnSpec spec;
  spec.env = {"HILT_SPAWN_A=one two", "PATH=/usr/bin:/bin"};
  spec.cwd = dir.string();
  int status = RunShell("echo \"$HILT_SPAWN_A\"; pwd; echo err >&2; env | grep -c . ; exit 4", dir / "out", spec);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 4);
  // The environment is exactly the one given (sh adds PWD and may add SHLVL).
  std::string out = ReadFile(dir / "out");
  EXPECT_EQ(out.substr(0, out.find("err\n") + 4), "one two\n" + dir.string() + "\nerr\n");
  int vars = std::atoi(out.substr(out.find("err\n") + 4).c_str());
  EXPECT_GE(vars, 2);
  EXPECT_LE(vars, 4);
}

TEST(SpawnTest, StdinIsDevNull) {
  auto dir = TempDir();
  int status = RunShell("cat; readlink /proc/self/fd/0", dir / "out");
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(ReadFile(dir / "out"), "/dev/null\n");
}

TEST(SpawnTest, OwnProcessGroupDefaultSignalsEmptyMask) {
  auto dir = TempDir();
  // hilt handles SIGTERM, ignores SIGINT and blocks SIGUSR1: none of that
  // may reach the child, or it would be immune to our SIGTERM.
  struct sigaction handler{}, old_term{}, old_int{};
  handler.sa_handler = [](int) {};
  ::sigaction(SIGTERM, &handler, &old_term);
  struct sigaction ignore{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGINT, &ignore, &old_int);
  sigset_t usr1, old_mask;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  ::pthread_sigmask(SIG_BLOCK, &usr1, &old_mask);

  int status = RunShell("read -r pid comm state ppid pgid rest </proc/self/stat; echo $pid $pgid; "
                        "grep -E '^Sig(Blk|Ign|Cgt)' /proc/self/status",
                        dir / "out");
  ::sigaction(SIGTERM, &old_term, nullptr);
  ::sigaction(SIGINT, &old_int, nullptr);
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  ASSERT_TRUE(WIFEXITED(status));
  std::istringstream lines(ReadFile(dir / "out"));
  long pid = 0, pgid = 0;
  lines >> pid >> pgid;
  EXPECT_EQ(pid, pgid);
  // grep's own masks (what ctest itself ignores may be in them too).
  std::string name, hex;
  int masks = 0;
  while (lines >> name >> hex) {
    unsigned long long bits = std::strtoull(hex.c_str(), nullptr, 16);
    for (int sig : {SIGTERM, SIGINT, SIGUSR1}) EXPECT_EQ(bits & (1ULL << (sig - 1)), 0u) << name << " " << sig;
    ++masks;
  }
  EXPECT_EQ(masks, 3);
  // And ours are as they were.
  struct sigaction now{};
  ::sigaction(SIGTERM, nullptr, &now);
  EXPECT_EQ(now.sa_handler, old_term.sa_handler);
}

TEST(SpawnTest, ExecFailureIsReportedAndLeavesNoChild) {
  SpawnSpec spec;
  spec.path = "/nonexistent/hilt-tool";
  spec.argv = {"hilt-tool"};
  StatusOr<pid_t> pid = Spawn(spec);
  ASSERT_FALSE(pid.ok());
  EXPECT_EQ(pid.status().code(), Status::Code::kLabFailure);
  EXPECT_NE(pid.status().message().find("/nonexistent/hilt-tool"), std::string::npos);
  EXPECT_NE(pid.status().message().find("No such file"), std::string::npos);
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);  // reaped: no child at all
  EXPECT_EQ(errno, ECHILD);

  spec.path = "/bin/sh";
  spec.cwd = "/nonexistent/dir";
  pid = Spawn(spec);
  ASSERT_FALSE(pid.ok());
  EXPECT_NE(pid.status().message().find("chdir"), std::string::npos);
}

TEST(SpawnTest, NeedsAPath) {
  SpawnSpec spec;
  spec.path = "sh";
  spec.argv = {"sh"};
  EXPECT_EQ(Spawn(spec).status().code(), Status::Code::kInvalidInput);
}

TEST(SpawnTest, LowSourceDescriptorsAreNotOverwritten) {
  // With our stdin closed, the output file may be fd 0: the child must still
  // get /dev/null as 0 and the file as 1 and 2.
  auto dir = TempDir();
  int saved = ::dup(0);
  ::close(0);
  int fd = ::open((dir / "out").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_EQ(fd, 0);
  SpawnSpec spec;
  spec.path = "/bin/sh";
  spec.argv = {"sh", "-c", "readlink /proc/self/fd/0; echo two >&2"};
  spec.env = EnvironmentWith({});
  spec.stdout_fd = spec.stderr_fd = fd;
  StatusOr<pid_t> pid = Spawn(spec);
  ::dup2(saved, 0);
  ::close(saved);
  ASSERT_TRUE(pid.ok()) << pid.status().ToString();
  int status = 0;
  ASSERT_EQ(::waitpid(*pid, &status, 0), *pid);
  EXPECT_EQ(ReadFile(dir / "out"), "/dev/null\ntwo\n");
}

TEST(SpawnTest, EnvironmentWithReplacesByName) {
  ::setenv("HILT_SPAWN_X", "old", 1);
  ::setenv("HILT_SPAWN_XY", "keep", 1);
  std::vector<std::string> env = EnvironmentWith({"HILT_SPAWN_X=new"});
  int x = 0, xy = 0;
  for (const std::string& e : env) {
    if (e.rfind("HILT_SPAWN_X=", 0) == 0) {
      ++x;
      EXPECT_EQ(e, "HILT_SPAWN_X=new");
    }
    if (e == "HILT_SPAWN_XY=keep") ++xy;
  }
  EXPECT_EQ(x, 1);
  EXPECT_EQ(xy, 1);
  ::unsetenv("HILT_SPAWN_X");
  ::unsetenv("HILT_SPAWN_XY");
}

}  // namespace
}  // namespace hilt
