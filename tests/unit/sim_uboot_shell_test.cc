#include "fixtures/sim/uboot_shell.h"

#include <gtest/gtest.h>

namespace hilt::sim {
namespace {

UbootShell Shell(int bootdelay = -1, bool menu = false) {
  UbootConfig c;
  c.card_bytes = 4000ull << 20;
  c.bootdelay = bootdelay;
  c.bootmenu = menu;
  return UbootShell(c);
}

TEST(SimUbootShellTest, EchoesAndAnswersVersionLikeUboot) {
  auto sh = Shell();
  auto out = sh.Keys("version\r");
  EXPECT_EQ(out.text,
            "version\r\n\r\nU-Boot 2024.04 (Apr 02 2024 - 10:58:58 +0000)\r\n\r\n"
            "aarch64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0\r\nGNU ld (GNU Binutils for Debian) 2.40\r\nBPI-R4> ");
  EXPECT_FALSE(out.reset);
}

TEST(SimUbootShellTest, UnknownCommand) {
  auto sh = Shell();
  EXPECT_EQ(sh.Keys("frobnicate 1\r\n").text, "frobnicate 1\r\nUnknown command 'frobnicate' - try 'help'\r\nBPI-R4> ");
}

TEST(SimUbootShellTest, CtrlCInterruptsTheLine) {
  auto sh = Shell();
  EXPECT_EQ(sh.Keys("abc\x03").text, "abc<INTERRUPT>\r\nBPI-R4> ");
  // The interrupted text is gone.
  EXPECT_EQ(sh.Keys("\r").text, "\r\nBPI-R4> ");
}

TEST(SimUbootShellTest, BackspaceErases) {
  auto sh = Shell();
  EXPECT_EQ(sh.Keys("echo ax\x7f" "b\r").text, "echo ax\b \bb\r\nab\r\nBPI-R4> ");
}

TEST(SimUbootShellTest, HelpListsCommandsInUbootFormat) {
  auto sh = Shell();
  std::string text = sh.Keys("help\r").text;
  EXPECT_NE(text.find("version   - print monitor, compiler and linker version\r\n"), std::string::npos);
  EXPECT_NE(text.find("printenv  - print environment variables\r\n"), std::string::npos);
}

TEST(SimUbootShellTest, PrintenvAndSetenv) {
  auto sh = Shell();
  std::string all = sh.Keys("printenv\r").text;
  EXPECT_NE(all.find("baudrate=115200\r\n"), std::string::npos);
  EXPECT_NE(all.find("\r\nEnvironment size: "), std::string::npos);
  EXPECT_EQ(all.find("bootcmd="), std::string::npos);  // no autoboot: bootcmd unset
  sh.Keys("setenv foo bar baz\r");
  EXPECT_EQ(sh.Keys("printenv foo\r").text, "printenv foo\r\nfoo=bar baz\r\nBPI-R4> ");
  EXPECT_EQ(sh.Keys("printenv nope\r").text, "printenv nope\r\n## Error: \"nope\" not defined\r\nBPI-R4> ");
}

TEST(SimUbootShellTest, MmcInfoShowsTheCardCapacity) {
  auto sh = Shell();
  std::string text = sh.Keys("mmc info\r").text;
  EXPECT_NE(text.find("Device: mmc@11230000\r\n"), std::string::npos);
  EXPECT_NE(text.find("Capacity: 3.9 GiB\r\n"), std::string::npos);
}

TEST(SimUbootShellTest, ResetStopsTheLine) {
  auto sh = Shell();
  auto out = sh.Keys("reset; echo never\r");
  EXPECT_TRUE(out.reset);
  EXPECT_EQ(out.text, "reset; echo never\r\nresetting ...\r\n");
}

TEST(SimUbootShellTest, BootcmdWithAutobootFailsLikeAnUndefinedScript) {
  auto sh = Shell(3);
  EXPECT_EQ(sh.RunBootcmd().text, "## Error: \"sdboot\" not defined\r\nBPI-R4> ");
}

TEST(SimUbootShellTest, RunOfItselfIsBounded) {
  auto sh = Shell();
  sh.Keys("setenv loop run loop\r");
  EXPECT_EQ(sh.Keys("run loop\r").text, "run loop\r\nBPI-R4> ");
}

TEST(SimUbootShellTest, BootMenuMovesSelectsAndEscapes) {
  auto sh = Shell(-1, true);
  auto out = sh.RunBootcmd();
  EXPECT_TRUE(sh.InMenu());
  EXPECT_NE(out.text.find("*** U-Boot Boot Menu ***"), std::string::npos);
  EXPECT_NE(out.text.find("\x1b[7m1. Boot from SD/EMMC.\x1b[0m"), std::string::npos);
  out = sh.Keys("\x1b[B");
  EXPECT_NE(out.text.find("\x1b[7m2. Boot from TFTP.\x1b[0m"), std::string::npos);
  out = sh.Keys("\r");
  EXPECT_FALSE(sh.InMenu());
  EXPECT_NE(out.text.find("## Error: \"boottftp\" not defined\r\nBPI-R4> "), std::string::npos);
  sh.Keys("bootmenu\r");
  EXPECT_TRUE(sh.InMenu());
  out = sh.Keys("\x1b");
  EXPECT_FALSE(sh.InMenu());
  EXPECT_NE(out.text.find("BPI-R4> "), std::string::npos);
}

}  // namespace
}  // namespace hilt::sim
