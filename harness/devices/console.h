// Console: the board's UART as a byte stream, whatever carries it (a USB
// serial adapter, a pty, a unix or TCP socket from QEMU or ser2net).
#ifndef HILT_DEVICES_CONSOLE_H_
#define HILT_DEVICES_CONSOLE_H_

#include <chrono>
#include <string>
#include <string_view>

#include "harness/core/status.h"
#include "harness/core/timestamp.h"

namespace hilt {

class Console {
 public:
  virtual ~Console() = default;

  virtual Status Open() = 0;
  // Appends to `out` what arrives within `timeout` (at least one byte, or
  // none when the timeout passes). LabFailure when the device is gone: the
  // caller may Close and Open again.
  virtual Status Read(std::string* out, Nanos timeout) = 0;
  // Writes all of `bytes` or fails.
  virtual Status Write(std::string_view bytes) = 0;
  virtual void Close() = 0;
  // From another thread: makes the Read in progress, or the next one, return
  // at once (with what is already pending, if anything). For stopping the
  // capture without waiting out its read timeout. Default: nothing, and the
  // stop waits for the Read's timeout.
  virtual void Interrupt() {}
  // How long a byte the board sent may still be on its way after it left the
  // board: at the end of a run the capture reads until the console has been
  // quiet this long. Default: the latency timer of a USB serial adapter,
  // which holds bytes up to 16 ms (FTDI's default) before sending them on.
  virtual Nanos DeliveryLag() const { return std::chrono::milliseconds(20); }
  // For messages: "serial /dev/ttyUSB0 115200 8N1", "socket unix:/run/q.sock".
  virtual std::string Describe() const = 0;
};

}  // namespace hilt

#endif  // HILT_DEVICES_CONSOLE_H_
