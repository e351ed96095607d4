#include "harness/runner/device_factory.h"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "tests/unit/test_dir.h"

namespace hilt {
namespace {

std::filesystem::path TempDir() { return FreshTestDir("hilt_factory"); }

BoardConfig NoMuxBoard(const std::string& card) {
  BoardConfig b;
  b.name = "qemu";
  b.mux.type = "none";
  b.block_device = card;
  return b;
}

TEST(DeviceFactoryTest, NoMuxSwitchesNothing) {
  auto mux = MakeSdMux(NoMuxBoard("/tmp/x/flash.bin"), LabTimeouts{});
  ASSERT_TRUE(mux.ok()) << mux.status().ToString();
  EXPECT_TRUE((*mux)->Switch(MuxSide::kHost).ok());
  EXPECT_TRUE((*mux)->Switch(MuxSide::kDut).ok());
  EXPECT_NE((*mux)->Describe().find("/tmp/x/flash.bin"), std::string::npos);
}

// No mux command makes the card's folder any more: the flash step does.
TEST(DeviceFactoryTest, NoMuxCardIsCreatedWithItsFolder) {
  auto dir = TempDir();
  std::string card = (dir / "state" / "qemu" / "flash.bin").string();
  auto target = OpenBlockTarget(NoMuxBoard(card), 64 * 1024);
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  EXPECT_EQ(std::filesystem::file_size(card), 64u * 1024);
}

// Nothing moves the card away from the board: a symlink to anything but a
// regular file (a disk) is refused, as the loader refuses /dev paths.
TEST(DeviceFactoryTest, NoMuxRefusesACardThatIsNotARegularFile) {
  auto dir = TempDir();
  std::filesystem::create_symlink("/dev/null", dir / "card");
  auto target = OpenBlockTarget(NoMuxBoard((dir / "card").string()), 4096);
  ASSERT_FALSE(target.ok());
  EXPECT_EQ(target.status().code(), Status::Code::kInvalidInput);
  std::filesystem::create_directories(dir / "folder");
  target = OpenBlockTarget(NoMuxBoard((dir / "folder").string()), 4096);
  ASSERT_FALSE(target.ok());
  // A disk behind a symlink passes the flash target's own checks (allowed:
  // it is the lab's card) and is refused for want of a mux. Only opened if
  // the check is broken, never written.
  for (const auto& entry : std::filesystem::directory_iterator("/dev")) {
    std::error_code ec;
    if (entry.path().filename().string().rfind("loop", 0) != 0 || !entry.is_block_file(ec)) continue;
    std::filesystem::create_symlink(entry.path(), dir / "disk");
    target = OpenBlockTarget(NoMuxBoard((dir / "disk").string()), 4096);
    ASSERT_FALSE(target.ok());
    EXPECT_NE(target.status().message().find("no mux"), std::string::npos) << target.status().ToString();
    break;
  }
}

}  // namespace
}  // namespace hilt
