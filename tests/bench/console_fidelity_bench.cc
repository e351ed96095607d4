// Console fidelity: a pty flooded at 3 Mbaud's rate (~300 KB/s) while the
// consumer is artificially slow; every byte must reach console.raw and the
// queue. Run through tests/bench/console_fidelity.sh, which preloads the pty
// shim and compares sha256 of what was sent with console.raw.
//
// Env: HILT_FIDELITY_SECONDS (default 60), HILT_FIDELITY_DIR (output folder).
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include "harness/devices/console_capture.h"
#include "harness/devices/serial_console.h"

namespace hilt {
namespace {

using namespace std::chrono_literals;

double EnvSeconds() {
  const char* s = std::getenv("HILT_FIDELITY_SECONDS");
  return s != nullptr ? std::atof(s) : 60.0;
}

void BM_ConsoleFidelity(benchmark::State& state) {
  const double seconds = EnvSeconds();
  const char* dir_env = std::getenv("HILT_FIDELITY_DIR");
  std::filesystem::path dir = dir_env != nullptr ? dir_env : std::filesystem::temp_directory_path();
  for (auto _ : state) {
    int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) {
      state.SkipWithError("no pty");
      return;
    }
    SerialConsole console(::ptsname(master), 3000000);
    SteadyClock clock;
    ConsoleCapture capture(&console, &clock, (dir / "console.raw").string());
    Status s = capture.Start();
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
    capture.MarkPowerOn();

    // 3 Mbaud 8N1 = 300000 bytes/s: 3000 bytes every 10 ms on a fixed schedule.
    std::atomic<bool> done{false};
    std::atomic<uint64_t> sent{0};
    std::atomic<int64_t> worst_late_us{0};
    std::thread writer([&] {
      FILE* out = std::fopen((dir / "sent.bin").c_str(), "wb");
      std::mt19937 rng(42);
      std::string block(3000, '\0');
      auto start = std::chrono::steady_clock::now();
      auto end = start + std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(seconds));
      for (auto next = start; next < end; next += 10ms) {
        std::this_thread::sleep_until(next);
        int64_t late = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - next).count();
        if (late > worst_late_us) worst_late_us = late;
        for (char& c : block) c = static_cast<char>(rng());
        size_t off = 0;
        while (off < block.size()) {
          ssize_t n = ::write(master, block.data() + off, block.size() - off);
          if (n <= 0) break;
          off += static_cast<size_t>(n);
        }
        std::fwrite(block.data(), 1, block.size(), out);
        sent += block.size();
      }
      std::fclose(out);
      done = true;
    });

    // The slow consumer: drains, then "checks" for 200 ms.
    uint64_t consumed = 0, lost = 0;
    std::vector<CapturedChunk> chunks;
    while (!done || consumed + lost < sent) {
      chunks.clear();
      capture.WaitForData(&chunks, 100ms);
      for (const auto& c : chunks) {
        consumed += c.bytes.size();
        lost += c.lost_before;
      }
      if (done && chunks.empty() && capture.bytes_received() >= sent) break;
      std::this_thread::sleep_for(200ms);
    }
    writer.join();
    capture.Stop();
    ::close(master);
    state.counters["sent_bytes"] = static_cast<double>(sent.load());
    state.counters["raw_bytes"] = static_cast<double>(capture.bytes_received());
    state.counters["queue_bytes"] = static_cast<double>(consumed);
    state.counters["lost_bytes"] = static_cast<double>(sent.load() - std::min<uint64_t>(sent, capture.bytes_received()));
    state.counters["rate_KBps"] = static_cast<double>(sent.load()) / seconds / 1000.0;
    state.counters["writer_worst_late_ms"] = static_cast<double>(worst_late_us.load()) / 1000.0;
    std::printf("sent=%llu raw=%llu queued=%llu lost_from_queue=%llu gaps=%zu\n",
                static_cast<unsigned long long>(sent.load()),
                static_cast<unsigned long long>(capture.bytes_received()),
                static_cast<unsigned long long>(consumed), static_cast<unsigned long long>(lost),
                capture.Gaps().size());
  }
}
BENCHMARK(BM_ConsoleFidelity)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
}  // namespace hilt

BENCHMARK_MAIN();
