// ConsoleTyper: types a command at a prompt the way U-Boot's test/py does.
//
// A UART has no flow control and U-Boot reads its FIFO only between polls,
// so text sent in one burst loses characters. We send a few bytes at a time
// and wait for their echo before sending more, then the newline.
#ifndef HILT_DEVICES_CONSOLE_TYPER_H_
#define HILT_DEVICES_CONSOLE_TYPER_H_

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "harness/devices/clock.h"
#include "harness/devices/console.h"
#include "harness/devices/console_capture.h"

namespace hilt {

struct TyperOptions {
  size_t chunk_bytes = 16;
  Nanos echo_timeout = std::chrono::seconds(2);  // per chunk
  std::string newline = "\n";
};

class ConsoleTyper {
 public:
  // `console` is written to; echoes are read from `source` (the capture's
  // queue). All must outlive the typer.
  ConsoleTyper(Console* console, ChunkSource* source, Clock* clock, TyperOptions options = {});

  // Types `line` and then the newline. Every chunk taken from `source` while
  // waiting for echoes is appended to `drained`, in order, so the caller
  // feeds them to the checker: typing hides no byte from it. Timeout when an
  // echo does not come; LabFailure when the console cannot be written.
  Status TypeLine(std::string_view line, std::vector<CapturedChunk>* drained);

 private:
  Console* console_;
  ChunkSource* source_;
  Clock* clock_;
  TyperOptions options_;
};

}  // namespace hilt

#endif  // HILT_DEVICES_CONSOLE_TYPER_H_
