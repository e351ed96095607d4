// Console: the board's UART as a byte stream, whatever carries it (a USB
// serial adapter, a pty, a unix or TCP socket from QEMU or ser2net).
#ifndef HILT_DEVICES_CONSOLE_H_
#define HILT_DEVICES_CONSOLE_H_

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
  // For messages: "serial /dev/ttyUSB0 115200 8N1", "socket unix:/run/q.sock".
  virtual std::string Describe() const = 0;
};

}  // namespace hilt

#endif  // HILT_DEVICES_CONSOLE_H_
