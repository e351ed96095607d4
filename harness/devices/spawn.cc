#include "harness/devices/spawn.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

extern char** environ;

namespace hilt {
namespace {

constexpr size_t kChildStack = 64 * 1024;
constexpr size_t kKernelSigsetBytes = 8;  // the kernel's sigset_t, not glibc's

// What the child reads and, when a step fails, writes back: it shares our
// memory, and we are suspended until it has exec'd or exited.
struct ChildArgs {
  const char* path;
  char* const* argv;
  char* const* envp;
  const char* cwd;  // nullptr: inherit
  int fds[3];       // become 0, 1, 2; -1: inherit
  pid_t parent;
  volatile int error;
  const char* volatile failed;
};

#define HILT_CHILD_CODE __attribute__((no_sanitize("address", "undefined")))

// Reports why the child could not exec, and ends it.
HILT_CHILD_CODE int Fail(ChildArgs* a, const char* what) {
  a->error = errno;
  a->failed = what;
  ::syscall(SYS_exit, 127);
  return 127;
}

// Runs on its own stack in our address space, so only raw system calls: no
// allocation, no locks, no sanitizer bookkeeping (the child's frames would
// leave poisoned shadow behind), no errno of ours but the one it reports.
// A zeroed kernel sigaction is SIG_DFL with no flags and an empty mask on
// every layout of that struct.
HILT_CHILD_CODE int ChildMain(void* p) {
  ChildArgs* a = static_cast<ChildArgs*>(p);
  // Killed when hilt dies (a crash, a SIGKILL) instead of running on
  // unattended; checked against a parent that died before the prctl.
  if (::syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) return Fail(a, "prctl");
  if (::syscall(SYS_getppid) != a->parent) {
    errno = ESRCH;
    return Fail(a, "parent gone");
  }
  // Its own group, so that the whole tree can be signalled at once; done
  // before exec, so it exists before we could signal it.
  if (::syscall(SYS_setpgid, 0, 0) != 0) return Fail(a, "setpgid");
  for (int target = 0; target < 3; ++target) {
    int from = a->fds[target];
    if (from < 0) continue;
    // Spawn moved every source above 2, so none is overwritten here.
    if (::syscall(SYS_dup3, from, target, 0) < 0) return Fail(a, "dup3");
  }
  if (a->cwd != nullptr && ::syscall(SYS_chdir, a->cwd) != 0) return Fail(a, "chdir");
  // Our handlers must not run in the child (they would run on our memory),
  // and signals hilt ignores or blocks would survive exec and make the
  // command immune to our SIGTERM: handlers and those five go back to the
  // default, the mask (all blocked by Spawn) to empty.
  for (int sig = 1; sig < 65; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    uintptr_t old[4] = {0, 0, 0, 0};
    if (::syscall(SYS_rt_sigaction, sig, nullptr, old, kKernelSigsetBytes) != 0) continue;
    bool reset = old[0] != reinterpret_cast<uintptr_t>(SIG_DFL) && old[0] != reinterpret_cast<uintptr_t>(SIG_IGN);
    reset = reset || sig == SIGPIPE || sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGQUIT;
    uintptr_t dfl[4] = {0, 0, 0, 0};
    if (reset) ::syscall(SYS_rt_sigaction, sig, dfl, nullptr, kKernelSigsetBytes);
  }
  uint64_t none = 0;
  if (::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, nullptr, kKernelSigsetBytes) != 0) {
    return Fail(a, "sigprocmask");
  }
  ::syscall(SYS_execve, a->path, a->argv, a->envp);
  return Fail(a, "execve");
}

#undef HILT_CHILD_CODE

std::vector<char*> Pointers(const std::vector<std::string>& words) {
  std::vector<char*> out;
  out.reserve(words.size() + 1);
  for (const std::string& w : words) out.push_back(const_cast<char*>(w.c_str()));
  out.push_back(nullptr);
  return out;
}

// Closes what it holds on every return path.
class FdList {
 public:
  ~FdList() {
    for (int fd : fds_) ::close(fd);
  }
  void Add(int fd) { fds_.push_back(fd); }

 private:
  std::vector<int> fds_;
};

}  // namespace

std::vector<std::string> EnvironmentWith(const std::vector<std::string>& overrides) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    std::string_view name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const std::string& o : overrides) {
      if (o.size() > name.size() && o.compare(0, name.size(), name) == 0 && o[name.size()] == '=') {
        replaced = true;
        break;
      }
    }
    if (!replaced) env.emplace_back(entry);
  }
  env.insert(env.end(), overrides.begin(), overrides.end());
  return env;
}

StatusOr<pid_t> Spawn(const SpawnSpec& spec) {
  if (spec.path.find('/') == std::string::npos) {
    return Status::InvalidInput(fmt::format("cannot start '{}': needs a path", spec.path));
  }
  if (spec.argv.empty()) return Status::InvalidInput("cannot start a program without argv[0]");
  FdList owned;
  ChildArgs a{};
  a.fds[0] = spec.stdin_fd;
  a.fds[1] = spec.stdout_fd;
  a.fds[2] = spec.stderr_fd;
  if (a.fds[0] < 0) {
    a.fds[0] = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (a.fds[0] < 0) {
      return Status::LabFailure(fmt::format("cannot start '{}': /dev/null: {}", spec.path, std::strerror(errno)));
    }
    owned.Add(a.fds[0]);
  }
  for (int& fd : a.fds) {
    if (fd < 0 || fd > 2) continue;
    // A low source could be overwritten by an earlier dup3 in the child.
    int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (moved < 0) {
      return Status::LabFailure(fmt::format("cannot start '{}': dup: {}", spec.path, std::strerror(errno)));
    }
    owned.Add(moved);
    fd = moved;
  }
  std::vector<char*> argv = Pointers(spec.argv);
  std::vector<char*> envp = Pointers(spec.env);
  a.path = spec.path.c_str();
  a.argv = argv.data();
  a.envp = envp.data();
  a.cwd = spec.cwd.empty() ? nullptr : spec.cwd.c_str();
  a.parent = ::getpid();
  a.error = 0;
  a.failed = nullptr;

  void* stack = ::mmap(nullptr, kChildStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) {
    return Status::LabFailure(fmt::format("cannot start '{}': mmap: {}", spec.path, std::strerror(errno)));
  }
  // Every signal blocked across the clone: none may run a handler of ours
  // in the child. Raw, since glibc keeps two of its own out of sigfillset.
  uint64_t all = ~uint64_t{0}, old = 0;
  ::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &old, kKernelSigsetBytes);
  pid_t pid = ::clone(ChildMain, static_cast<char*>(stack) + kChildStack, CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
  int clone_errno = errno;
  ::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, nullptr, kKernelSigsetBytes);
  ::munmap(stack, kChildStack);
  if (pid < 0) {
    return Status::LabFailure(fmt::format("cannot start '{}': clone: {}", spec.path, std::strerror(clone_errno)));
  }
  if (a.failed != nullptr) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    std::string what = std::strcmp(a.failed, "execve") == 0 ? "" : std::string(a.failed) + ": ";
    return Status::LabFailure(fmt::format("cannot start '{}': {}{}", spec.path, what, std::strerror(a.error)));
  }
  return pid;
}

}  // namespace hilt
