// BlockTarget: where an image is written — an SD card behind the mux, a loop
// device, or a plain file (an image target, or a test's stand-in).
//
// The flasher sees only this interface, so every failure path (a card that
// vanishes mid-write, a target without discard) runs in unit tests against a
// fake. Offsets and lengths are bytes. Implementations report I/O failures as
// LabFailure with the offset in the message: the card or its reader failed,
// not the user.
#ifndef HILT_DEVICES_BLOCK_TARGET_H_
#define HILT_DEVICES_BLOCK_TARGET_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "harness/core/status.h"

namespace hilt {

enum class DiscardResult {
  kDiscarded,    // the range was discarded (its content is now undefined or zero)
  kUnsupported,  // the target cannot discard; nothing was done, not an error
};

class BlockTarget {
 public:
  virtual ~BlockTarget() = default;

  // Capacity in bytes; writes never go past it.
  virtual uint64_t Size() const = 0;
  // The smallest unit the target addresses (512 for SD cards).
  virtual uint32_t LogicalBlockSize() const = 0;
  // The unit the medium writes internally; writes aligned to it avoid
  // read-modify-write inside the card.
  virtual uint32_t PhysicalBlockSize() const = 0;
  // Offsets, lengths and buffer addresses that are multiples of this take the
  // fast path (O_DIRECT). Others may still work, more slowly, or fail.
  virtual uint32_t IoAlignment() const = 0;

  virtual Status Write(uint64_t offset, const void* data, size_t length) = 0;
  // Reads what the medium holds, not what the page cache remembers: this is
  // what verification trusts.
  virtual Status ReadUncached(uint64_t offset, void* data, size_t length) = 0;
  virtual StatusOr<DiscardResult> Discard(uint64_t offset, uint64_t length) = 0;
  // Everything written so far is on the medium when this returns OK.
  virtual Status Sync() = 0;

  // For messages: "/dev/sdb (block device, 15.9 GB)".
  virtual std::string Describe() const = 0;
};

}  // namespace hilt

#endif  // HILT_DEVICES_BLOCK_TARGET_H_
