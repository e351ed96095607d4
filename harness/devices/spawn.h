// Spawn: starts one child the way every child of hilt must start (its own
// process group, default signal handling, killed when hilt dies), without
// copying hilt's address space. Boost.Process v1 fork()ed: the child copied
// hilt's page tables and tore them down again in execve while hilt waited on
// Boost's exec-error pipe, a cost that grows with hilt's memory (0.3-0.5 ms
// per command at a run's 12 MB resident, ~2.5 ms at 100 MiB). Here the child
// shares hilt's memory until it execs (clone with CLONE_VM | CLONE_VFORK, as
// posix_spawn does; posix_spawn itself cannot set PR_SET_PDEATHSIG).
#ifndef HILT_DEVICES_SPAWN_H_
#define HILT_DEVICES_SPAWN_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "harness/core/status.h"

namespace hilt {

struct SpawnSpec {
  std::string path;               // the program, with a '/' (no PATH search)
  std::vector<std::string> argv;  // argv[0] included
  std::vector<std::string> env;   // "NAME=value": the child's whole environment
  std::string cwd;                // empty: hilt's own
  int stdin_fd = -1;              // -1: /dev/null
  int stdout_fd = -1;             // -1: hilt's own
  int stderr_fd = -1;             // -1: hilt's own
};

// The child's pid once it has exec'd, ready to be waited for; its process
// group is its pid. LabFailure with the reason (e.g. "No such file or
// directory") when it could not be started: nothing is left running then.
StatusOr<pid_t> Spawn(const SpawnSpec& spec);

// hilt's environment with `overrides` ("NAME=value") added or replacing.
std::vector<std::string> EnvironmentWith(const std::vector<std::string>& overrides);

}  // namespace hilt

#endif  // HILT_DEVICES_SPAWN_H_
