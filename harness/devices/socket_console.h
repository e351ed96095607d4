// SocketConsole: a console carried by a stream socket, a unix socket (QEMU's
// -serial unix:PATH,server) or TCP (ser2net, QEMU -serial tcp:...,server).
#ifndef HILT_DEVICES_SOCKET_CONSOLE_H_
#define HILT_DEVICES_SOCKET_CONSOLE_H_

#include <chrono>
#include <string>

#include "harness/devices/console.h"

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
  // The first Open() retries a refused or missing endpoint until
  // `connect_timeout` has passed, so it can connect to a server (QEMU) that
  // is still starting. Later ones (a reopen after the server went away) try
  // once: their caller (ConsoleCapture) retries with its own back-off and
  // must stay able to stop within a read timeout.
  explicit SocketConsole(SocketAddress address,
                         Nanos connect_timeout = std::chrono::seconds(10));
  ~SocketConsole() override;

  Status Open() override;
  Status Read(std::string* out, Nanos timeout) override;
  Status Write(std::string_view bytes) override;
  void Close() override;
  std::string Describe() const override;

 private:
  Status TryConnect();

  SocketAddress address_;
  Nanos connect_timeout_;
  bool connected_once_ = false;
  int fd_ = -1;
};

}  // namespace hilt

#endif  // HILT_DEVICES_SOCKET_CONSOLE_H_
