#include "harness/devices/console_typer.h"

#include <algorithm>

#include <fmt/format.h>

namespace hilt {
namespace {

// Printable for messages: control bytes as \xNN.
std::string Printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  return out;
}

}  // namespace

ConsoleTyper::ConsoleTyper(Console* console, ChunkSource* source, Clock* clock, TyperOptions options)
    : console_(console), source_(source), clock_(clock), options_(std::move(options)) {
  options_.chunk_bytes = std::max<size_t>(options_.chunk_bytes, 1);
}

Status ConsoleTyper::TypeLine(std::string_view line, std::vector<CapturedChunk>* drained) {
  // Bytes received since the last echo was found; the next echo must be in
  // them. Only the tail that could still hold a partial echo is kept.
  std::string seen;
  for (size_t pos = 0; pos < line.size(); pos += options_.chunk_bytes) {
    std::string_view chunk = line.substr(pos, options_.chunk_bytes);
    HILT_RETURN_IF_ERROR(console_->Write(chunk).Prefixed("typing at the console"));
    const Nanos deadline = clock_->Now() + options_.echo_timeout;
    for (;;) {
      size_t found = seen.find(chunk);
      if (found != std::string::npos) {
        seen.erase(0, found + chunk.size());
        break;
      }
      if (seen.size() > chunk.size()) seen.erase(0, seen.size() - chunk.size());
      Nanos left = deadline - clock_->Now();
      if (left <= Nanos{0}) {
        return Status::Timeout(fmt::format(
            "typing '{}': no echo of '{}' within {:.1f}s (the board stopped reading its console?)",
            Printable(line), Printable(chunk), ToSeconds(options_.echo_timeout)));
      }
      size_t before = drained->size();
      source_->WaitForData(drained, left);
      for (size_t i = before; i < drained->size(); ++i) seen += (*drained)[i].bytes;
    }
  }
  return console_->Write(options_.newline).Prefixed("typing at the console");
}

}  // namespace hilt
