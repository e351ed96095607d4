// PowerSwitch: the board's power input (a relay on a GPIO line, a PDU or USB
// hub port driven by a command, the simulator's control socket).
#ifndef HILT_DEVICES_POWER_SWITCH_H_
#define HILT_DEVICES_POWER_SWITCH_H_

#include <string>

#include "harness/core/status.h"

namespace hilt {

class PowerSwitch {
 public:
  virtual ~PowerSwitch() = default;
  virtual Status On() = 0;
  virtual Status Off() = 0;
  virtual std::string Describe() const = 0;
  // The run is over with the board off: a switch whose off can finish in
  // the background (an emulator frozen by Off(), killed at the end) starts
  // that now, alongside the reports. Default: nothing to finish.
  virtual void LetGo() {}
};

}  // namespace hilt

#endif  // HILT_DEVICES_POWER_SWITCH_H_
