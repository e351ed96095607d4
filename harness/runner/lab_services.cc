#include "harness/runner/lab_services.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include "harness/devices/own_process_group.h"

namespace bp = boost::process;

namespace hilt {
namespace {

using std::chrono::milliseconds;
using SteadyTime = std::chrono::steady_clock;

std::string LogTail(const std::string& path, size_t max_bytes = 1500) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  std::streamoff from = size > static_cast<std::streamoff>(max_bytes) ? size - max_bytes : 0;
  in.seekg(from);
  std::string tail((std::istreambuf_iterator<char>(in)), {});
  return tail;
}

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return "exited with " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "ended";
}

}  // namespace

struct LabServices::Running {
  ServiceConfig config;
  bp::child child;
  bool reaped = false;
  int status = 0;

  // True while the process lives; reaps it when it has ended.
  bool Alive() {
    if (reaped) return false;
    int st = 0;
    pid_t r = waitpid(child.id(), &st, WNOHANG);
    if (r == 0) return true;
    reaped = true;
    status = st;
    child.detach();  // reaped by hand: boost must not wait for it again
    return false;
  }
};

LabServices::LabServices(std::vector<ServiceConfig> services, std::string log_path)
    : services_(std::move(services)), log_path_(std::move(log_path)) {}

LabServices::~LabServices() { Stop(); }

Status LabServices::Start(const std::atomic<bool>* cancel) {
  for (const ServiceConfig& s : services_) {
    std::error_code ec;
    // A ready path left by a previous, killed instance must not count.
    if (!s.ready_path.empty()) std::filesystem::remove(s.ready_path, ec);
    FILE* log = std::fopen(log_path_.c_str(), "a");
    if (!log) return Status::LabFailure("cannot open " + log_path_ + ": " + std::strerror(errno));
    std::fprintf(log, "--- service '%s': %s\n", s.name.c_str(), s.run.c_str());
    std::fflush(log);
    auto running = std::make_unique<Running>();
    running->config = s;
    try {
      running->child = bp::child("/bin/sh", "-c", s.run, bp::std_out > log, bp::std_err > log,
                                 bp::std_in < bp::null,
                                 OwnProcessGroup{});
    } catch (const std::exception& e) {
      std::fclose(log);
      return Status::LabFailure("service '" + s.name + "' (" + s.where.ToString() +
                                ") did not start: " + e.what());
    }
    std::fclose(log);
    Running* r = running.get();
    running_.push_back(std::move(running));
    if (s.ready_path.empty()) continue;
    auto deadline = SteadyTime::now() + s.ready_timeout;
    while (!std::filesystem::exists(s.ready_path, ec)) {
      if (!r->Alive()) {
        return Status::LabFailure("service '" + s.name + "' " + DescribeExit(r->status) +
                                  " before it was ready; the end of " + log_path_ + ":\n" +
                                  LogTail(log_path_));
      }
      if (cancel && cancel->load()) return Status::Cancelled("cancelled while starting service '" + s.name + "'");
      if (SteadyTime::now() >= deadline) {
        return Status::Timeout("service '" + s.name + "' did not create " + s.ready_path + " within " +
                               std::to_string(std::chrono::duration_cast<milliseconds>(s.ready_timeout).count()) +
                               " ms; the end of " + log_path_ + ":\n" + LogTail(log_path_));
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
  }
  return Status::Ok();
}

Status LabServices::Check() {
  for (auto& r : running_) {
    if (!r->Alive()) {
      return Status::LabFailure("service '" + r->config.name + "' " + DescribeExit(r->status) +
                                " during the run (see " + log_path_ + ")");
    }
  }
  return Status::Ok();
}

void LabServices::Stop() {
  for (auto it = running_.rbegin(); it != running_.rend(); ++it) {
    Running& r = **it;
    pid_t pgid = r.child.id();
    if (r.Alive()) {
      kill(-pgid, SIGTERM);
      auto deadline = SteadyTime::now() + std::chrono::seconds(3);
      while (r.Alive() && SteadyTime::now() < deadline) std::this_thread::sleep_for(milliseconds(10));
    }
    // The leader may be gone while its children linger: the group goes too.
    kill(-pgid, SIGKILL);
    if (r.Alive()) {
      int st = 0;
      waitpid(pgid, &st, 0);
      r.reaped = true;
      r.child.detach();
    }
  }
  running_.clear();
}

}  // namespace hilt
