// Fuzzes the lab-config loader (lab/*.yaml) with arbitrary YAML. Lab configs
// are trusted (they hold the commands), but a typo must still give an error
// a person can act on, never a crash or a hang. Properties: a rejected config
// is InvalidInput with a message; an accepted one finds its boards by name.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "harness/runner/lab_config.h"

namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "lab_config_fuzz: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  // The config's folder is ${LAB_DIR}; nothing is read from or written to it.
  auto lab = hilt::LoadLabConfigString(yaml, "/nonexistent/lab/fuzz.yaml");
  // HILT_FUZZ_VERBOSE=1 prints what each input gave (to check a seed).
  static const bool verbose = std::getenv("HILT_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "%s\n", lab.ok() ? "ok" : lab.status().message().c_str());
  if (!lab.ok()) {
    if (lab.status().code() != hilt::Status::Code::kInvalidInput) {
      Fail("rejected with a code other than InvalidInput: " + lab.status().message());
    }
    if (lab.status().message().empty()) Fail("rejected without a message");
    return 0;
  }
  for (const auto& board : lab->boards) {
    auto found = lab->FindBoard(board.name);
    if (!found.ok() || *found == nullptr || (*found)->name != board.name) {
      Fail("board '" + board.name + "' is not found by its name");
    }
  }
  return 0;
}
