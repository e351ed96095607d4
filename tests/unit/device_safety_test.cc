#include "harness/devices/device_safety.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "harness/core/exit_code.h"

namespace hilt {
namespace {

namespace fs = std::filesystem;

// Builds fake /proc and /sys trees shaped like the kernel's.
class DeviceSafetyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hilt-safety-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    roots_.proc = dir_ + "/proc";
    roots_.sys = dir_ + "/sys";
    fs::create_directories(roots_.proc + "/self");
    fs::create_directories(roots_.sys + "/class/block");
    Write(roots_.proc + "/swaps", "Filename\tType\tSize\tUsed\tPriority\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void Write(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
  }
  std::string Block(const std::string& name) { return roots_.sys + "/class/block/" + name; }
  void Disk(const std::string& name, const std::string& dev) { Write(Block(name) + "/dev", dev + "\n"); }
  void Partition(const std::string& disk, const std::string& name, const std::string& dev) {
    Disk(name, dev);
    Write(Block(name) + "/partition", "1\n");
    Write(Block(disk) + "/" + name + "/partition", "1\n");  // as sysfs nests them
  }
  void Holder(const std::string& lower, const std::string& upper) {
    Write(Block(lower) + "/holders/" + upper, "");
    Write(Block(upper) + "/slaves/" + lower, "");
  }
  void Mounts(const std::string& lines) { Write(roots_.proc + "/self/mountinfo", lines); }
  static std::string Mount(const std::string& dev, const std::string& at, const std::string& source) {
    return "30 1 " + dev + " / " + at + " rw,relatime shared:1 - ext4 " + source + " rw\n";
  }

  // A typical machine: / on sda1; sdb1 mounted; sdb2 under a mounted dm;
  // sdc1 is swap; sdd is free.
  void TypicalMachine() {
    Disk("sda", "8:0");
    Partition("sda", "sda1", "8:1");
    Partition("sda", "sda2", "8:2");
    Disk("sdb", "8:16");
    Partition("sdb", "sdb1", "8:17");
    Partition("sdb", "sdb2", "8:18");
    Disk("dm-0", "253:0");
    Write(Block("dm-0") + "/dm/name", "secret\n");
    Holder("sdb2", "dm-0");
    Disk("sdc", "8:32");
    Partition("sdc", "sdc1", "8:33");
    Disk("sdd", "8:48");
    Mounts(Mount("8:1", "/", "/dev/sda1") + Mount("8:17", "/media/my\\040card", "/dev/sdb1") +
           Mount("253:0", "/mnt/crypt", "/dev/mapper/secret") + Mount("0:22", "/proc", "proc"));
    Write(roots_.proc + "/swaps",
          "Filename\tType\tSize\tUsed\tPriority\n/dev/sdc1\tpartition\t1024\t0\t-2\n");
  }

  std::string dir_;
  SystemRoots roots_;
};

TEST_F(DeviceSafetyTest, FreeDiskPasses) {
  TypicalMachine();
  EXPECT_TRUE(CheckNotInUse({8, 48}, "/dev/sdd", roots_).ok());
  EXPECT_TRUE(CheckNotRootDisk({8, 48}, "/dev/sdd", roots_).ok());
}

TEST_F(DeviceSafetyTest, DiskWithMountedPartitionIsRefused) {
  TypicalMachine();
  Status s = CheckNotInUse({8, 16}, "/dev/sdb", roots_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(ExitCodeFor(s), kExitBadInput);
  EXPECT_NE(s.message().find("sdb1 (8:17) is mounted on /media/my card"), std::string::npos)
      << s.message();
}

TEST_F(DeviceSafetyTest, PartitionUnderMountedDeviceMapperIsRefused) {
  TypicalMachine();
  Status s = CheckNotInUse({8, 18}, "/dev/sdb2", roots_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("dm-0"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("/mnt/crypt"), std::string::npos);
}

TEST_F(DeviceSafetyTest, SwapPartitionIsRefused) {
  TypicalMachine();
  Status s = CheckNotInUse({8, 32}, "/dev/sdc", roots_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("swap"), std::string::npos) << s.message();
}

TEST_F(DeviceSafetyTest, MountBySourceCatchesAnonymousDeviceNumbers) {
  TypicalMachine();
  Mounts(Mount("8:1", "/", "/dev/sda1") + Mount("0:45", "/srv", "/dev/sdd"));  // btrfs style
  EXPECT_FALSE(CheckNotInUse({8, 48}, "/dev/sdd", roots_).ok());
}

TEST_F(DeviceSafetyTest, RootDiskAndItsPartitionsAreRefused) {
  TypicalMachine();
  for (DevNum dev : {DevNum{8, 0}, DevNum{8, 1}, DevNum{8, 2}}) {
    Status s = CheckNotRootDisk(dev, "/dev/x", roots_);
    ASSERT_FALSE(s.ok()) << dev.ToString();
    EXPECT_NE(s.message().find("root file system"), std::string::npos);
  }
  EXPECT_TRUE(CheckNotRootDisk({8, 16}, "/dev/sdb", roots_).ok());
}

TEST_F(DeviceSafetyTest, RootThroughDeviceMapperFindsTheDisk) {
  Disk("nvme0n1", "259:0");
  Partition("nvme0n1", "nvme0n1p2", "259:2");
  Disk("dm-1", "253:1");
  Holder("nvme0n1p2", "dm-1");
  Mounts(Mount("253:1", "/", "/dev/mapper/vg-root"));
  EXPECT_FALSE(CheckNotRootDisk({259, 0}, "/dev/nvme0n1", roots_).ok());
}

TEST_F(DeviceSafetyTest, RootOnLoopFileFindsTheDiskHoldingTheFile) {
  Disk("sde", "8:64");
  Partition("sde", "sde1", "8:65");
  Disk("loop0", "7:0");
  Write(Block("loop0") + "/loop/backing_file", "/media/usb/rootfs.img\n");
  Disk("loop1", "7:1");
  Mounts(Mount("7:0", "/", "/dev/loop0") + Mount("8:65", "/media/usb", "/dev/sde1"));
  EXPECT_FALSE(CheckNotRootDisk({8, 64}, "/dev/sde", roots_).ok());
  EXPECT_FALSE(CheckNotRootDisk({7, 0}, "/dev/loop0", roots_).ok());
  EXPECT_TRUE(CheckNotRootDisk({7, 1}, "/dev/loop1", roots_).ok());
}

TEST_F(DeviceSafetyTest, UnreadableMountTableRefuses) {
  TypicalMachine();
  fs::remove(roots_.proc + "/self/mountinfo");
  Status s = CheckNotInUse({8, 48}, "/dev/sdd", roots_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kInvalidInput);
}

TEST_F(DeviceSafetyTest, AllowListMatchesPathOrAlias) {
  const std::string file = dir_ + "/card";
  Write(file, "x");
  fs::create_symlink(file, dir_ + "/by-id");
  EXPECT_TRUE(CheckAllowed(file, {{file}, false}).ok());
  EXPECT_TRUE(CheckAllowed(file, {{dir_ + "/by-id"}, false}).ok());
  Status s = CheckAllowed(file, {{dir_ + "/other"}, false});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("allow-list"), std::string::npos);
  EXPECT_FALSE(CheckAllowed(file, {{}, false}).ok());
  EXPECT_TRUE(CheckAllowed(file, {{}, true}).ok());  // --force
}

TEST_F(DeviceSafetyTest, RegularFilesNewFilesAndDevTypos) {
  EXPECT_TRUE(CheckFlashTarget(dir_ + "/new.img", {}, roots_).ok());
  Write(dir_ + "/old.img", "x");
  EXPECT_TRUE(CheckFlashTarget(dir_ + "/old.img", {}, roots_).ok());
  Status typo = CheckFlashTarget("/dev/sdzz9", {{}, true}, roots_);
  EXPECT_EQ(typo.code(), Status::Code::kNotFound);
  Status chr = CheckFlashTarget("/dev/null", {{}, true}, roots_);
  EXPECT_EQ(chr.code(), Status::Code::kInvalidInput);
}

}  // namespace
}  // namespace hilt
