#include "harness/devices/socket_console.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include <fmt/format.h>

namespace hilt {
namespace {

bool Retryable(int err) { return err == ENOENT || err == ECONNREFUSED || err == EAGAIN; }

int PollMillis(Nanos timeout) {
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(timeout).count();
  return ms < 0 ? 0 : static_cast<int>(std::min<int64_t>(ms, 1 << 30));
}

}  // namespace

StatusOr<SocketAddress> SocketAddress::Parse(const std::string& text) {
  SocketAddress a;
  if (text.rfind("unix:", 0) == 0) {
    a.kind = Kind::kUnix;
    a.path = text.substr(5);
    if (a.path.empty()) return Status::InvalidInput("socket address 'unix:' needs a path");
    if (a.path.size() >= sizeof(sockaddr_un{}.sun_path)) {
      return Status::InvalidInput(fmt::format("unix socket path too long (max {}): {}",
                                              sizeof(sockaddr_un{}.sun_path) - 1, a.path));
    }
    return a;
  }
  if (text.rfind("tcp:", 0) == 0) {
    a.kind = Kind::kTcp;
    std::string rest = text.substr(4);
    size_t colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return Status::InvalidInput(fmt::format("socket address '{}' must be tcp:HOST:PORT", text));
    }
    a.host = rest.substr(0, colon);
    if (a.host.size() > 2 && a.host.front() == '[' && a.host.back() == ']') {
      a.host = a.host.substr(1, a.host.size() - 2);
    }
    std::string port = rest.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port) < 1 || std::stoi(port) > 65535) {
      return Status::InvalidInput(fmt::format("socket address '{}': port must be 1..65535", text));
    }
    a.port = std::stoi(port);
    return a;
  }
  return Status::InvalidInput(
      fmt::format("socket address '{}' must start with unix: or tcp: (unix:/run/q.sock, tcp:host:2000)", text));
}

std::string SocketAddress::ToString() const {
  if (kind == Kind::kUnix) return "unix:" + path;
  if (host.find(':') != std::string::npos) return fmt::format("tcp:[{}]:{}", host, port);
  return fmt::format("tcp:{}:{}", host, port);
}

SocketConsole::SocketConsole(SocketAddress address, Nanos connect_timeout, bool started_by_power)
    : address_(std::move(address)), connect_timeout_(connect_timeout), started_by_power_(started_by_power) {}

SocketConsole::~SocketConsole() { Close(); }

Nanos SocketConsole::DeliveryLag() const {
  return address_.kind == SocketAddress::Kind::kUnix ? Nanos{0} : Console::DeliveryLag();
}

std::string SocketConsole::Describe() const { return "socket " + address_.ToString(); }

// One attempt. Errors worth retrying (nobody listening yet) keep errno.
Status SocketConsole::TryConnect() {
  if (address_.kind == SocketAddress::Kind::kUnix) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Status::LabFailure(fmt::format("socket: {}", std::strerror(errno)));
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, address_.path.c_str(), address_.path.size() + 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
      int err = errno;
      ::close(fd);
      errno = err;
      return Status::LabFailure(std::strerror(err));
    }
    fd_ = fd;
    ever_connected_ = true;
    return Status::Ok();
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(address_.host.c_str(), std::to_string(address_.port).c_str(), &hints, &res);
  if (rc != 0) {
    errno = 0;
    return Status::LabFailure(fmt::format("cannot resolve {}: {}", address_.host, ::gai_strerror(rc)));
  }
  int last_err = ECONNREFUSED;
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_err = errno;
      continue;
    }
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
      ::freeaddrinfo(res);
      fd_ = fd;
      ever_connected_ = true;
      return Status::Ok();
    }
    last_err = errno;
    ::close(fd);
  }
  ::freeaddrinfo(res);
  errno = last_err;
  return Status::LabFailure(std::strerror(last_err));
}

Status SocketConsole::Open() {
  Close();
  if (started_by_power_) {
    Status s = TryConnect();
    if (s.ok()) return s;
    int err = errno;
    if (Retryable(err) && !ever_connected_ && !expired_) {
      pending_ = true;
      pending_deadline_ = std::chrono::steady_clock::now() + connect_timeout_;
      return Status::Ok();
    }
    return Status::LabFailure(fmt::format("cannot connect to console {}: {}", address_.ToString(), s.message()));
  }
  auto deadline = std::chrono::steady_clock::now() + connect_timeout_;
  auto backoff = std::chrono::milliseconds(10);
  for (;;) {
    Status s = TryConnect();
    if (s.ok()) return s;
    int err = errno;
    if (ever_connected_) {
      return Status::LabFailure(fmt::format("cannot reconnect to console {}: {}", address_.ToString(), s.message()));
    }
    if (!Retryable(err) || std::chrono::steady_clock::now() >= deadline) {
      return Status::LabFailure(fmt::format("cannot connect to console {}: {}{}", address_.ToString(),
                                            s.message(),
                                            Retryable(err) ? fmt::format(" (retried for {:.1f}s)",
                                                                         ToSeconds(connect_timeout_))
                                                           : ""));
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(200));
  }
}

Status SocketConsole::ConnectPending(Nanos timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    Status s = TryConnect();
    if (s.ok()) {
      pending_ = false;
      return s;
    }
    int err = errno;
    auto now = std::chrono::steady_clock::now();
    if (!Retryable(err) || now >= pending_deadline_) {
      pending_ = false;
      expired_ = Retryable(err);
      return Status::LabFailure(fmt::format(
          "cannot connect to console {}: {}{}", address_.ToString(), s.message(),
          Retryable(err) ? fmt::format(" ({:.1f}s after the console was opened; did power on start its server?)",
                                       ToSeconds(connect_timeout_))
                         : ""));
    }
    if (now >= end) return Status::Ok();
    // Short steps: the guest waits for us, so every ms here is boot time.
    // The step is a poll on the wake-up, so an Interrupt ends the wait.
    pollfd wake{wake_.fd(), POLLIN, 0};
    if (::poll(&wake, 1, 1) > 0) {
      wake_.Consume();
      return Status::Ok();
    }
  }
}

Status SocketConsole::Read(std::string* out, Nanos timeout) {
  if (pending_) {
    auto start = std::chrono::steady_clock::now();
    HILT_RETURN_IF_ERROR(ConnectPending(timeout));
    if (pending_) return Status::Ok();
    timeout -= std::chrono::duration_cast<Nanos>(std::chrono::steady_clock::now() - start);
    if (timeout < Nanos{0}) timeout = Nanos{0};
  }
  if (fd_ < 0) return Status::LabFailure(Describe() + " is not open");
  pollfd pfds[2] = {{fd_, POLLIN, 0}, {wake_.fd(), POLLIN, 0}};
  int ready = ::poll(pfds, 2, PollMillis(timeout));
  if (ready < 0) {
    if (errno == EINTR) return Status::Ok();
    return Status::LabFailure(fmt::format("{}: poll: {}", Describe(), std::strerror(errno)));
  }
  if (pfds[1].revents & POLLIN) wake_.Consume();  // interrupted: still take what is there
  if (pfds[0].revents == 0) return Status::Ok();
  char buf[16384];
  ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n < 0) {
    if (errno == EINTR || errno == EAGAIN) return Status::Ok();
    return Status::LabFailure(fmt::format("{}: {}", Describe(), std::strerror(errno)));
  }
  if (n == 0) return Status::LabFailure(fmt::format("{}: closed by the other end", Describe()));
  out->append(buf, static_cast<size_t>(n));
  return Status::Ok();
}

Status SocketConsole::Write(std::string_view bytes) {
  if (pending_) return Status::LabFailure(Describe() + " is not connected yet (its server has not started)");
  if (fd_ < 0) return Status::LabFailure(Describe() + " is not open");
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::LabFailure(fmt::format("{}: write: {}", Describe(), std::strerror(errno)));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

void SocketConsole::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  pending_ = false;
}

}  // namespace hilt
