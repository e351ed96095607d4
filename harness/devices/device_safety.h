// Device safety: the checks that stand between `hilt flash` and a wrong disk.
//
// Before any byte is written, a block device is refused (InvalidInput, exit 2)
// when it
//   - is in use: it, one of its partitions, or anything stacked on them
//     (dm, md: /sys/class/block/*/holders) is mounted (/proc/self/mountinfo,
//     by major:minor and by source) or is active swap (/proc/swaps);
//   - holds the root file system: it is, or is on the same disk as, anything
//     that / sits on, following partitions, dm/md slaves and loop backing
//     files as far as sysfs and mountinfo tell;
//   - is not named in the caller's allow-list (from the lab config). `force`
//     skips only this last check, never the first two.
// Regular files (image targets, tests) are allowed. The /proc and /sys roots
// are parameters so tests can build fake trees.
#ifndef HILT_DEVICES_DEVICE_SAFETY_H_
#define HILT_DEVICES_DEVICE_SAFETY_H_

#include <compare>
#include <string>
#include <vector>

#include "harness/core/status.h"

namespace hilt {

struct DevNum {
  unsigned major = 0;
  unsigned minor = 0;
  auto operator<=>(const DevNum&) const = default;
  std::string ToString() const;  // "8:16"
};

struct SystemRoots {
  std::string proc = "/proc";
  std::string sys = "/sys";
};

struct FlashPermission {
  std::vector<std::string> allow;  // device paths the lab may write (any alias)
  bool force = false;              // skip the allow-list check only
};

// The whole check for `path` as `hilt flash` runs it.
Status CheckFlashTarget(const std::string& path, const FlashPermission& permission,
                        const SystemRoots& roots = {});

// The parts, for tests with fake trees. `path` is only used in messages.
Status CheckNotInUse(DevNum dev, const std::string& path, const SystemRoots& roots);
Status CheckNotRootDisk(DevNum dev, const std::string& path, const SystemRoots& roots);
// Matches entries by canonical path or by device number.
Status CheckAllowed(const std::string& path, const FlashPermission& permission);

}  // namespace hilt

#endif  // HILT_DEVICES_DEVICE_SAFETY_H_
