// Chunkings for the streaming targets: the same bytes cut in several ways,
// so a target can check that its result does not depend on where a UART
// read happened to end. Deterministic: the cuts derive from the input alone,
// so a crash input replays the same way.
#ifndef HILT_TESTS_FUZZ_FUZZ_CHUNKS_H_
#define HILT_TESTS_FUZZ_FUZZ_CHUNKS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace hilt::fuzz {

struct Chunk {
  std::string_view bytes;
  bool tick = false;  // let time pass after this chunk (targets that have a Tick)
};

// FNV-1a of the input: the seed of the pseudo-random cuts.
inline uint64_t Fnv1a(std::string_view data) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : data) h = (h ^ c) * 1099511628211ull;
  return h;
}

// SplitMix64: a tiny, good-enough generator with a 64-bit state.
inline uint64_t NextRandom(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Cuts `data` into chunks of mixed sizes: single bytes, a few bytes, about a
// line, several lines. `variant` picks another cutting of the same input.
inline std::vector<Chunk> RandomChunks(std::string_view data, uint64_t variant) {
  uint64_t state = Fnv1a(data) ^ (variant * 0xD6E8FEB86659FD93ull);
  std::vector<Chunk> chunks;
  size_t pos = 0;
  while (pos < data.size()) {
    const uint64_t r = NextRandom(&state);
    size_t size = 1;
    switch (r & 3) {
      case 0: size = 1; break;
      case 1: size = 1 + (r >> 8) % 8; break;
      case 2: size = 1 + (r >> 8) % 300; break;
      default: size = 1 + (r >> 8) % 6000; break;
    }
    size = size < data.size() - pos ? size : data.size() - pos;
    chunks.push_back(Chunk{data.substr(pos, size), ((r >> 2) & 3) == 0});
    pos += size;
  }
  return chunks;
}

// One byte at a time: the worst case for any partial-line handling.
inline std::vector<Chunk> ByteChunks(std::string_view data) {
  std::vector<Chunk> chunks;
  chunks.reserve(data.size());
  for (size_t i = 0; i < data.size(); ++i) chunks.push_back(Chunk{data.substr(i, 1), i % 7 == 0});
  return chunks;
}

// The chunkings every streaming target checks against the whole buffer.
inline std::vector<std::vector<Chunk>> Chunkings(std::string_view data) {
  std::vector<std::vector<Chunk>> all;
  all.push_back(RandomChunks(data, 1));
  all.push_back(RandomChunks(data, 2));
  if (data.size() <= 16 * 1024) all.push_back(ByteChunks(data));
  return all;
}

}  // namespace hilt::fuzz

#endif  // HILT_TESTS_FUZZ_FUZZ_CHUNKS_H_
