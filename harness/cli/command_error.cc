#include "harness/cli/command_error.h"

#include <cstdio>

#include "harness/core/exit_code.h"

namespace hilt::cli {

int ReportFailure(const char* command, const Status& status) {
  if (!status.ok()) std::fprintf(stderr, "hilt %s: %s\n", command, status.message().c_str());
  return ExitCodeFor(status);
}

}  // namespace hilt::cli
