// ByteBuffer: a growable run of bytes for the replay's per-line appends (the
// checker's block of lines, the excerpt's tail text).
//
// std::string pays on every append for what these do not need: the short
// string case, a terminating NUL, a max_size check and a memcpy call for a
// line of some 50 bytes. Here an append is one capacity test and, up to 64
// bytes, a few overlapping 16-, 8- or 4-byte moves inside the source and
// destination ranges (never past them); longer copies call memcpy.
#ifndef HILT_CORE_BYTE_BUFFER_H_
#define HILT_CORE_BYTE_BUFFER_H_

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace hilt {

// Copies n bytes from src to dst (not overlapping), reading and writing only
// [src, src + n) and [dst, dst + n).
inline void CopyBytes(char* dst, const char* src, size_t n) {
  if (n <= 16) {
    if (n >= 8) {
      char a[8];
      char b[8];
      std::memcpy(a, src, 8);
      std::memcpy(b, src + n - 8, 8);
      std::memcpy(dst, a, 8);
      std::memcpy(dst + n - 8, b, 8);
    } else if (n >= 4) {
      char a[4];
      char b[4];
      std::memcpy(a, src, 4);
      std::memcpy(b, src + n - 4, 4);
      std::memcpy(dst, a, 4);
      std::memcpy(dst + n - 4, b, 4);
    } else if (n > 0) {
      const char first = src[0];
      const char middle = src[n / 2];
      const char last = src[n - 1];
      dst[0] = first;
      dst[n / 2] = middle;
      dst[n - 1] = last;
    }
    return;
  }
  if (n <= 64) {
    char a[16];
    char b[16];
    std::memcpy(a, src, 16);
    std::memcpy(b, src + n - 16, 16);
    if (n > 32) {
      char c[16];
      char d[16];
      std::memcpy(c, src + 16, 16);
      std::memcpy(d, src + n - 32, 16);
      std::memcpy(dst + 16, c, 16);
      std::memcpy(dst + n - 32, d, 16);
    }
    std::memcpy(dst, a, 16);
    std::memcpy(dst + n - 16, b, 16);
    return;
  }
  std::memcpy(dst, src, n);
}

class ByteBuffer {
 public:
  // Room for at least n bytes without growing.
  void reserve(size_t n) {
    if (n > capacity_) Reallocate(n);
  }

  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return capacity_; }
  std::string_view view() const { return std::string_view(data_.get(), size_); }

  void clear() { size_ = 0; }

  void append(std::string_view bytes) {
    if (capacity_ - size_ < bytes.size()) Grow(bytes.size());
    CopyBytes(data_.get() + size_, bytes.data(), bytes.size());
    size_ += bytes.size();
  }

  // append(bytes) then push_back(end), with one capacity test (a line and
  // its terminator).
  void append_with(std::string_view bytes, char end) {
    if (capacity_ - size_ <= bytes.size()) Grow(bytes.size() + 1);
    CopyBytes(data_.get() + size_, bytes.data(), bytes.size());
    size_ += bytes.size();
    data_[size_++] = end;
  }

  void push_back(char c) {
    if (capacity_ == size_) Grow(1);
    data_[size_++] = c;
  }

  // Drops the first n bytes (n <= size()); the rest moves to the front.
  void erase_front(size_t n) {
    if (n == 0) return;
    std::memmove(data_.get(), data_.get() + n, size_ - n);
    size_ -= n;
  }

 private:
  // Room for `more` bytes after size(): at least double, as std::string.
  void Grow(size_t more) {
    const size_t need = size_ + more;
    Reallocate(need > 2 * capacity_ ? need : 2 * capacity_);
  }
  void Reallocate(size_t capacity) {
    auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
    if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace hilt

#endif  // HILT_CORE_BYTE_BUFFER_H_
