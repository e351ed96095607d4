// DeviceFactory: a board's lab config → its device backends. The only place
// that knows which backend class stands behind which `type:`.
#ifndef HILT_RUNNER_DEVICE_FACTORY_H_
#define HILT_RUNNER_DEVICE_FACTORY_H_

#include <memory>

#include "harness/core/status.h"
#include "harness/devices/block_target.h"
#include "harness/devices/clock.h"
#include "harness/devices/console.h"
#include "harness/devices/power_switch.h"
#include "harness/devices/sd_mux.h"
#include "harness/runner/lab_config.h"

namespace hilt {

// Power and mux commands are deliberately not tied to the cancel flag: the
// cleanup must be able to power the board off after a SIGINT.
StatusOr<std::unique_ptr<PowerSwitch>> MakePowerSwitch(const BoardConfig& board,
                                                       const LabTimeouts& timeouts, Clock* clock);
StatusOr<std::unique_ptr<SdMux>> MakeSdMux(const BoardConfig& board, const LabTimeouts& timeouts);
StatusOr<std::unique_ptr<Console>> MakeConsole(const BoardConfig& board);
// Opens the board's block device for writing `image_size` bytes, after the
// safety checks: it must be the lab config's block device (by any alias),
// not mounted, not the host's root disk. A regular file (the simulator's
// card) is opened as a file target. Behind `mux: {type: none}` only a
// regular file is written, created with its folder when missing.
StatusOr<std::unique_ptr<BlockTarget>> OpenBlockTarget(const BoardConfig& board, uint64_t image_size);

}  // namespace hilt

#endif  // HILT_RUNNER_DEVICE_FACTORY_H_
