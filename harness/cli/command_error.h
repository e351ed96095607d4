// How every subcommand ends on a failure: one line on stderr naming the
// command ("hilt run: <why>"), and the exit code of the failure's class.
#ifndef HILT_CLI_COMMAND_ERROR_H_
#define HILT_CLI_COMMAND_ERROR_H_

#include "harness/core/status.h"

namespace hilt::cli {

// Prints "hilt <command>: <message>" when `status` is an error; returns
// ExitCodeFor(status) (0 for Ok).
int ReportFailure(const char* command, const Status& status);

}  // namespace hilt::cli

#endif  // HILT_CLI_COMMAND_ERROR_H_
