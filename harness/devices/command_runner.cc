#include "harness/devices/command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <cerrno>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "harness/devices/own_process_group.h"

namespace hilt {
namespace {

namespace bp = boost::process;
using SteadyTime = std::chrono::steady_clock::time_point;

// True once the leader has exited, without reaping it: a zombie leader keeps
// its pid (= the group id) reserved, so killpg cannot hit a recycled group.
bool LeaderExited(pid_t pid) {
  siginfo_t info;
  std::memset(&info, 0, sizeof info);
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    return errno == ECHILD;  // already reaped (cannot happen) counts as gone
  }
  return info.si_pid == pid;
}

// A descriptor that polls readable once `pid` has exited (Linux 5.3), so
// the loop wakes the moment the command ends instead of on its next 5 ms
// or 20 ms tick (a run starts several short commands); -1 where the kernel
// has none, and the ticks decide.
int OpenPidFd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

Status WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::LabFailure(std::strerror(errno));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

StatusOr<boost::filesystem::path> ResolveProgram(const std::string& program) {
  if (program.empty()) return Status::InvalidInput("cannot run a command with an empty program name");
  if (program.find('/') != std::string::npos) {
    if (::access(program.c_str(), X_OK) != 0) {
      return Status::LabFailure(fmt::format("cannot run '{}': {}", program, std::strerror(errno)));
    }
    return boost::filesystem::path(program);
  }
  boost::filesystem::path found = bp::search_path(program);
  if (found.empty()) {
    return Status::LabFailure(fmt::format("cannot run '{}': not found in PATH", program));
  }
  return found;
}

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { if (fd_ >= 0) ::close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

}  // namespace

std::string FormatArgv(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& word : argv) {
    if (!line.empty()) line += ' ';
    bool plain = !word.empty() && word.find_first_of(" \t\n'\"\\$") == std::string::npos;
    line += plain ? word : fmt::format("'{}'", word);
  }
  return line;
}

std::string CommandResult::Describe() const {
  std::string how = signal != 0 ? fmt::format("killed by signal {} ({})", signal, ::strsignal(signal))
                                : fmt::format("exited with {}", exit_code);
  if (timed_out) return "timed out, then " + how;
  if (cancelled) return "cancelled, then " + how;
  return how;
}

StatusOr<CommandResult> RunCommand(const CommandSpec& spec) {
  if (spec.argv.empty()) return Status::InvalidInput("cannot run an empty command");
  const std::string& program = spec.argv[0];
  StatusOr<boost::filesystem::path> exe = ResolveProgram(program);
  if (!exe.ok()) return exe.status();

  boost::system::error_code fs_ec;
  if (!spec.cwd.empty() && !boost::filesystem::is_directory(spec.cwd, fs_ec)) {
    return Status::LabFailure(
        fmt::format("cannot run '{}': working directory {} does not exist", program, spec.cwd));
  }
  std::string cwd = spec.cwd.empty() ? boost::filesystem::current_path().string() : spec.cwd;

  Fd log(-1);
  if (!spec.log_path.empty()) {
    int fd = ::open(spec.log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      return Status::LabFailure(fmt::format("cannot run '{}': cannot open log {}: {}", program,
                                            spec.log_path, std::strerror(errno)));
    }
    log.reset(fd);
  }

  // Our own pipe with O_CLOEXEC, so that commands started at the same time
  // by other threads never inherit its ends (they would hold it open).
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return Status::LabFailure(fmt::format("cannot run '{}': pipe: {}", program, std::strerror(errno)));
  }
  bp::pipe out(fds[0], fds[1]);

  bp::environment env = boost::this_process::environment();
  for (const auto& [key, value] : spec.env) env[key] = value;
  std::vector<std::string> args(spec.argv.begin() + 1, spec.argv.end());

  std::error_code ec;
  bp::child child(exe.value(), bp::args(args), env, bp::start_dir = cwd, bp::std_in < bp::null,
                  (bp::std_out & bp::std_err) > out, OwnProcessGroup{}, ec);
  if (ec) {
    return Status::LabFailure(fmt::format("cannot run '{}': {}", program, ec.message()));
  }
  const pid_t pid = child.id();
  const int fd = out.native_source();
  Fd exited(OpenPidFd(pid));

  CommandResult result;
  std::string tail;
  bool log_failed = false;
  const SteadyTime start = std::chrono::steady_clock::now();
  bool leader_exited = false, pipe_open = true, stopping = false, killed = false;
  SteadyTime term_at{}, kill_at{};
  char buf[65536];

  for (;;) {
    const SteadyTime now = std::chrono::steady_clock::now();
    if (!leader_exited) leader_exited = LeaderExited(pid);
    if (!stopping) {
      if (spec.timeout.count() > 0 && now - start >= spec.timeout) {
        result.timed_out = true;
      } else if (spec.cancel != nullptr && spec.cancel->load()) {
        result.cancelled = true;
      }
      // A leader that exited may leave background children: they go too.
      if (leader_exited || result.timed_out || result.cancelled) {
        stopping = true;
        term_at = now;
        ::killpg(pid, SIGTERM);
      }
    }
    if (stopping && !killed) {
      bool all_quiet = leader_exited && !pipe_open;
      if (all_quiet || now - term_at >= spec.kill_grace) {
        ::killpg(pid, SIGKILL);
        killed = true;
        kill_at = now;
      }
    }
    // A process that left the group may hold the pipe: stop reading after 1s.
    if (killed && leader_exited && (!pipe_open || now - kill_at >= std::chrono::seconds(1))) break;

    // The pidfd only until the leader is seen gone: it stays readable.
    const bool watch_exit = exited.get() >= 0 && !leader_exited;
    if (!pipe_open) {
      pollfd pfd{exited.get(), POLLIN, 0};
      if (watch_exit) {
        ::poll(&pfd, 1, 5);
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      continue;
    }
    pollfd pfds[2] = {{fd, POLLIN, 0}, {exited.get(), POLLIN, 0}};
    int ready = ::poll(pfds, watch_exit ? 2 : 1, 20);
    if (ready <= 0 || !(pfds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      pipe_open = false;
      continue;
    }
    if (n == 0) {
      pipe_open = false;
      continue;
    }
    if (log.get() >= 0 && !log_failed) {
      Status s = WriteAll(log.get(), buf, static_cast<size_t>(n));
      if (!s.ok()) {
        log_failed = true;
        tail += fmt::format("\n[hilt: writing {} failed: {}]\n", spec.log_path, s.message());
      }
    }
    tail.append(buf, static_cast<size_t>(n));
    if (tail.size() > 2 * kCommandTailBytes) tail.erase(0, tail.size() - kCommandTailBytes);
  }

  child.wait(ec);
  int status = child.native_exit_code();
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  if (tail.size() > kCommandTailBytes) tail.erase(0, tail.size() - kCommandTailBytes);
  result.output_tail = std::move(tail);
  return result;
}

}  // namespace hilt
