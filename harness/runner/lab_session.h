// LabSession: what every lab command does first — load the lab config,
// pick the board, take its lock — so `hilt run`, `hilt power`, `hilt mux`
// and `hilt console` agree on all of it and never fight over a board.
#ifndef HILT_RUNNER_LAB_SESSION_H_
#define HILT_RUNNER_LAB_SESSION_H_

#include <atomic>
#include <memory>
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

// "20240501T101500Z": UTC, sortable, safe in file names.
std::string UtcStamp();

}  // namespace hilt

#endif  // HILT_RUNNER_LAB_SESSION_H_
