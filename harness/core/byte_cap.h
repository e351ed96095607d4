// ByteCap: the budget of a file that a board fills (console.raw,
// console.log). A board that prints without end must not fill the lab's
// disk: the file takes bytes up to the cap, then none, and the cap counts
// what it turned away so the report can say how much is missing.
#ifndef HILT_CORE_BYTE_CAP_H_
#define HILT_CORE_BYTE_CAP_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace hilt {

// What a lab allows when it says nothing (limits.console-log): a 115200-baud
// UART fills it in over six hours; a 3 Mbaud one in fifteen minutes.
inline constexpr uint64_t kDefaultConsoleLogCap = 256ull << 20;

class ByteCap {
 public:
  // 0: no cap.
  explicit ByteCap(uint64_t cap) : cap_(cap) {}

  // How many of the next `n` bytes may still be written; the rest are
  // counted as dropped. Called by one writer thread; the getters may be
  // read from any thread.
  uint64_t Admit(uint64_t n) {
    uint64_t used = admitted_.load(std::memory_order_relaxed);
    uint64_t room = cap_ == 0 ? n : (used >= cap_ ? 0 : cap_ - used);
    uint64_t take = n < room ? n : room;
    admitted_.store(used + take, std::memory_order_relaxed);
    if (take < n) dropped_.fetch_add(n - take, std::memory_order_relaxed);
    return take;
  }

  uint64_t cap() const { return cap_; }
  uint64_t admitted() const { return admitted_.load(std::memory_order_relaxed); }
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  // True once a byte has been turned away.
  bool reached() const { return dropped() > 0; }

  // "console.raw capped at 1048576 bytes (lab limits.console-log); 31457280
  // bytes after that were not written". Empty while nothing was dropped.
  std::string Note(std::string_view file) const;

 private:
  const uint64_t cap_;
  std::atomic<uint64_t> admitted_{0};
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace hilt

#endif  // HILT_CORE_BYTE_CAP_H_
