// Processes a killed hilt left behind. Every process a lab command starts
// (services, build steps, power and mux commands) inherits HILT_OWNER=
// <lock path>:<pid of hilt>. A hilt that dies by SIGKILL cannot stop them;
// their leaders die with it (PR_SET_PDEATHSIG), but their children (a
// build's compilers, a service's helpers) would run on. The next holder of
// the board's lock, seeing the dead holder (BoardLock::stale_holder), ends
// every process still marked with it: the marker names the lock and the dead
// pid, so nothing else on the host is touched.
#ifndef HILT_RUNNER_LEFTOVERS_H_
#define HILT_RUNNER_LEFTOVERS_H_

#include <sys/types.h>

#include <string>

namespace hilt {

inline constexpr const char* kOwnerVariable = "HILT_OWNER";

// "<lock_path>:<pid>", the value of HILT_OWNER for that holder.
std::string OwnerMark(const std::string& lock_path, pid_t pid);

// Sets HILT_OWNER for this process (and so its children). Call before any
// thread is started: setenv is not thread-safe.
void MarkChildrenAsOwned(const std::string& lock_path);

// SIGKILLs every process whose environment holds HILT_OWNER=<mark>, but not
// this one; returns how many. Processes it may not read are skipped.
int KillLeftovers(const std::string& mark);

}  // namespace hilt

#endif  // HILT_RUNNER_LEFTOVERS_H_
