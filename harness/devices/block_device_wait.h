// WaitForBlockDevice: after the mux gives the card to the host, the kernel
// needs a moment (USB enumeration, partition scan) before the node exists.
#ifndef HILT_DEVICES_BLOCK_DEVICE_WAIT_H_
#define HILT_DEVICES_BLOCK_DEVICE_WAIT_H_

#include <string>

#include "harness/core/status.h"
#include "harness/devices/clock.h"

namespace hilt {

// Ok once `path` resolves (through symlinks, as /dev/disk/by-id names and the
// simulator's card are) to something that exists; Timeout naming it after
// `timeout`. Polls every 50 ms on `clock`.
Status WaitForBlockDevice(const std::string& path, Nanos timeout, Clock* clock);

}  // namespace hilt

#endif  // HILT_DEVICES_BLOCK_DEVICE_WAIT_H_
