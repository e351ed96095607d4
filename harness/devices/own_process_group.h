// A Boost.Process initializer for every child hilt starts: build steps,
// services, lab commands and boards that are processes (QEMU).
#ifndef HILT_DEVICES_OWN_PROCESS_GROUP_H_
#define HILT_DEVICES_OWN_PROCESS_GROUP_H_

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <boost/process/extend.hpp>

namespace hilt {

// In the child: its own process group (so the whole tree can be signalled at
// once), and default signal handling even if hilt blocks or ignores signals,
// because blocked/ignored dispositions survive exec and would make the
// command immune to our SIGTERM. In the parent: setpgid as well, so the group
// exists before we could ever signal it (the classic race with exec).
struct OwnProcessGroup : boost::process::extend::handler {
  pid_t parent = ::getpid();
  template <typename Executor>
  void on_exec_setup(Executor&) const {
    // If hilt dies without its cleanup (SIGKILL, a crash), the child dies
    // with it instead of running on unattended; checked against a parent
    // that died before the prctl.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT}) ::signal(sig, SIG_DFL);
  }
  template <typename Executor>
  void on_success(Executor& e) const {
    ::setpgid(e.pid, e.pid);  // EACCES after exec is fine: the child did it
  }
};

}  // namespace hilt

#endif  // HILT_DEVICES_OWN_PROCESS_GROUP_H_
