#include "harness/runner/board_pick.h"

#include <set>

#include <gtest/gtest.h>

namespace hilt {
namespace {

const std::vector<BoardEntry> kBoards = {
    {"r4-a", "bpi-r4"}, {"qemu", "qemu-virt"}, {"r4-b", "bpi-r4"}, {"r4-c", "bpi-r4"}};

TryTakeBoard Locks(std::set<std::string>* held, std::vector<std::string>* tried) {
  return [held, tried](const std::string& name) {
    tried->push_back(name);
    if (held->count(name)) return Status::LabFailure("board '" + name + "' is in use by pid 1");
    held->insert(name);
    return Status::Ok();
  };
}

TEST(BoardPickTest, FirstFreeBoardOfTheTypeInConfigOrder) {
  std::set<std::string> held = {"r4-a"};
  std::vector<std::string> tried;
  auto b = PickBoard(kBoards, "", "bpi-r4", Locks(&held, &tried));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, "r4-b");
  EXPECT_EQ(tried, (std::vector<std::string>{"r4-a", "r4-b"}));
  // Concurrent runs spread over the boards, then all are busy.
  EXPECT_EQ(*PickBoard(kBoards, "", "bpi-r4", Locks(&held, &tried)), "r4-c");
  auto none = PickBoard(kBoards, "", "bpi-r4", Locks(&held, &tried));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), Status::Code::kLabFailure);
  EXPECT_NE(none.status().message().find("all 3 board(s) of type 'bpi-r4' are busy"),
            std::string::npos);
  EXPECT_NE(none.status().message().find("in use by pid 1"), std::string::npos);
}

TEST(BoardPickTest, NamedBoardOnlyThatOne) {
  std::set<std::string> held;
  std::vector<std::string> tried;
  EXPECT_EQ(*PickBoard(kBoards, "r4-c", "", Locks(&held, &tried)), "r4-c");
  EXPECT_EQ(tried, (std::vector<std::string>{"r4-c"}));
  auto busy = PickBoard(kBoards, "r4-c", "", Locks(&held, &tried));
  EXPECT_EQ(busy.status().code(), Status::Code::kLabFailure);
  auto unknown = PickBoard(kBoards, "r4-<z>", "", Locks(&held, &tried));
  EXPECT_EQ(unknown.status().code(), Status::Code::kInvalidInput);
  EXPECT_NE(unknown.status().message().find("boards: r4-a, qemu, r4-b, r4-c"), std::string::npos);
  auto wrong_type = PickBoard(kBoards, "qemu", "bpi-r4", Locks(&held, &tried));
  EXPECT_EQ(wrong_type.status().code(), Status::Code::kInvalidInput);
}

TEST(BoardPickTest, UnknownTypeAndHardErrors) {
  std::set<std::string> held;
  std::vector<std::string> tried;
  EXPECT_EQ(PickBoard(kBoards, "", "rpi5", Locks(&held, &tried)).status().code(),
            Status::Code::kInvalidInput);
  auto broken = PickBoard(kBoards, "", "", [](const std::string&) {
    return Status::InvalidInput("cannot create lock folder");
  });
  EXPECT_EQ(broken.status().code(), Status::Code::kInvalidInput);
}

}  // namespace
}  // namespace hilt
