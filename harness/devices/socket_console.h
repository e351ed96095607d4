// SocketConsole: a console carried by a stream socket, a unix socket (QEMU's
// -serial unix:PATH,server) or TCP (ser2net, QEMU -serial tcp:...,server).
#ifndef HILT_DEVICES_SOCKET_CONSOLE_H_
#define HILT_DEVICES_SOCKET_CONSOLE_H_

#include <chrono>
#include <string>

#include "harness/devices/console.h"
#include "harness/devices/wake_fd.h"

namespace hilt {

struct SocketAddress {
  enum class Kind { kUnix, kTcp } kind = Kind::kUnix;
  std::string path;  // kUnix
  std::string host;  // kTcp
  int port = 0;      // kTcp

  // "unix:/run/qemu.sock", "tcp:localhost:2000", "tcp:[::1]:2000".
  static StatusOr<SocketAddress> Parse(const std::string& text);
  std::string ToString() const;
};

class SocketConsole final : public Console {
 public:
  // `started_by_power`: the server is started by powering the board on (a
  // QEMU whose -chardev socket,server=on,wait=on holds the guest until we
  // connect), which the runner does only after the console is open. Then the
  // first Open() succeeds without a server and Read() connects as soon as the
  // socket appears, within `connect_timeout` of that Open(); later Open()s
  // (after the server went away) make one attempt each.
  //
  // Otherwise the first Open() retries a refused or missing endpoint until
  // `connect_timeout` has passed; later ones (a reopen after the server went
  // away) try once: their caller (ConsoleCapture) retries with its own
  // back-off and must stay able to stop within a read timeout.
  explicit SocketConsole(SocketAddress address,
                         Nanos connect_timeout = std::chrono::seconds(10),
                         bool started_by_power = false);
  ~SocketConsole() override;

  Status Open() override;
  Status Read(std::string* out, Nanos timeout) override;
  Status Write(std::string_view bytes) override;
  void Close() override;
  void Interrupt() override { wake_.Signal(); }
  // A unix socket's peer is on this host (QEMU): what it wrote is in our
  // receive buffer already. Over TCP a ser2net and its UART adapter are
  // likely behind: the default.
  Nanos DeliveryLag() const override;
  std::string Describe() const override;

 private:
  Status TryConnect();
  // Read() while waiting for a server started by power: connects or waits
  // up to `timeout`; LabFailure once the deadline from Open() has passed.
  Status ConnectPending(Nanos timeout);

  SocketAddress address_;
  Nanos connect_timeout_;
  bool started_by_power_;
  bool pending_ = false;         // open, but the server is not there yet
  bool ever_connected_ = false;  // pending is only for the first connection
  bool expired_ = false;         // a pending Open() timed out
  std::chrono::steady_clock::time_point pending_deadline_{};
  int fd_ = -1;
  WakeFd wake_;
};

}  // namespace hilt

#endif  // HILT_DEVICES_SOCKET_CONSOLE_H_
