#include "harness/devices/socket_console.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <thread>

namespace hilt {
namespace {

using namespace std::chrono_literals;

TEST(SocketAddressTest, Parses) {
  auto u = SocketAddress::Parse("unix:/run/qemu.sock");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->path, "/run/qemu.sock");
  auto t = SocketAddress::Parse("tcp:lab-ser2net:2001");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->host, "lab-ser2net");
  EXPECT_EQ(t->port, 2001);
  auto v6 = SocketAddress::Parse("tcp:[::1]:3000");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->ToString(), "tcp:[::1]:3000");
  for (const char* bad : {"", "serial:/dev/x", "unix:", "tcp:host", "tcp:host:0", "tcp:host:99999",
                          "tcp::22", "tcp:h:2x"}) {
    auto r = SocketAddress::Parse(bad);
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidInput) << bad;
  }
}

int ListenUnix(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
  ::unlink(path.c_str());
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(fd, 1) != 0) return -1;
  return fd;
}

std::string SockPath() {
  return (std::filesystem::temp_directory_path() / ("hilt_sock_" + std::to_string(::getpid()))).string();
}

TEST(SocketConsoleTest, ConnectsToAServerThatStartsLateAndTalks) {
  std::string path = SockPath();
  ::unlink(path.c_str());
  int conn = -1;
  std::thread server([&] {
    std::this_thread::sleep_for(150ms);  // QEMU still starting
    int lfd = ListenUnix(path);
    conn = ::accept(lfd, nullptr, nullptr);
    ::close(lfd);
    const char boot[] = "U-Boot 2024.04\r\nBPI-R4> ";
    (void)!::write(conn, boot, sizeof boot - 1);
  });
  SocketConsole console(*SocketAddress::Parse("unix:" + path), 5s);
  Status s = console.Open();
  ASSERT_TRUE(s.ok()) << s.ToString();
  server.join();
  std::string got;
  for (int i = 0; i < 50 && got.size() < 24; ++i) ASSERT_TRUE(console.Read(&got, 100ms).ok());
  EXPECT_EQ(got, "U-Boot 2024.04\r\nBPI-R4> ");
  ASSERT_TRUE(console.Write("version\n").ok());
  char buf[16] = {};
  EXPECT_EQ(::read(conn, buf, sizeof buf), 8);
  EXPECT_STREQ(buf, "version\n");
  ::close(conn);  // the server goes away
  Status gone = console.Read(&got, 1s);
  EXPECT_EQ(gone.code(), Status::Code::kLabFailure);
  EXPECT_NE(gone.message().find("closed by the other end"), std::string::npos);
  ::unlink(path.c_str());
}

TEST(SocketConsoleTest, GivesUpAtTheDeadlineNamingTheAddress) {
  SocketConsole console(*SocketAddress::Parse("unix:/nonexistent/hilt.sock"), 100ms);
  auto t0 = std::chrono::steady_clock::now();
  Status s = console.Open();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_EQ(s.code(), Status::Code::kLabFailure);
  EXPECT_NE(s.message().find("unix:/nonexistent/hilt.sock"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("retried"), std::string::npos) << s.message();
}

// QEMU started by power on, after the console was opened: the open succeeds
// without a server, and the first read connects as soon as it appears.
TEST(SocketConsoleTest, StartedByPowerConnectsOnReadOnceTheServerAppears) {
  std::string path = SockPath() + "_power";
  ::unlink(path.c_str());
  SocketConsole console(*SocketAddress::Parse("unix:" + path), 5s, /*started_by_power=*/true);
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(console.Open().ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 100ms) << "Open() must not wait for the server";
  std::string got;
  ASSERT_TRUE(console.Read(&got, 20ms).ok());
  EXPECT_TRUE(got.empty());
  Status w = console.Write("x");
  EXPECT_EQ(w.code(), Status::Code::kLabFailure);
  EXPECT_NE(w.message().find("not connected yet"), std::string::npos) << w.message();
  std::thread server([&] {
    int lfd = ListenUnix(path);  // QEMU's -chardev socket,server=on,wait=on
    int conn = ::accept(lfd, nullptr, nullptr);
    ::close(lfd);
    (void)!::write(conn, "NOTICE:  Booting Trusted Firmware\r\n", 35);
    ::close(conn);
  });
  for (int i = 0; i < 100 && got.size() < 35; ++i) ASSERT_TRUE(console.Read(&got, 50ms).ok());
  server.join();
  EXPECT_EQ(got, "NOTICE:  Booting Trusted Firmware\r\n");
  ::unlink(path.c_str());
}

TEST(SocketConsoleTest, StartedByPowerFailsWhenTheServerNeverComes) {
  SocketConsole console(*SocketAddress::Parse("unix:/nonexistent/hilt-power.sock"), 100ms, true);
  ASSERT_TRUE(console.Open().ok());
  Status s;
  std::string got;
  auto t0 = std::chrono::steady_clock::now();
  while (s.ok() && std::chrono::steady_clock::now() - t0 < 2s) s = console.Read(&got, 30ms);
  EXPECT_EQ(s.code(), Status::Code::kLabFailure);
  EXPECT_NE(s.message().find("did power on start its server"), std::string::npos) << s.message();
  // Reopening (as the capture does) is a real attempt now, not a new wait.
  console.Close();
  EXPECT_EQ(console.Open().code(), Status::Code::kLabFailure);
}

TEST(SocketConsoleTest, TcpLoopback) {
  int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(lfd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(::listen(lfd, 1), 0);
  socklen_t len = sizeof sa;
  ::getsockname(lfd, reinterpret_cast<sockaddr*>(&sa), &len);
  int port = ntohs(sa.sin_port);
  SocketConsole console(*SocketAddress::Parse("tcp:127.0.0.1:" + std::to_string(port)), 1s);
  ASSERT_TRUE(console.Open().ok());
  int conn = ::accept(lfd, nullptr, nullptr);
  (void)!::write(conn, "NOTICE", 6);
  std::string got;
  for (int i = 0; i < 20 && got.size() < 6; ++i) ASSERT_TRUE(console.Read(&got, 100ms).ok());
  EXPECT_EQ(got, "NOTICE");
  EXPECT_EQ(console.Describe(), "socket tcp:127.0.0.1:" + std::to_string(port));
  ::close(conn);
  ::close(lfd);
}

TEST(SocketConsoleTest, AReopenAfterTheServerWentAwayTriesOnce) {
  // The capture thread reopens with its own back-off and must stay stoppable:
  // a reopen may not sit in the 10 s first-connect retry.
  std::string path = SockPath() + "_reopen";
  int lfd = ListenUnix(path);
  ASSERT_GE(lfd, 0);
  SocketConsole console(*SocketAddress::Parse("unix:" + path), 10s);
  ASSERT_TRUE(console.Open().ok());
  ::close(lfd);
  ::unlink(path.c_str());  // the adapter re-enumerates: no endpoint for now
  console.Close();
  auto start = std::chrono::steady_clock::now();
  Status s = console.Open();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cannot reconnect"), std::string::npos) << s.message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST(SocketConsoleTest, InterruptCutsAReadShortAndKeepsWhatIsPending) {
  std::string path = SockPath() + "_wake";
  int lfd = ListenUnix(path);
  ASSERT_GE(lfd, 0);
  SocketConsole console(*SocketAddress::Parse("unix:" + path), 5s);
  ASSERT_TRUE(console.Open().ok());
  int conn = ::accept(lfd, nullptr, nullptr);
  std::string got;
  // A quiet console: the read would block its 30 s but for the wake-up.
  std::thread waker([&] {
    std::this_thread::sleep_for(50ms);
    console.Interrupt();
  });
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(console.Read(&got, 30s).ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  waker.join();
  EXPECT_EQ(got, "");
  // Interrupted with bytes waiting: they are returned, not dropped.
  (void)!::write(conn, "=> ", 3);
  std::this_thread::sleep_for(20ms);
  console.Interrupt();
  ASSERT_TRUE(console.Read(&got, 30s).ok());
  EXPECT_EQ(got, "=> ");
  // The wake-up was consumed: the next read waits for its timeout again.
  t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(console.Read(&got, 100ms).ok());
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 90ms);
  EXPECT_EQ(console.DeliveryLag(), Nanos{0}) << "a local socket has nothing in flight";
  ::close(conn);
  ::close(lfd);
  ::unlink(path.c_str());
}

TEST(SocketConsoleTest, InterruptEndsTheWaitForAServerStartedByPower) {
  SocketConsole console(*SocketAddress::Parse("unix:/nonexistent/hilt-wake.sock"), 60s, true);
  ASSERT_TRUE(console.Open().ok());
  console.Interrupt();
  auto t0 = std::chrono::steady_clock::now();
  std::string got;
  EXPECT_TRUE(console.Read(&got, 30s).ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
}

}  // namespace
}  // namespace hilt
