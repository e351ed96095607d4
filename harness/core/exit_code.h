// hilt's exit codes: the same for every command (DESIGN.md, "The hilt command").
#ifndef HILT_CORE_EXIT_CODE_H_
#define HILT_CORE_EXIT_CODE_H_

#include "harness/core/status.h"

namespace hilt {

enum ExitCode : int {
  kExitPass = 0,         // the board passed the suite (or the command succeeded)
  kExitBoardFailed = 1,  // the board failed the suite
  kExitBadInput = 2,     // bad usage, suite, lab config, layout or image
  kExitLabFailed = 3,    // the lab failed: build, power, mux, console, flash
  kExitBisectSkip = 125, // `--bisect` and the build failed: git bisect skip
};

// The exit code for a command that ended with `status`.
inline int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk: return kExitPass;
    case Status::Code::kInvalidInput:
    case Status::Code::kNotFound: return kExitBadInput;
    case Status::Code::kLabFailure:
    case Status::Code::kTimeout:
    case Status::Code::kCancelled: return kExitLabFailed;
  }
  return kExitLabFailed;
}

}  // namespace hilt

#endif  // HILT_CORE_EXIT_CODE_H_
