#include "harness/core/byte_cap.h"

#include <fmt/format.h>

namespace hilt {

std::string ByteCap::Note(std::string_view file) const {
  if (!reached()) return "";
  return fmt::format("{} capped at {} bytes of console output (lab limits.console-log); the {} bytes "
                     "the board sent after that were not written",
                     file, cap_, dropped());
}

}  // namespace hilt
