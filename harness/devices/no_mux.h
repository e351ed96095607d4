// NoMux: a board without an SD mux, whose "card" is a file on the host that
// the board reads when it is powered on (QEMU's flash). There is nothing to
// switch: the runner still powers the board off before it writes the card.
// The lab loader accepts it only for a card outside /dev, and the flash step
// refuses a block device behind it (device_factory.cc).
#ifndef HILT_DEVICES_NO_MUX_H_
#define HILT_DEVICES_NO_MUX_H_

#include <string>

#include "harness/devices/sd_mux.h"

namespace hilt {

class NoMux final : public SdMux {
 public:
  explicit NoMux(std::string card) : card_(std::move(card)) {}
  Status Switch(MuxSide) override { return Status::Ok(); }
  std::string Describe() const override { return "no mux (the card is the file " + card_ + ")"; }

 private:
  std::string card_;
};

}  // namespace hilt

#endif  // HILT_DEVICES_NO_MUX_H_
