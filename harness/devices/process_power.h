// ProcessPower: a board that is a process (QEMU): power on starts it, power
// off stops it. The process runs in its own process group, so off ends
// everything it started (SIGTERM to the group, SIGKILL after a grace period,
// then reaped). Nothing may outlive hilt, even a SIGKILLed hilt:
//  - the child gets PR_SET_PDEATHSIG(SIGKILL), so it dies with hilt's main
//    thread (a `sh -c` line should `exec` the program so it keeps that);
//  - its group id and start time are written to a pidfile, and every On()
//    and Off() first kills a group left by an earlier hilt that died, checked
//    by start time so that a recycled pid is never hit.
#ifndef HILT_DEVICES_PROCESS_POWER_H_
#define HILT_DEVICES_PROCESS_POWER_H_

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "harness/core/status.h"
#include "harness/core/timestamp.h"
#include "harness/devices/power_switch.h"

namespace hilt {

struct ProcessPowerOptions {
  std::vector<std::string> argv;  // e.g. {"/bin/sh", "-c", "exec qemu-system-aarch64 ..."}
  std::string pidfile;            // required: "<pgid> <start time>"
  std::string log_path;           // stdout+stderr appended; empty: /dev/null
  // On() returns once this path exists (QEMU's console socket), or fails
  // when the process exits first or `ready_timeout` passes. Empty: at once.
  std::string ready_path;
  Nanos ready_timeout = std::chrono::seconds(10);
  // Off(): SIGTERM, then SIGKILL after this long, then reaped. Zero pulls the
  // plug instead: the group is frozen (SIGSTOP) at once, so it runs and sends
  // nothing more, and is killed and reaped when the next On() or the
  // destructor comes. A console carried by the process (QEMU's socket) then
  // stays open until the runner has stopped reading it, and the teardown of
  // the process is not in the way of the verdict.
  Nanos stop_grace = std::chrono::seconds(3);
};

class ProcessPower final : public PowerSwitch {
 public:
  explicit ProcessPower(ProcessPowerOptions options);
  ~ProcessPower() override;  // kills and reaps the process, if any

  Status On() override;
  Status Off() override;
  std::string Describe() const override;
  // SIGKILLs a frozen group without waiting: its teardown (QEMU's ~15 ms)
  // overlaps the reports; the destructor or the next On() reaps it.
  void LetGo() override;

  // The group of the process (running or frozen), or 0 when none (tests).
  pid_t pgid() const { return pid_; }
  bool frozen() const { return frozen_; }

 private:
  Status StopOwn();
  Status Freeze();
  bool Exited();  // reaps the leader once it has exited

  ProcessPowerOptions options_;
  pid_t pid_ = 0;  // the leader = its group id; 0 when off
  int status_ = 0; // wait status once reaped
  bool frozen_ = false;  // SIGSTOPped by Off() with a zero grace
};

// Kills what an earlier, killed hilt left in `pidfile`: every process of the
// recorded group that started no earlier than its leader did. Removes the
// pidfile. Returns how many processes were signalled.
int KillLeftoverGroup(const std::string& pidfile);

}  // namespace hilt

#endif  // HILT_DEVICES_PROCESS_POWER_H_
