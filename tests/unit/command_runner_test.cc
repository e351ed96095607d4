#include "harness/devices/command_runner.h"

#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/unit/test_dir.h"

namespace hilt {
namespace {

using namespace std::chrono_literals;

CommandSpec Shell(const std::string& script) { return CommandSpec{{"/bin/sh", "-c", script}}; }

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::filesystem::path TempDir() { return FreshTestDir("hilt_cmd"); }

// Alive and not a zombie: in containers orphans may be reparented to a pid 1
// that never reaps them, and a zombie is dead for our purpose.
bool ProcessAlive(pid_t pid) {
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) return false;
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}

TEST(CommandRunnerTest, ExitCodeAndOutput) {
  auto r = RunCommand(Shell("echo hello; echo oops >&2; exit 3"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_FALSE(r->timed_out);
  EXPECT_FALSE(r->ok());
  EXPECT_EQ(r->output_tail, "hello\noops\n");
  EXPECT_EQ(r->Describe(), "exited with 3");
}

TEST(CommandRunnerTest, RunsDirectlyWithoutShellAndPassesArgsVerbatim) {
  auto r = RunCommand(CommandSpec{{"printf", "%s|", "a b", "$HOME", "*"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->output_tail, "a b|$HOME|*|");
}

TEST(CommandRunnerTest, MissingProgramIsLabFailureNamingIt) {
  auto r = RunCommand(CommandSpec{{"hilt-no-such-program-xyz", "arg"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kLabFailure);
  EXPECT_NE(r.status().message().find("hilt-no-such-program-xyz"), std::string::npos);
  EXPECT_NE(r.status().message().find("not found in PATH"), std::string::npos);

  auto abs = RunCommand(CommandSpec{{"/nonexistent/tool"}});
  ASSERT_FALSE(abs.ok());
  EXPECT_NE(abs.status().message().find("/nonexistent/tool"), std::string::npos);
  EXPECT_EQ(RunCommand(CommandSpec{}).status().code(), Status::Code::kInvalidInput);
}

TEST(CommandRunnerTest, BadCwdIsLabFailure) {
  CommandSpec spec{{"true"}};
  spec.cwd = "/nonexistent/dir";
  auto r = RunCommand(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/dir"), std::string::npos);
}

TEST(CommandRunnerTest, EnvAndCwd) {
  auto dir = TempDir();
  CommandSpec spec = Shell("echo \"$HILT_X:$(pwd)\"; echo \"${PATH:+has-path}\"");
  spec.env["HILT_X"] = "value with space";
  spec.cwd = dir.string();
  auto r = RunCommand(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->output_tail, "value with space:" + dir.string() + "\nhas-path\n");
}

TEST(CommandRunnerTest, TimeoutKillsTheWholeGroup) {
  auto dir = TempDir();
  // A child and a grandchild in the background, both recording their pid.
  std::string script = "sleep 30 & echo $! > " + (dir / "a").string() +
                       "; (sleep 30 & echo $! > " + (dir / "b").string() + "; wait) & wait";
  CommandSpec spec = Shell(script);
  spec.timeout = 300ms;
  auto t0 = std::chrono::steady_clock::now();
  auto r = RunCommand(spec);
  auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->signal, SIGTERM);
  EXPECT_LT(took, 2s);
  pid_t a = std::stoi(ReadFile(dir / "a"));
  pid_t b = std::stoi(ReadFile(dir / "b"));
  // Orphans are reparented and reaped by init or a subreaper: give it a moment.
  for (int i = 0; i < 100 && (ProcessAlive(a) || ProcessAlive(b)); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(ProcessAlive(a));
  EXPECT_FALSE(ProcessAlive(b));
}

TEST(CommandRunnerTest, SigtermIgnoringCommandGetsSigkillAfterGrace) {
  CommandSpec spec = Shell("trap '' TERM; echo ready; while :; do sleep 0.05; done");
  spec.timeout = 200ms;
  spec.kill_grace = 300ms;
  auto t0 = std::chrono::steady_clock::now();
  auto r = RunCommand(spec);
  auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->signal, SIGKILL);
  EXPECT_GE(took, 500ms);
  EXPECT_LT(took, 3s);
  EXPECT_EQ(r->output_tail, "ready\n");
  EXPECT_NE(r->Describe().find("timed out"), std::string::npos);
}

TEST(CommandRunnerTest, BackgroundChildLeftByASuccessfulCommandIsKilled) {
  auto dir = TempDir();
  std::string script = "(trap '' TERM; exec sleep 30) > /dev/null 2>&1 & echo $! > " +
                       (dir / "pid").string() + "; exit 0";
  CommandSpec spec = Shell(script);
  spec.kill_grace = 200ms;
  auto r = RunCommand(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_TRUE(r->ok());
  pid_t bg = std::stoi(ReadFile(dir / "pid"));
  for (int i = 0; i < 100 && ProcessAlive(bg); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(ProcessAlive(bg));
}

// The leader's exit is seen while a child still holds the output pipe
// (the pidfd wakes the loop): the child goes, long before a 30 s sleep.
TEST(CommandRunnerTest, LeaderExitIsSeenWhileAChildHoldsTheOutput) {
  CommandSpec spec = Shell("sleep 30 & echo started; exit 0");
  spec.kill_grace = 5s;
  auto start = std::chrono::steady_clock::now();
  auto r = RunCommand(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_NE(r->output_tail.find("started"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
}

TEST(CommandRunnerTest, CancelFlagStopsIt) {
  std::atomic<bool> cancel{false};
  CommandSpec spec = Shell("sleep 30");
  spec.cancel = &cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(100ms);
    cancel = true;
  });
  auto t0 = std::chrono::steady_clock::now();
  auto r = RunCommand(spec);
  canceller.join();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->cancelled);
  EXPECT_FALSE(r->ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST(CommandRunnerTest, LotsOfOutputGoesToLogAndTailKeepsTheEnd) {
  auto dir = TempDir();
  auto log = dir / "build.log";
  {
    std::ofstream(log) << "earlier step\n";
  }
  // ~6 MB on stdout and stderr interleaved, then a last line.
  CommandSpec spec = Shell("i=0; while [ $i -lt 3 ]; do head -c 1000000 /dev/zero | tr '\\0' a; "
                           "head -c 1000000 /dev/zero | tr '\\0' b >&2; i=$((i+1)); done; "
                           "echo; echo LAST LINE");
  spec.log_path = log.string();
  auto r = RunCommand(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 0);
  std::string content = ReadFile(log);
  EXPECT_EQ(content.size(), std::string("earlier step\n").size() + 6000000 + 1 + 10);
  EXPECT_EQ(content.rfind("earlier step\n", 0), 0u);
  EXPECT_EQ(r->output_tail.size(), kCommandTailBytes);
  EXPECT_TRUE(r->output_tail.ends_with("b\nLAST LINE\n"));
}

TEST(CommandRunnerTest, UnwritableLogIsLabFailure) {
  CommandSpec spec{{"true"}};
  spec.log_path = "/nonexistent/dir/x.log";
  auto r = RunCommand(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/dir/x.log"), std::string::npos);
}

TEST(CommandRunnerTest, KilledBySignalIsReported) {
  auto r = RunCommand(Shell("kill -9 $$"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->signal, SIGKILL);
  EXPECT_EQ(r->exit_code, -1);
  EXPECT_FALSE(r->timed_out);
}

TEST(CommandRunnerTest, FormatArgvQuotes) {
  EXPECT_EQ(FormatArgv({"usbsdmux", "/dev/sg1", "host"}), "usbsdmux /dev/sg1 host");
  EXPECT_EQ(FormatArgv({"sh", "-c", "a b"}), "sh -c 'a b'");
}

}  // namespace
}  // namespace hilt
