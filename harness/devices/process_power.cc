#include "harness/devices/process_power.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <fmt/format.h>

#include "harness/devices/command_runner.h"
#include "harness/devices/own_process_group.h"

namespace bp = boost::process;

namespace hilt {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto kPoll = std::chrono::milliseconds(2);

struct ProcStat {
  pid_t pgrp = 0;
  unsigned long long start = 0;  // clock ticks after boot
  char state = '?';
};

// /proc/PID/stat: "pid (comm) state ppid pgrp ... starttime(22) ...". comm
// may hold spaces and parentheses: fields are counted after the last ')'.
bool ReadProcStat(pid_t pid, ProcStat* out) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  size_t close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(line.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 3) out->state = field.empty() ? '?' : field[0];
    if (i == 5) out->pgrp = static_cast<pid_t>(std::strtol(field.c_str(), nullptr, 10));
    if (i == 22) {
      out->start = std::strtoull(field.c_str(), nullptr, 10);
      return true;
    }
  }
  return false;
}

// Live (not zombie) processes of group `pgid` started at or after `start`.
std::vector<pid_t> GroupMembers(pid_t pgid, unsigned long long start) {
  std::vector<pid_t> pids;
  DIR* proc = ::opendir("/proc");
  if (!proc) return pids;
  while (dirent* e = ::readdir(proc)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (pid <= 0 || *end != '\0' || pid == ::getpid()) continue;
    ProcStat st;
    if (!ReadProcStat(static_cast<pid_t>(pid), &st)) continue;
    if (st.pgrp == pgid && st.start >= start && st.state != 'Z' && st.state != 'X') {
      pids.push_back(static_cast<pid_t>(pid));
    }
  }
  ::closedir(proc);
  return pids;
}

bool LeaderExited(pid_t pid) {
  siginfo_t info;
  std::memset(&info, 0, sizeof info);
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return errno == ECHILD;
  return info.si_pid == pid;
}

std::string DescribeWait(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("was killed by signal {}", WTERMSIG(status));
  return "ended";
}

std::string LogTail(const std::string& path, size_t max_bytes = 1500) {
  if (path.empty()) return "";
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  std::streamoff size = in.tellg();
  std::streamoff from = size > static_cast<std::streamoff>(max_bytes) ? size - static_cast<std::streamoff>(max_bytes) : 0;
  in.seekg(from);
  std::string tail((std::istreambuf_iterator<char>(in)), {});
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
  return tail;
}

Status WritePidfile(const std::string& path, pid_t pid) {
  ProcStat st;
  if (!ReadProcStat(pid, &st)) return Status::LabFailure(fmt::format("cannot read /proc/{}/stat", pid));
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << pid << ' ' << st.start << '\n';
    if (!out.flush()) return Status::LabFailure(fmt::format("cannot write pidfile {}", tmp));
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::LabFailure(fmt::format("cannot write pidfile {}: {}", path, ec.message()));
  return Status::Ok();
}

}  // namespace

int KillLeftoverGroup(const std::string& pidfile) {
  std::ifstream in(pidfile);
  if (!in) return 0;
  long long pgid = 0;
  unsigned long long start = 0;
  bool parsed = static_cast<bool>(in >> pgid >> start) && pgid > 1;
  in.close();
  int killed = 0;
  if (parsed && static_cast<pid_t>(pgid) != ::getpgrp()) {
    // Members found by scanning, not killpg(): the leader may be gone and its
    // number reused by an unrelated group leader.
    auto deadline = SteadyClock::now() + std::chrono::seconds(2);
    for (std::vector<pid_t> left = GroupMembers(static_cast<pid_t>(pgid), start); !left.empty();
         left = GroupMembers(static_cast<pid_t>(pgid), start)) {
      for (pid_t pid : left) {
        if (::kill(pid, SIGKILL) == 0) ++killed;
      }
      if (SteadyClock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  std::error_code ec;
  std::filesystem::remove(pidfile, ec);
  return killed;
}

ProcessPower::ProcessPower(ProcessPowerOptions options) : options_(std::move(options)) {}

ProcessPower::~ProcessPower() {
  (void)StopOwn();
  if (!options_.pidfile.empty()) KillLeftoverGroup(options_.pidfile);
}

std::string ProcessPower::Describe() const {
  return fmt::format("process power (run: {})", FormatArgv(options_.argv));
}

bool ProcessPower::Exited() {
  if (pid_ == 0) return true;
  if (!LeaderExited(pid_)) return false;
  // What the leader started goes with it, before its number is freed.
  ::killpg(pid_, SIGKILL);
  ::waitpid(pid_, &status_, 0);
  pid_ = 0;
  frozen_ = false;
  std::error_code ec;
  std::filesystem::remove(options_.pidfile, ec);
  return true;
}

Status ProcessPower::On() {
  if (frozen_) HILT_RETURN_IF_ERROR(StopOwn());  // a power cycle boots afresh
  if (pid_ != 0 && !Exited()) return Status::Ok();
  if (options_.argv.empty()) return Status::InvalidInput("process power: nothing to run");
  if (options_.pidfile.empty()) return Status::InvalidInput("process power: needs a pidfile");
  KillLeftoverGroup(options_.pidfile);
  std::error_code ec;
  // A path left by an earlier instance must not count as ready.
  if (!options_.ready_path.empty()) std::filesystem::remove(options_.ready_path, ec);

  FILE* log = std::fopen(options_.log_path.empty() ? "/dev/null" : options_.log_path.c_str(), "ae");
  if (!log) {
    return Status::LabFailure(fmt::format("power on: cannot open log {}: {}", options_.log_path, std::strerror(errno)));
  }
  std::vector<std::string> args(options_.argv.begin() + 1, options_.argv.end());
  try {
    bp::child child(bp::exe = options_.argv[0], bp::args = args, bp::std_in < bp::null, bp::std_out > log,
                    bp::std_err > log, OwnProcessGroup());
    pid_ = child.id();
    child.detach();  // reaped by hand (waitpid), never by boost
  } catch (const std::exception& e) {
    std::fclose(log);
    return Status::LabFailure(fmt::format("power on: cannot start '{}': {}", FormatArgv(options_.argv), e.what()));
  }
  std::fclose(log);
  if (Status s = WritePidfile(options_.pidfile, pid_); !s.ok()) {
    (void)StopOwn();
    return s.Prefixed("power on");
  }
  if (options_.ready_path.empty()) return Status::Ok();

  auto deadline = SteadyClock::now() + options_.ready_timeout;
  while (!std::filesystem::exists(options_.ready_path, ec)) {
    if (Exited()) {
      std::string tail = LogTail(options_.log_path);
      return Status::LabFailure(fmt::format("power on: '{}' {} before it created {}{}", FormatArgv(options_.argv),
                                            DescribeWait(status_), options_.ready_path,
                                            tail.empty() ? "" : "; the end of its log:\n" + tail));
    }
    if (SteadyClock::now() >= deadline) {
      (void)StopOwn();
      return Status::Timeout(fmt::format("power on: '{}' did not create {} within {:.1f} s (see {})",
                                         FormatArgv(options_.argv), options_.ready_path,
                                         ToSeconds(options_.ready_timeout), options_.log_path));
    }
    std::this_thread::sleep_for(kPoll);
  }
  return Status::Ok();
}

Status ProcessPower::StopOwn() {
  if (pid_ == 0 || Exited()) return Status::Ok();
  // Frozen, or a zero grace: SIGKILL at once (an emulator has nothing to
  // flush, and a real board gets no warning either).
  if (!frozen_ && options_.stop_grace > Nanos{0}) {
    ::killpg(pid_, SIGTERM);
    auto deadline = SteadyClock::now() + options_.stop_grace;
    while (!Exited() && SteadyClock::now() < deadline) std::this_thread::sleep_for(kPoll);
  }
  if (pid_ != 0) {
    ::killpg(pid_, SIGKILL);
    while (!Exited()) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return Status::Ok();
}

Status ProcessPower::Freeze() {
  if (frozen_ || pid_ == 0 || Exited()) return Status::Ok();
  ::killpg(pid_, SIGSTOP);
  // Off means off: wait until the leader has really stopped.
  auto deadline = SteadyClock::now() + std::chrono::seconds(2);
  for (;;) {
    siginfo_t info;
    std::memset(&info, 0, sizeof info);
    if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WSTOPPED | WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid == pid_) {
      break;
    }
    if (SteadyClock::now() >= deadline) return StopOwn();  // never stopped: kill it
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  frozen_ = true;
  return Status::Ok();
}

void ProcessPower::LetGo() {
  if (frozen_ && pid_ != 0) ::killpg(pid_, SIGKILL);
}

Status ProcessPower::Off() {
  if (pid_ != 0 && options_.stop_grace == Nanos{0}) return Freeze();
  HILT_RETURN_IF_ERROR(StopOwn());
  // The run's first Off() also clears what a killed hilt left behind.
  if (!options_.pidfile.empty()) KillLeftoverGroup(options_.pidfile);
  return Status::Ok();
}

}  // namespace hilt
