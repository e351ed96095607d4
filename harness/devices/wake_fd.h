// WakeFd: an eventfd that another thread signals to cut a poll() short. A
// console polls it beside its own descriptor, so stopping the capture does
// not wait out a read timeout. The signal is level-triggered: one sent just
// before the poll starts is not lost.
#ifndef HILT_DEVICES_WAKE_FD_H_
#define HILT_DEVICES_WAKE_FD_H_

namespace hilt {

class WakeFd {
 public:
  // Without an eventfd (fd limit reached) Signal does nothing and polls run
  // to their timeout: slower to stop, never wrong.
  WakeFd();
  ~WakeFd();
  WakeFd(const WakeFd&) = delete;
  WakeFd& operator=(const WakeFd&) = delete;

  // Thread-safe; wakes the current or the next poll on fd().
  void Signal();
  // Clears the signal (after a poll saw it).
  void Consume();
  // For pollfd; -1 when there is no eventfd (poll ignores negative fds).
  int fd() const { return fd_; }

 private:
  int fd_;
};

}  // namespace hilt

#endif  // HILT_DEVICES_WAKE_FD_H_
