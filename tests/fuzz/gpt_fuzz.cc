// Fuzzes the GPT reader: the input is a whole disk of 512-byte sectors
// (protective MBR, both GPT copies). Bad tables must give a Status, never a
// crash, an out-of-bounds read or a huge allocation from a hostile
// num_entries or entry_size.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "harness/image/gpt.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const hilt::Status status = hilt::image::FuzzReadGpt(data, size);
  // HILT_FUZZ_VERBOSE=1 prints what each input gave (to check a seed).
  static const bool verbose = std::getenv("HILT_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "%s\n", status.ok() ? "ok" : status.message().c_str());
  return 0;
}
