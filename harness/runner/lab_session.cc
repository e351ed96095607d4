#include "harness/runner/lab_session.h"

#include <ctime>

#include <fmt/format.h>

#include "harness/runner/leftovers.h"

namespace hilt {

StatusOr<std::unique_ptr<LabSession>> OpenLabSession(const std::string& lab_path,
                                                     const std::string& board_name, Nanos wait,
                                                     const std::atomic<bool>* cancel) {
  auto session = std::make_unique<LabSession>();
  auto lab = LoadLabConfigFile(lab_path);
  if (!lab.ok()) return lab.status();
  session->lab = std::move(*lab);
  auto board = session->lab.FindBoard(board_name);
  if (!board.ok()) return board.status();
  session->board = *board;
  auto lock = BoardLock::Acquire(session->lab.state_dir, session->board->name, wait, cancel);
  if (!lock.ok()) return lock.status();
  session->lock = std::move(*lock);
  const BoardLock& held = *session->lock;
  if (!held.stale_holder().empty()) {
    session->recover_from = held.stale_holder();
    if (held.stale_pid() > 0) {
      int killed = KillLeftovers(OwnerMark(held.path(), held.stale_pid()));
      if (killed > 0) session->recover_from += fmt::format("; ended {} process(es) it had left running", killed);
    }
  }
  MarkChildrenAsOwned(held.path());
  return session;
}

std::string UtcStamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace hilt
