// Opening one board of a lab for a by-hand command (power, mux): parses the
// --wait duration and takes the board's lock, so each command starts from a
// held board or one error Status.
#ifndef HILT_CLI_BOARD_SESSION_H_
#define HILT_CLI_BOARD_SESSION_H_

#include <memory>
#include <string>

#include "harness/core/status.h"
#include "harness/runner/lab_session.h"

namespace hilt::cli {

StatusOr<std::unique_ptr<LabSession>> OpenBoardSession(const std::string& lab,
                                                       const std::string& board,
                                                       const std::string& wait);

}  // namespace hilt::cli

#endif  // HILT_CLI_BOARD_SESSION_H_
