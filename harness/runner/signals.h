// SIGINT/SIGTERM during a run: the handlers only set a flag (the one thing a
// handler may safely do); the run's loops notice it within a poll period and
// run the cleanup, which powers the board off. A second signal restores the
// default action, so a third ends hilt at once if cleanup itself hangs.
#ifndef HILT_RUNNER_SIGNALS_H_
#define HILT_RUNNER_SIGNALS_H_

#include <atomic>

namespace hilt {

// The flag set by the handlers; lock-free, so safe from a handler.
std::atomic<bool>* CancelFlag();
// The signal that set it, 0 if none.
int CancelSignal();

// Installs the handlers for SIGINT, SIGTERM and SIGHUP; restores the old
// ones when destroyed. Also ignores SIGPIPE: a console socket closing under
// a write must be an error return, not a silent death.
class ScopedCancelOnSignals {
 public:
  ScopedCancelOnSignals();
  ~ScopedCancelOnSignals();
  ScopedCancelOnSignals(const ScopedCancelOnSignals&) = delete;
  ScopedCancelOnSignals& operator=(const ScopedCancelOnSignals&) = delete;
};

}  // namespace hilt

#endif  // HILT_RUNNER_SIGNALS_H_
