// A BlockTarget in memory, for flasher tests: enforces alignment like a raw
// device, and can fail at an offset, refuse discard, or corrupt writes.
#ifndef HILT_TESTS_UNIT_FAKE_BLOCK_TARGET_H_
#define HILT_TESTS_UNIT_FAKE_BLOCK_TARGET_H_

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "harness/devices/block_target.h"

namespace hilt {

class FakeBlockTarget final : public BlockTarget {
 public:
  explicit FakeBlockTarget(uint64_t size, uint8_t fill = 0, uint32_t block = 512)
      : bytes(size, fill), block_(block) {}

  uint64_t Size() const override { return bytes.size(); }
  uint32_t LogicalBlockSize() const override { return block_; }
  uint32_t PhysicalBlockSize() const override { return 4096; }
  uint32_t IoAlignment() const override { return block_; }

  Status Write(uint64_t offset, const void* data, size_t length) override {
    HILT_RETURN_IF_ERROR(Check("write", offset, length));
    if (fail_at && *fail_at >= offset && *fail_at < offset + length) {
      return Status::LabFailure(fmt::format("write fake at offset {}: No such device", *fail_at));
    }
    std::memcpy(bytes.data() + offset, data, length);
    if (corrupt_writes) bytes[offset] ^= 0xFF;
    writes.push_back({offset, length});
    return Status::Ok();
  }
  Status ReadUncached(uint64_t offset, void* data, size_t length) override {
    HILT_RETURN_IF_ERROR(Check("read", offset, length));
    std::memcpy(data, bytes.data() + offset, length);
    read_bytes += length;
    return Status::Ok();
  }
  StatusOr<DiscardResult> Discard(uint64_t offset, uint64_t length) override {
    if (!discard_supported) return DiscardResult::kUnsupported;
    HILT_RETURN_IF_ERROR(Check("discard", offset, length));
    std::memset(bytes.data() + offset, kDiscarded, length);
    return DiscardResult::kDiscarded;
  }
  Status Sync() override {
    ++syncs;
    return Status::Ok();
  }
  std::string Describe() const override { return "fake"; }

  static constexpr uint8_t kDiscarded = 0xDD;
  std::vector<uint8_t> bytes;
  std::optional<uint64_t> fail_at;
  bool discard_supported = true;
  bool corrupt_writes = false;
  std::vector<std::pair<uint64_t, uint64_t>> writes;
  uint64_t read_bytes = 0;
  int syncs = 0;

 private:
  Status Check(const char* op, uint64_t offset, uint64_t length) const {
    if (offset % block_ || length % block_ || offset + length > bytes.size()) {
      return Status::InvalidInput(fmt::format("fake {} at {} length {}: unaligned or past the end",
                                              op, offset, length));
    }
    return Status::Ok();
  }
  uint32_t block_;
};

}  // namespace hilt

#endif  // HILT_TESTS_UNIT_FAKE_BLOCK_TARGET_H_
