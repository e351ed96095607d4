// Little-endian loads and stores for on-disk formats (GPT, FIP, MediaTek
// headers), independent of the host's byte order and alignment.
#ifndef HILT_IMAGE_LE_H_
#define HILT_IMAGE_LE_H_

#include <cstddef>
#include <cstdint>

namespace hilt::image {

inline uint64_t LoadLe(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;) v = v << 8 | p[i];
  return v;
}
inline uint16_t LoadLe16(const uint8_t* p) { return static_cast<uint16_t>(LoadLe(p, 2)); }
inline uint32_t LoadLe32(const uint8_t* p) { return static_cast<uint32_t>(LoadLe(p, 4)); }
inline uint64_t LoadLe64(const uint8_t* p) { return LoadLe(p, 8); }

inline void StoreLe(uint8_t* p, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i, v >>= 8) p[i] = static_cast<uint8_t>(v);
}
inline void StoreLe16(uint8_t* p, uint16_t v) { StoreLe(p, v, 2); }
inline void StoreLe32(uint8_t* p, uint32_t v) { StoreLe(p, v, 4); }
inline void StoreLe64(uint8_t* p, uint64_t v) { StoreLe(p, v, 8); }

}  // namespace hilt::image

#endif  // HILT_IMAGE_LE_H_
