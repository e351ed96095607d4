// Builds small GPT disk images for tests, by hand from the UEFI layout, so
// tests of the flasher do not need sgdisk: protective MBR, primary header and
// 128 entries, backup entries and header at the end, all CRCs right.
#ifndef HILT_TESTS_UNIT_GPT_TEST_IMAGE_H_
#define HILT_TESTS_UNIT_GPT_TEST_IMAGE_H_

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <boost/crc.hpp>

namespace hilt::testing {

inline void PutLe(std::vector<uint8_t>& b, size_t at, int width, uint64_t v) {
  for (int i = 0; i < width; ++i) b[at + static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (8 * i));
}
inline uint64_t GetLe(const std::vector<uint8_t>& b, size_t at, int width) {
  uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i) v = v << 8 | b[at + static_cast<size_t>(i)];
  return v;
}
inline uint32_t Crc(const uint8_t* p, size_t n) {
  boost::crc_32_type crc;
  crc.process_bytes(p, n);
  return crc.checksum();
}
// True when the 512-byte header sector has a valid CRC.
inline bool HeaderCrcOk(std::vector<uint8_t> h) {
  uint32_t stored = static_cast<uint32_t>(GetLe(h, 16, 4));
  PutLe(h, 16, 4, 0);
  return Crc(h.data(), 92) == stored;
}

// Writes `path` as a sparse image of `sectors` 512-byte sectors with the
// given partitions (first, last LBA inclusive). Only the GPT is data.
inline void WriteGptImage(const std::string& path, uint64_t sectors,
                          const std::vector<std::pair<uint64_t, uint64_t>>& parts) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  (void)!::ftruncate(fd, static_cast<off_t>(sectors * 512));
  std::vector<uint8_t> entries(128 * 128, 0);
  for (size_t i = 0; i < parts.size(); ++i) {
    uint8_t* e = entries.data() + i * 128;
    for (int k = 0; k < 16; ++k) e[k] = static_cast<uint8_t>(0xA0 + k);       // type
    for (int k = 0; k < 16; ++k) e[16 + k] = static_cast<uint8_t>(i + 1 + k);  // unique
    std::vector<uint8_t> lbas(16);
    PutLe(lbas, 0, 8, parts[i].first);
    PutLe(lbas, 8, 8, parts[i].second);
    std::copy(lbas.begin(), lbas.end(), e + 32);
  }
  auto header = [&](uint64_t my, uint64_t alt, uint64_t entries_lba) {
    std::vector<uint8_t> h(512, 0);
    std::copy_n("EFI PART", 8, h.begin());
    PutLe(h, 8, 4, 0x00010000);
    PutLe(h, 12, 4, 92);
    PutLe(h, 24, 8, my);
    PutLe(h, 32, 8, alt);
    PutLe(h, 40, 8, 34);
    PutLe(h, 48, 8, sectors - 34);
    for (int k = 0; k < 16; ++k) h[56 + static_cast<size_t>(k)] = static_cast<uint8_t>(0x11 * k);
    PutLe(h, 72, 8, entries_lba);
    PutLe(h, 80, 4, 128);
    PutLe(h, 84, 4, 128);
    PutLe(h, 88, 4, Crc(entries.data(), entries.size()));
    PutLe(h, 16, 4, Crc(h.data(), 92));
    return h;
  };
  std::vector<uint8_t> mbr(512, 0);
  mbr[446 + 4] = 0xEE;
  PutLe(mbr, 446 + 8, 4, 1);
  PutLe(mbr, 446 + 12, 4, sectors - 1);
  mbr[510] = 0x55;
  mbr[511] = 0xAA;
  auto put = [&](uint64_t lba, const std::vector<uint8_t>& b) {
    (void)!::pwrite(fd, b.data(), b.size(), static_cast<off_t>(lba * 512));
  };
  put(0, mbr);
  put(1, header(1, sectors - 1, 2));
  put(2, entries);
  put(sectors - 33, entries);
  put(sectors - 1, header(sectors - 1, 1, sectors - 33));
  ::close(fd);
}

}  // namespace hilt::testing

#endif  // HILT_TESTS_UNIT_GPT_TEST_IMAGE_H_
