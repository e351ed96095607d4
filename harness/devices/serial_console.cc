#include "harness/devices/serial_console.h"

#include <libserialport.h>
#include <poll.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace hilt {
namespace {

// libserialport keeps errno for SP_ERR_FAIL; its message is the OS's.
std::string LastSpError() {
  char* msg = sp_last_error_message();
  std::string s = msg != nullptr ? msg : "unknown error";
  sp_free_error_message(msg);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string OpenAdvice(int err) {
  switch (err) {
    case ENOENT: case ENODEV: case ENXIO:
      return "no such device (is the adapter plugged in? check the udev name with ls -l /dev/serial/by-id)";
    case EACCES: case EPERM:
      return "permission denied (add the lab user to the group that owns it, usually dialout)";
    case EBUSY:
      return "busy: another program holds it open (find it with fuser or lsof)";
    default:
      return std::strerror(err);
  }
}

}  // namespace

SerialConsole::SerialConsole(std::string path, int baud) : path_(std::move(path)), baud_(baud) {}

SerialConsole::~SerialConsole() { Close(); }

std::string SerialConsole::Describe() const { return fmt::format("serial {} {} 8N1", path_, baud_); }

Status SerialConsole::Open() {
  Close();
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0) {
    return Status::LabFailure(fmt::format("{}: {}", Describe(), OpenAdvice(errno)));
  }
  if (sp_get_port_by_name(path_.c_str(), &port_) != SP_OK) {
    port_ = nullptr;
    return Status::LabFailure(fmt::format("{}: not a serial port: {}", Describe(), LastSpError()));
  }
  errno = 0;
  if (sp_open(port_, SP_MODE_READ_WRITE) != SP_OK) {
    int err = sp_last_error_code();
    std::string detail = err != 0 ? OpenAdvice(err) : LastSpError();
    sp_free_port(port_);
    port_ = nullptr;
    return Status::LabFailure(fmt::format("{}: cannot open: {}", Describe(), detail));
  }
  sp_port_config* config = nullptr;
  bool ok = sp_new_config(&config) == SP_OK && sp_get_config(port_, config) == SP_OK &&
            sp_set_config_baudrate(config, baud_) == SP_OK &&
            sp_set_config_bits(config, 8) == SP_OK &&
            sp_set_config_parity(config, SP_PARITY_NONE) == SP_OK &&
            sp_set_config_stopbits(config, 1) == SP_OK &&
            sp_set_config_flowcontrol(config, SP_FLOWCONTROL_NONE) == SP_OK &&
            sp_set_config(port_, config) == SP_OK;
  std::string why = ok ? "" : LastSpError();
  if (config != nullptr) sp_free_config(config);
  if (!ok) {
    Close();
    return Status::LabFailure(fmt::format("{}: cannot configure: {}", Describe(), why));
  }
  return Status::Ok();
}

Status SerialConsole::Read(std::string* out, Nanos timeout) {
  if (port_ == nullptr) return Status::LabFailure(Describe() + " is not open");
  int fd = -1;
  if (sp_get_port_handle(port_, &fd) != SP_OK) return Status::LabFailure(Describe() + ": no handle");
  // Our own poll, because it tells a vanished device (POLLHUP/POLLERR, EIO)
  // from a quiet one, which libserialport's blocking read does not.
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(timeout).count();
  pollfd pfds[2] = {{fd, POLLIN, 0}, {wake_.fd(), POLLIN, 0}};
  pollfd& pfd = pfds[0];
  int ready = ::poll(pfds, 2, static_cast<int>(std::max<int64_t>(0, std::min<int64_t>(ms, 1 << 30))));
  if (ready < 0) {
    if (errno == EINTR) return Status::Ok();
    return Status::LabFailure(fmt::format("{}: poll: {}", Describe(), std::strerror(errno)));
  }
  if (pfds[1].revents & POLLIN) wake_.Consume();  // interrupted: still take what is there
  if (pfd.revents == 0) return Status::Ok();
  char buf[16384];
  int n = sp_nonblocking_read(port_, buf, sizeof buf);
  if (n < 0) return Status::LabFailure(fmt::format("{}: device gone: {}", Describe(), LastSpError()));
  if (n == 0) {
    if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) {
      return Status::LabFailure(fmt::format("{}: device gone (hang-up)", Describe()));
    }
    return Status::Ok();
  }
  out->append(buf, static_cast<size_t>(n));
  return Status::Ok();
}

Status SerialConsole::Write(std::string_view bytes) {
  if (port_ == nullptr) return Status::LabFailure(Describe() + " is not open");
  // Bounded, so a wedged adapter cannot hang the run: 1 s plus the time the
  // bytes take on the wire at 10 bits per byte.
  unsigned int ms = 1000 + static_cast<unsigned int>(bytes.size() * 10000 / std::max(baud_, 1));
  int n = sp_blocking_write(port_, bytes.data(), bytes.size(), ms);
  if (n < 0) return Status::LabFailure(fmt::format("{}: write: {}", Describe(), LastSpError()));
  if (static_cast<size_t>(n) != bytes.size()) {
    return Status::LabFailure(fmt::format("{}: write timed out after {} of {} bytes", Describe(), n,
                                          bytes.size()));
  }
  return Status::Ok();
}

void SerialConsole::Close() {
  if (port_ == nullptr) return;
  sp_close(port_);
  sp_free_port(port_);
  port_ = nullptr;
}

}  // namespace hilt
