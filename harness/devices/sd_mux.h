// SdMux: which side may touch the SD card, the host (to write it) or the
// board (DUT, to boot from it). Callers power the board off before moving it.
#ifndef HILT_DEVICES_SD_MUX_H_
#define HILT_DEVICES_SD_MUX_H_

#include <string>

#include "harness/core/status.h"

namespace hilt {

enum class MuxSide { kHost, kDut };

inline const char* MuxSideName(MuxSide side) { return side == MuxSide::kHost ? "host" : "dut"; }

class SdMux {
 public:
  virtual ~SdMux() = default;
  virtual Status Switch(MuxSide side) = 0;
  virtual std::string Describe() const = 0;
};

}  // namespace hilt

#endif  // HILT_DEVICES_SD_MUX_H_
