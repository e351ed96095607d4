#include "harness/runner/signals.h"

#include <csignal>

namespace hilt {
namespace {

std::atomic<bool> g_cancel{false};
std::atomic<int> g_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction g_old[3];
struct sigaction g_old_pipe;

void OnSignal(int sig) {
  if (g_cancel.exchange(true)) {
    // Second signal: let the next one take the default action.
    struct sigaction dfl = {};
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, nullptr);
    return;
  }
  g_signal.store(sig);
}

}  // namespace

std::atomic<bool>* CancelFlag() { return &g_cancel; }
int CancelSignal() { return g_signal.load(); }

ScopedCancelOnSignals::ScopedCancelOnSignals() {
  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: blocking reads return EINTR and loops look at the flag
  for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &sa, &g_old[i]);
  struct sigaction ign = {};
  ign.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ign, &g_old_pipe);
}

ScopedCancelOnSignals::~ScopedCancelOnSignals() {
  for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &g_old[i], nullptr);
  sigaction(SIGPIPE, &g_old_pipe, nullptr);
}

}  // namespace hilt
