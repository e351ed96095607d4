// LabSession: what every lab command does first — load the lab config,
// pick the board, take its lock — so `hilt run`, `hilt power`, `hilt mux`
// and `hilt console` agree on all of it and never fight over a board.
#ifndef HILT_RUNNER_LAB_SESSION_H_
#define HILT_RUNNER_LAB_SESSION_H_

#include <atomic>
#include <memory>
#include <ostream>
#include <string>

#include "harness/runner/board_lock.h"
#include "harness/runner/lab_config.h"

namespace hilt {

struct LabSession {
  LabConfig lab;
  const BoardConfig* board = nullptr;
  std::unique_ptr<BoardLock> lock;
  // Set when the last holder died without its cleanup: who it was, and how
  // many processes it had left that were ended (leftovers.h). The board may
  // be powered: `hilt run` powers it off and moves the card to the host first.
  std::string recover_from;
};

// Loads `lab_path`, finds `board_name` (empty: the only board) and locks it,
// waiting up to `wait`; ends what a dead previous holder left running and
// marks this process's children as the new holder's (leftovers.h). InvalidInput (exit 2) for config mistakes,
// LabFailure (exit 3) when the board stays busy.
StatusOr<std::unique_ptr<LabSession>> OpenLabSession(const std::string& lab_path,
                                                     const std::string& board_name, Nanos wait,
                                                     const std::atomic<bool>* cancel);

// Which board a command wants: `name` (that one), else the first free board
// of `type`, else (both empty) the lab's only board.
struct BoardChoice {
  std::string name;
  std::string type;
};

// The same with a choice of board. With a type, each board of the type is
// tried in the lab config's order without waiting and the first free one is
// taken; when all are busy it polls until one frees up or `wait` has passed
// (then LabFailure naming every holder), saying once on `progress` that it
// waits. Cancelled when *cancel becomes true.
StatusOr<std::unique_ptr<LabSession>> OpenLabSession(const std::string& lab_path,
                                                     const BoardChoice& choice, Nanos wait,
                                                     const std::atomic<bool>* cancel,
                                                     std::ostream* progress = nullptr);

// "20240501T101500Z": UTC, sortable, safe in file names.
std::string UtcStamp();

}  // namespace hilt

#endif  // HILT_RUNNER_LAB_SESSION_H_
