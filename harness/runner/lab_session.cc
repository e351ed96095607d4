#include "harness/runner/lab_session.h"

#include <ctime>

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
