// Throughput of the streaming matcher: a long boot log with 20 fail patterns
// and 6 stages, fed in UART-read-sized chunks and byte by byte. The target is
// >= 200 MB/s on one core (DESIGN.md: a noisy UART must never stall it).
//
//   cmake -S . -B build-bench -G Ninja -DHILT_BENCHMARKS=ON && ninja -C build-bench boot_checker_bench
//   build-bench/bin/boot_checker_bench
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "harness/core/boot_checker.h"

namespace hilt {
namespace {

Pattern P(std::string regex) { return Pattern{std::move(regex), {}}; }

Suite BenchSuite() {
  Suite s;
  s.name = "bench";
  s.timeout = std::chrono::hours(1);
  const char* fails[] = {
      R"(ERROR:\s{2,})", R"(BL2: Failed to load image id \d+)", R"(PANIC at PC : 0x)",
      R"(Unhandled Exception (in EL3|from lower EL))", R"(### ERROR ### Please RESET the board ###)",
      R"(Must RESET board to recover)", R"("Synchronous Abort" handler)", R"(Resetting CPU \.\.\.)",
      R"(resetting \.\.\.)", R"(initcall failed at)", R"(Card did not respond to voltage select)",
      R"(MMC: no card present)", R"(Kernel panic - not syncing)", R"(Oops: [0-9a-f]+ \[#\d+\])",
      R"(mmc fail to send stop cmd)", R"(Bad Linux ARM64 Image magic!)", R"(Wrong Image Format)",
      R"(ERROR: can't get kernel image!)", R"(data abort)", R"(DDR calibration failed)"};
  for (const char* f : fails) s.fail.push_back(P(f));
  s.repeat_fails = {P("F0: 102B 0000"), P(R"(U-Boot \d{4}\.\d{2})")};
  const char* stages[][2] = {
      {"bootrom", "Jump to BL"},
      {"bl2", R"(NOTICE:\s+BL2: v(?P<tfa_version>\d+\.\d+(\.\d+)?))"},
      {"dram", R"(NOTICE:\s+EMI: Detected DRAM size: (?P<dram_mb>\d+)\s*MB)"},
      {"bl31", R"(NOTICE:\s+BL31: v\d+\.\d+)"},
      {"uboot", R"(U-Boot (?P<uboot_version>\d{4}\.\d{2}\S*) \((?P<uboot_date>[^)]+)\))"},
      {"prompt", "BPI-R4>"}};
  for (const auto& st : stages) {
    Stage stage;
    stage.name = st[0];
    stage.expect = P(st[1]);
    s.stages.push_back(stage);
  }
  return s;
}

// A boot that spends most of its bytes between U-Boot's banner and its
// prompt, as a board streaming a verbose driver log would.
const std::string& BenchLog() {
  static const std::string log = [] {
    std::string out =
        "F0: 102B 0000\r\nJump to BL\r\n\r\nNOTICE:  BL2: v2.10.0   (release):\r\n"
        "NOTICE:  EMI: Detected DRAM size: 4096 MB\r\nNOTICE:  BL31: v2.10.0  (release):\r\n"
        "U-Boot 2024.04 (Apr 02 2024 - 10:58:58 +0000)\r\n";
    const char* filler[] = {
        "CPU:   MediaTek MT7988\r\n",
        "Core:  49 devices, 19 uclasses, devicetree: separate\r\n",
        "Warning: ethernet@15100000 (eth0) using random MAC address - 56:69:11:bc:68:06\r\n",
        "pcie@11300000: failed to get pcie clks, link down, retrying with slower timing now\r\n",
        "\x1b[0;32mmtk-eth: phy 5 link up 2500Mbps full duplex, flow control rx/tx\x1b[0m\r\n",
        "spi-nand: gd5f1gq5xexxg: ok, 128 MiB, block size 128 KiB, page size 2048\r\n"};
    const size_t target = 256u << 20;
    for (size_t i = 0; out.size() < target; ++i) out += filler[i % 6];
    out += "BPI-R4> ";
    return out;
  }();
  return log;
}

void BM_BootChecker(benchmark::State& state) {
  const Suite suite = BenchSuite();
  const std::string& log = BenchLog();
  const size_t chunk = static_cast<size_t>(state.range(0));
  std::vector<Action> actions;
  for (auto _ : state) {
    BootChecker checker(suite, CheckerOptions{.judge_time = false, .external_facts = {}});
    for (size_t i = 0; i < log.size(); i += chunk) {
      checker.Feed(std::string_view(log).substr(i, chunk), Nanos{0}, &actions);
    }
    checker.Finish(Nanos{0});
    if (checker.verdict().outcome != Outcome::kPass) state.SkipWithError("the bench log must pass");
    benchmark::DoNotOptimize(checker.verdict());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * log.size()));
}
BENCHMARK(BM_BootChecker)->Arg(4096)->Arg(64 << 10)->Unit(benchmark::kMillisecond);

// 1-byte chunks: the partial-line probe must keep this linear.
void BM_BootCheckerByteByByte(benchmark::State& state) {
  const Suite suite = BenchSuite();
  const std::string log = BenchLog().substr(BenchLog().size() - (8u << 20));
  std::vector<Action> actions;
  for (auto _ : state) {
    BootChecker checker(suite, CheckerOptions{.judge_time = false, .external_facts = {}});
    for (char c : log) checker.Feed(std::string_view(&c, 1), Nanos{0}, &actions);
    checker.Finish(Nanos{0});
    benchmark::DoNotOptimize(checker.verdict());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * log.size()));
}
BENCHMARK(BM_BootCheckerByteByByte)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hilt

BENCHMARK_MAIN();
