#include "harness/runner/build_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

namespace hilt {
namespace {

std::string Holder(int fd) {
  char buf[64] = {};
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  unsigned long pid = 0;
  if (n > 0 && std::sscanf(buf, "pid=%lu", &pid) == 1) return "pid " + std::to_string(pid);
  return "another process";
}

}  // namespace

BuildLockedSteps::BuildLockedSteps(LabSteps* inner, std::string lock_path, std::ostream* progress)
    : inner_(inner), path_(std::move(lock_path)), progress_(progress) {}

BuildLockedSteps::~BuildLockedSteps() { Release(); }

Status BuildLockedSteps::Take(Nanos wait, const std::atomic<bool>* cancel) {
  if (fd_ >= 0) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
  // O_CLOEXEC: the build steps must not inherit the lock and outlive it.
  int fd = open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0664);
  if (fd < 0) return Status::LabFailure("cannot open the build lock " + path_ + ": " + std::strerror(errno));
  const auto deadline = std::chrono::steady_clock::now() + wait;
  bool said = false;
  while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      std::string why = std::strerror(errno);
      close(fd);
      return Status::LabFailure("cannot lock " + path_ + ": " + why);
    }
    if (cancel && cancel->load()) {
      close(fd);
      return Status::Cancelled("cancelled while waiting for the build lock " + path_);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      std::string holder = Holder(fd);
      close(fd);
      return Status::LabFailure(fmt::format(
          "another run of this lab ({}) held the build lock {} for longer than the build step's "
          "timeout ({:g} s); is its build stuck?",
          holder, path_, ToSeconds(wait)));
    }
    if (!said && progress_) {
      *progress_ << "hilt: another run of this lab (" << Holder(fd) << ") is building; waiting for "
                 << path_ << "\n";
      said = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::string me = fmt::format("pid={}\n", getpid());
  if (ftruncate(fd, 0) != 0 || pwrite(fd, me.data(), me.size(), 0) != static_cast<ssize_t>(me.size())) {
    // Only the holder's name in messages suffers; the lock itself is held.
  }
  fd_ = fd;
  return Status::Ok();
}

void BuildLockedSteps::Release() {
  if (fd_ < 0) return;
  if (ftruncate(fd_, 0) != 0) {
    // The flock goes with close() regardless.
  }
  close(fd_);
  fd_ = -1;
}

Status BuildLockedSteps::Build(const BuildStep& step, const std::string& log_path,
                               const std::atomic<bool>* cancel) {
  HILT_RETURN_IF_ERROR(Take(step.timeout, cancel));
  return inner_->Build(step, log_path, cancel);
}

Status BuildLockedSteps::Image(const ImageConfig& image, const std::map<std::string, std::string>& parts,
                               const std::string& image_path, const std::string& log_path) {
  Status s = inner_->Image(image, parts, image_path, log_path);
  Release();
  return s;
}

Status BuildLockedSteps::WaitForBlockDevice(const std::string& path, Nanos timeout,
                                            const std::atomic<bool>* cancel) {
  Release();
  return inner_->WaitForBlockDevice(path, timeout, cancel);
}

Status BuildLockedSteps::Flash(const std::string& image_path, const std::string& device,
                               const std::string& log_path, Nanos timeout, const std::atomic<bool>* cancel) {
  Release();
  return inner_->Flash(image_path, device, log_path, timeout, cancel);
}

StatusOr<std::unique_ptr<ConsoleSession>> BuildLockedSteps::StartConsole(const std::string& raw_path) {
  Release();
  return inner_->StartConsole(raw_path);
}

StatusOr<std::unique_ptr<BootCheck>> BuildLockedSteps::MakeChecker(const Suite& suite) {
  Release();
  return inner_->MakeChecker(suite);
}

}  // namespace hilt
