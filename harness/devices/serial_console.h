// SerialConsole: the board's UART through a serial device (USB adapter,
// /dev/ttyUSB0 or a udev name such as /dev/hilt/bpi-r4-uart), via
// libserialport: 8N1, no flow control, the given baud rate.
#ifndef HILT_DEVICES_SERIAL_CONSOLE_H_
#define HILT_DEVICES_SERIAL_CONSOLE_H_

#include <string>

#include "harness/devices/console.h"
#include "harness/devices/wake_fd.h"

struct sp_port;

namespace hilt {

class SerialConsole final : public Console {
 public:
  SerialConsole(std::string path, int baud);
  ~SerialConsole() override;
  SerialConsole(const SerialConsole&) = delete;
  SerialConsole& operator=(const SerialConsole&) = delete;

  // LabFailure with the cause a person can act on: no such device, permission
  // denied (group dialout), busy (another program holds it).
  Status Open() override;
  // LabFailure when the device went away (unplugged adapter, closed pty).
  Status Read(std::string* out, Nanos timeout) override;
  Status Write(std::string_view bytes) override;
  void Close() override;
  void Interrupt() override { wake_.Signal(); }
  std::string Describe() const override;

 private:
  std::string path_;
  int baud_;
  sp_port* port_ = nullptr;
  WakeFd wake_;
};

}  // namespace hilt

#endif  // HILT_DEVICES_SERIAL_CONSOLE_H_
