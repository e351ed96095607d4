#include "harness/runner/board_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "harness/core/timestamp.h"

namespace hilt {
namespace {

std::string UtcNow() { return FormatUtc(std::time(nullptr), "%Y-%m-%dT%H:%M:%SZ"); }

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown-host";
  return buf;
}

// "pid 1234 on host lab1 since 2024-05-01T10:00:00Z", from the lock file.
std::string DescribeHolder(int fd) {
  char buf[512] = {};
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "another process (it has not written its pid yet)";
  std::string text(buf, static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  unsigned long pid = 0;
  char host[256] = {}, since[64] = {};
  if (std::sscanf(text.c_str(), "pid=%lu host=%255s since=%63s", &pid, host, since) == 3) {
    return "pid " + std::to_string(pid) + " on host " + host + " since " + since;
  }
  return "another process ('" + text + "')";
}

}  // namespace

StatusOr<std::unique_ptr<BoardLock>> BoardLock::Acquire(const std::string& state_dir,
                                                        const std::string& board, Nanos wait,
                                                        const std::atomic<bool>* cancel) {
  std::filesystem::path dir = std::filesystem::path(state_dir) / "locks";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::LabFailure("cannot create lock folder " + dir.string() + ": " + ec.message());
  std::string path = (dir / (board + ".lock")).string();
  // O_CLOEXEC: services and build steps must not inherit the lock and keep
  // the board "in use" after hilt exits.
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0664);
  if (fd < 0) return Status::LabFailure("cannot open lock " + path + ": " + std::strerror(errno));

  auto deadline = std::chrono::steady_clock::now() + wait;
  while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      std::string why = std::strerror(errno);
      close(fd);
      return Status::LabFailure("cannot lock " + path + ": " + why);
    }
    if (cancel && cancel->load()) {
      close(fd);
      return Status::Cancelled("cancelled while waiting for board '" + board + "'");
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      std::string holder = DescribeHolder(fd);
      close(fd);
      return Status::LabFailure("board '" + board + "' is in use by " + holder + " (lock " + path +
                                (wait.count() > 0 ? fmt::format("; waited {:g} s", ToSeconds(wait))
                                                  : "; use --wait DURATION to queue") +
                                ")");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // A holder that ends normally empties the file: words left in it mean the
  // last holder died without its cleanup (SIGKILL, a crash, a power cut).
  std::string stale;
  unsigned long stale_pid = 0;
  {
    char buf[512] = {};
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n > 0) {
      stale = DescribeHolder(fd);
      if (std::sscanf(buf, "pid=%lu ", &stale_pid) != 1) stale_pid = 0;
    }
  }
  std::string me = "pid=" + std::to_string(getpid()) + " host=" + HostName() + " since=" + UtcNow() + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, me.data(), me.size(), 0) != static_cast<ssize_t>(me.size())) {
    std::string why = std::strerror(errno);
    close(fd);
    return Status::LabFailure("cannot write lock " + path + ": " + why);
  }
  auto lock = std::unique_ptr<BoardLock>(new BoardLock(fd, path));
  lock->stale_holder_ = std::move(stale);
  lock->stale_pid_ = static_cast<pid_t>(stale_pid);
  return lock;
}

BoardLock::~BoardLock() {
  // Empty the file first so a reader never sees a stale holder; the flock
  // goes with the descriptor.
  if (ftruncate(fd_, 0) != 0) {
    // Nothing to do: the lock is released by close() regardless.
  }
  close(fd_);
}

}  // namespace hilt
