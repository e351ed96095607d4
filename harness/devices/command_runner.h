// RunCommand: runs one trusted command (a build step, a power or mux CLI) as
// its own process group, streams its output to a log, and guarantees that
// when it returns nothing the command started is left running.
#ifndef HILT_DEVICES_COMMAND_RUNNER_H_
#define HILT_DEVICES_COMMAND_RUNNER_H_

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "harness/core/status.h"
#include "harness/core/timestamp.h"

namespace hilt {

struct CommandSpec {
  // Run directly (argv[0] is looked up in PATH when it has no '/'), never
  // through a shell unless argv is {"/bin/sh", "-c", ...} from a lab config.
  std::vector<std::string> argv{};
  // Added to (or replacing entries of) the inherited environment.
  std::map<std::string, std::string> env{};
  std::string cwd{};  // empty: inherit
  Nanos timeout{0};   // 0: none
  // stdout and stderr appended here as they arrive; empty: captured only.
  std::string log_path{};
  // When set and it becomes true, the command is stopped as at a timeout.
  const std::atomic<bool>* cancel = nullptr;
  // Between SIGTERM to the group and SIGKILL to the group.
  Nanos kill_grace = std::chrono::seconds(2);
};

struct CommandResult {
  int exit_code = -1;      // -1 when killed by a signal
  bool timed_out = false;  // stopped by spec.timeout
  bool cancelled = false;  // stopped by spec.cancel
  int signal = 0;          // the signal that ended the leader, 0 if it exited
  std::string output_tail; // last ~4 KiB of stdout+stderr, for messages

  bool ok() const { return exit_code == 0 && !timed_out && !cancelled; }
  // "exited with 2", "killed by signal 9 after the 5s timeout", ...
  std::string Describe() const;
};

inline constexpr size_t kCommandTailBytes = 4096;

// An error Status only when the command cannot be started (no such program,
// bad cwd, log not writable): LabFailure naming the program. A command that
// runs and fails is a CommandResult with its exit code.
StatusOr<CommandResult> RunCommand(const CommandSpec& spec);

// The argv as one line for messages and logs, quoting words with spaces.
std::string FormatArgv(const std::vector<std::string>& argv);

}  // namespace hilt

#endif  // HILT_DEVICES_COMMAND_RUNNER_H_
