// Fuzzes the FIP ToC parser (TF-A's Firmware Image Package): offsets and
// sizes from the input must be checked against its length; every image the
// parser hands out is touched at its last byte so ASan sees an overrun.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "harness/image/fip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const hilt::Status status = hilt::image::FuzzParseFip(data, size);
  // HILT_FUZZ_VERBOSE=1 prints what each input gave (to check a seed).
  static const bool verbose = std::getenv("HILT_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "%s\n", status.ok() ? "ok" : status.message().c_str());
  return 0;
}
