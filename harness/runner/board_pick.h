// Choosing the board of a run in a lab with several: the one named, or the
// first free board of a type. "Free" is decided by trying each candidate's
// board lock without waiting (board_lock.h), in the lab config's order, so
// several `hilt run`s started at once spread over the boards.
#ifndef HILT_RUNNER_BOARD_PICK_H_
#define HILT_RUNNER_BOARD_PICK_H_

#include <functional>
#include <string>
#include <vector>

#include "harness/core/status.h"

namespace hilt {

struct BoardEntry {
  std::string name;
  std::string type;
};

// Tries to take one board: Ok when taken (the callee keeps the lock), a
// LabFailure when it is busy; any other error stops the search.
using TryTakeBoard = std::function<Status(const std::string& name)>;

// `name` set: that board only (InvalidInput naming the boards if unknown).
// Else every board of `type` (any type when empty), first taken wins.
// LabFailure "all N boards of type T are busy: …" when none is free.
StatusOr<std::string> PickBoard(const std::vector<BoardEntry>& boards, const std::string& name,
                                const std::string& type, const TryTakeBoard& try_take);

}  // namespace hilt

#endif  // HILT_RUNNER_BOARD_PICK_H_
