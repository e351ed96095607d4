#include "harness/devices/serial_console.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "harness/devices/command_runner.h"

namespace hilt {
namespace {

using namespace std::chrono_literals;

bool ShimLoaded() { return dlsym(RTLD_DEFAULT, "hilt_pty_shim_loaded") != nullptr; }

std::string ShimPath() { return std::string(HILT_BINARY_DIR) + "/lib/libhilt_pty_shim.so"; }

// Under ASan the sanitizer runtime must be first in LD_PRELOAD.
std::string AsanRuntime() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    size_t at = line.find('/');
    if (at != std::string::npos && line.find("libasan.so") != std::string::npos) return line.substr(at);
  }
  return "";
}

class Pty {
 public:
  Pty() {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master_ >= 0 && ::grantpt(master_) == 0 && ::unlockpt(master_) == 0) slave_ = ::ptsname(master_);
  }
  ~Pty() { CloseMaster(); }
  void CloseMaster() {
    if (master_ >= 0) ::close(master_);
    master_ = -1;
  }
  int master() const { return master_; }
  const std::string& slave() const { return slave_; }
  std::string ReadMaster(size_t n) {
    std::string got;
    while (got.size() < n) {
      pollfd p{master_, POLLIN, 0};
      if (::poll(&p, 1, 2000) <= 0) break;
      char buf[256];
      ssize_t r = ::read(master_, buf, sizeof buf);
      if (r <= 0) break;
      got.append(buf, static_cast<size_t>(r));
    }
    return got;
  }

 private:
  int master_ = -1;
  std::string slave_;
};

TEST(SerialConsoleTest, MissingDeviceSaysSo) {
  SerialConsole console("/dev/hilt-no-such-uart", 115200);
  Status s = console.Open();
  EXPECT_EQ(s.code(), Status::Code::kLabFailure);
  EXPECT_NE(s.message().find("serial /dev/hilt-no-such-uart 115200 8N1: no such device"), std::string::npos)
      << s.message();
  std::string out;
  EXPECT_EQ(console.Read(&out, 1ms).code(), Status::Code::kLabFailure);
}

TEST(SerialConsoleTest, RegularFileIsNotASerialPort) {
  auto path = std::filesystem::temp_directory_path() / "hilt_not_a_tty";
  std::ofstream(path) << "x";
  SerialConsole console(path.string(), 115200);
  Status s = console.Open();
  EXPECT_EQ(s.code(), Status::Code::kLabFailure);
  EXPECT_NE(s.message().find(path.string()), std::string::npos);
}

// Runs the real libserialport over a pty. Without the shim (normal runs) the
// test re-runs itself in a child with the shim preloaded.
TEST(SerialConsoleTest, ReadsWritesAndNoticesHangupOverAPty) {
  if (!ShimLoaded()) {
    if (!std::filesystem::exists(ShimPath())) GTEST_SKIP() << "pty shim not built: " << ShimPath();
    std::string preload = ShimPath();
    std::string asan = AsanRuntime();
    if (!asan.empty()) preload = asan + ":" + preload;
    CommandSpec spec{{"/proc/self/exe", "--gtest_filter=SerialConsoleTest.ReadsWritesAndNoticesHangupOverAPty"}};
    spec.argv[0] = std::filesystem::read_symlink("/proc/self/exe").string();
    spec.env["LD_PRELOAD"] = preload;
    spec.timeout = 30s;
    auto r = RunCommand(spec);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->exit_code, 0) << r->output_tail;
    EXPECT_NE(r->output_tail.find("[  PASSED  ] 1 test"), std::string::npos) << r->output_tail;
    return;
  }
  Pty pty;
  ASSERT_GE(pty.master(), 0);
  SerialConsole console(pty.slave(), 3000000);
  ASSERT_TRUE(console.Open().ok()) << console.Open().ToString();
  EXPECT_EQ(console.Describe(), "serial " + pty.slave() + " 3000000 8N1");

  const std::string boot = "F0: 102B 0000\r\nV0: 0000 0000\r\n\x1b[0m\xff\x00 raw bytes";
  ASSERT_EQ(::write(pty.master(), boot.data(), boot.size()), static_cast<ssize_t>(boot.size()));
  std::string got;
  for (int i = 0; i < 100 && got.size() < boot.size(); ++i) ASSERT_TRUE(console.Read(&got, 100ms).ok());
  EXPECT_EQ(got, boot);  // raw mode: no CR/LF translation, no byte dropped

  ASSERT_TRUE(console.Write("version\n").ok());
  EXPECT_EQ(pty.ReadMaster(8), "version\n");

  std::string none;
  ASSERT_TRUE(console.Read(&none, 20ms).ok());
  EXPECT_TRUE(none.empty());

  pty.CloseMaster();  // the adapter goes away
  Status gone = Status::Ok();
  for (int i = 0; i < 10 && gone.ok(); ++i) gone = console.Read(&none, 100ms);
  EXPECT_EQ(gone.code(), Status::Code::kLabFailure);
  EXPECT_NE(gone.message().find("device gone"), std::string::npos) << gone.message();
}

}  // namespace
}  // namespace hilt
