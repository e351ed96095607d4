#include "harness/core/status.h"

#include <gtest/gtest.h>

#include "harness/core/exit_code.h"

namespace hilt {
namespace {

TEST(StatusTest, OkHasNoMessage) {
  Status s = Status::Ok();
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_EQ(ExitCodeFor(s), kExitPass);
}

TEST(StatusTest, ClassesMapToExitCodes) {
  EXPECT_EQ(ExitCodeFor(Status::InvalidInput("x")), kExitBadInput);
  EXPECT_EQ(ExitCodeFor(Status::NotFound("x")), kExitBadInput);
  EXPECT_EQ(ExitCodeFor(Status::LabFailure("x")), kExitLabFailed);
  EXPECT_EQ(ExitCodeFor(Status::Timeout("x")), kExitLabFailed);
  EXPECT_EQ(ExitCodeFor(Status::Cancelled("x")), kExitLabFailed);
}

TEST(StatusTest, PrefixedKeepsCode) {
  Status s = Status::LabFailure("relay busy").Prefixed("power on");
  EXPECT_EQ(s.code(), Status::Code::kLabFailure);
  EXPECT_EQ(s.message(), "power on: relay busy");
  EXPECT_TRUE(Status::Ok().Prefixed("x").ok());
}

StatusOr<int> Half(int v) {
  if (v % 2) return Status::InvalidInput("odd");
  return v / 2;
}

TEST(StatusOrTest, HoldsValueOrError) {
  auto a = Half(4);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, 2);
  auto b = Half(3);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(), "odd");
}

}  // namespace
}  // namespace hilt
