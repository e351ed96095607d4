#include "harness/runner/lab_session.h"

#include <chrono>
#include <ctime>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "harness/core/timestamp.h"
#include "harness/runner/board_pick.h"

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

StatusOr<std::unique_ptr<LabSession>> OpenLabSession(const std::string& lab_path,
                                                     const BoardChoice& choice, Nanos wait,
                                                     const std::atomic<bool>* cancel,
                                                     std::ostream* progress) {
  if (choice.type.empty() || !choice.name.empty()) {
    auto session = OpenLabSession(lab_path, choice.name, wait, cancel);
    if (session.ok() && !choice.type.empty() && (*session)->board->type != choice.type) {
      return Status::InvalidInput(fmt::format("board '{}' is of type '{}', not '{}'", choice.name,
                                              (*session)->board->type, choice.type));
    }
    return session;
  }
  auto session = std::make_unique<LabSession>();
  auto lab = LoadLabConfigFile(lab_path);
  if (!lab.ok()) return lab.status();
  session->lab = std::move(*lab);
  std::vector<BoardEntry> entries;
  for (const BoardConfig& b : session->lab.boards) entries.push_back({b.name, b.type});

  // Each board is only tried, never waited for: waiting on one would miss
  // another of the type freeing up first.
  std::unique_ptr<BoardLock> taken;
  auto try_take = [&](const std::string& name) -> Status {
    auto lock = BoardLock::Acquire(session->lab.state_dir, name, Nanos(0), cancel);
    if (!lock.ok()) {
      if (lock.status().code() != Status::Code::kLabFailure) return lock.status();
      // The hint is about --board; the caller says what waiting means here.
      std::string why = lock.status().message();
      const std::string hint = "; use --wait DURATION to queue";
      if (auto at = why.find(hint); at != std::string::npos) why.erase(at, hint.size());
      return Status::LabFailure(why);
    }
    taken = std::move(*lock);
    return Status::Ok();
  };
  const auto deadline = std::chrono::steady_clock::now() + wait;
  bool said_waiting = false;
  for (;;) {
    auto picked = PickBoard(entries, "", choice.type, try_take);
    if (picked.ok()) {
      auto board = session->lab.FindBoard(*picked);
      if (!board.ok()) return board.status();
      session->board = *board;
      session->lock = std::move(taken);
      return session;
    }
    if (picked.status().code() != Status::Code::kLabFailure) return picked.status();
    if (cancel && cancel->load()) {
      return Status::Cancelled("cancelled while waiting for a board of type '" + choice.type + "'");
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::LabFailure(
          picked.status().message() +
          (wait.count() > 0 ? fmt::format("\nwaited {:g} s for one to free up", ToSeconds(wait))
                            : std::string("\nuse --wait DURATION to queue for the first to free up")));
    }
    if (!said_waiting && progress) {
      *progress << fmt::format("hilt: every board of type '{}' is busy; waiting up to {:g} s for one\n",
                               choice.type, ToSeconds(wait));
      said_waiting = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::string UtcStamp() { return FormatUtc(std::time(nullptr), "%Y%m%dT%H%M%SZ"); }

}  // namespace hilt
