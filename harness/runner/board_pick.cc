#include "harness/runner/board_pick.h"

#include <fmt/format.h>

namespace hilt {

namespace {
std::string Names(const std::vector<BoardEntry>& boards) {
  std::string out;
  for (const BoardEntry& b : boards) out += (out.empty() ? "" : ", ") + b.name;
  return out.empty() ? "none" : out;
}
}  // namespace

StatusOr<std::string> PickBoard(const std::vector<BoardEntry>& boards, const std::string& name,
                                const std::string& type, const TryTakeBoard& try_take) {
  if (!name.empty()) {
    for (const BoardEntry& b : boards) {
      if (b.name != name) continue;
      if (!type.empty() && b.type != type) {
        return Status::InvalidInput(
            fmt::format("board '{}' is of type '{}', not '{}'", name, b.type, type));
      }
      HILT_RETURN_IF_ERROR(try_take(b.name));
      return b.name;
    }
    return Status::InvalidInput(
        fmt::format("the lab has no board '{}' (boards: {})", name, Names(boards)));
  }
  int candidates = 0;
  std::string busy;
  for (const BoardEntry& b : boards) {
    if (!type.empty() && b.type != type) continue;
    ++candidates;
    Status taken = try_take(b.name);
    if (taken.ok()) return b.name;
    if (taken.code() != Status::Code::kLabFailure) return taken;
    busy += "\n  " + taken.message();
  }
  if (candidates == 0) {
    return Status::InvalidInput(
        fmt::format("the lab has no board of type '{}' (boards: {})", type, Names(boards)));
  }
  return Status::LabFailure(fmt::format("all {} board(s){} are busy:{}", candidates,
                                        type.empty() ? "" : " of type '" + type + "'", busy));
}

}  // namespace hilt
