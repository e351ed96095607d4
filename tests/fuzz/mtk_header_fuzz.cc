// Fuzzes the MediaTek BootROM header reader (SDMMC_BOOT, BRLYT, GFH chain,
// SHA-256) in front of BL2: sizes and offsets come from the input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "harness/image/mtk_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const hilt::Status status = hilt::image::FuzzParseMtkBl2(data, size);
  // HILT_FUZZ_VERBOSE=1 prints what each input gave (to check a seed).
  static const bool verbose = std::getenv("HILT_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "%s\n", status.ok() ? "ok" : status.message().c_str());
  return 0;
}
