#include "harness/cli/board_session.h"

#include "harness/core/yaml_doc.h"

namespace hilt::cli {

StatusOr<std::unique_ptr<LabSession>> OpenBoardSession(const std::string& lab,
                                                       const std::string& board,
                                                       const std::string& wait) {
  auto wait_for = ParseDuration(wait);
  if (!wait_for.ok()) return wait_for.status();
  return OpenLabSession(lab, board, *wait_for, nullptr);
}

}  // namespace hilt::cli
