// BoardLock: one run per board at a time, across processes and users of a
// lab host. An flock on <state-dir>/locks/<board>.lock; the kernel drops it
// when the holder dies however it dies, so a crashed hilt never leaves a
// board locked. The file holds the holder's pid, host and start time so a
// refused run can say who has the board.
#ifndef HILT_RUNNER_BOARD_LOCK_H_
#define HILT_RUNNER_BOARD_LOCK_H_

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <string>

#include "harness/core/status.h"
#include "harness/core/timestamp.h"

namespace hilt {

class BoardLock {
 public:
  // Takes the lock of `board` under `state_dir`, waiting up to `wait` (0: do
  // not wait) while another process holds it. LabFailure when it stays busy:
  // "board 'sim' is in use by pid 1234 on host lab1 since 2024-…Z". Stops
  // waiting early, Cancelled, when *cancel becomes true.
  static StatusOr<std::unique_ptr<BoardLock>> Acquire(const std::string& state_dir,
                                                      const std::string& board, Nanos wait,
                                                      const std::atomic<bool>* cancel = nullptr);
  ~BoardLock();
  BoardLock(const BoardLock&) = delete;
  BoardLock& operator=(const BoardLock&) = delete;

  const std::string& path() const { return path_; }
  // Who held the board last and died without releasing it cleanly ("pid
  // 1234 on host lab1 since …"); empty when the last holder ended normally.
  // The board may then be powered, its card on the board side.
  const std::string& stale_holder() const { return stale_holder_; }
  // Its pid, 0 when unknown or not stale.
  pid_t stale_pid() const { return stale_pid_; }

 private:
  BoardLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
  std::string stale_holder_;
  pid_t stale_pid_ = 0;
};

}  // namespace hilt

#endif  // HILT_RUNNER_BOARD_LOCK_H_
