// Fuzzes the streaming matcher (BootChecker) with arbitrary console bytes.
// The same bytes are fed whole, then cut in several chunkings (fuzz_chunks.h)
// with increasing timestamps and Ticks between chunks; the verdicts must
// agree: outcome, failed stage, reason, stage and test statuses, the lines
// stages matched, facts, test output, and the bytes typed. Any difference
// aborts, as would a crash or a hang.
//
// The suite below uses every feature (budgets, captures and checks, build.*
// facts, global fail patterns, repeat-fails, an interrupt, prompt tests with
// expect and fail). Its prompt and interrupt patterns, the only ones tried on
// a line still being received, match a prefix of a line only if they match
// the whole line (no trailing $ or \b, no captures), and the global patterns
// are anchored at a start the prompt line cannot have. That is the contract
// under which chunking must not matter: a partial-line prompt match decides
// before the rest of the line arrives, by design (docs/fuzzing.md).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "harness/core/boot_checker.h"
#include "harness/core/suite_loader.h"
#include "tests/fuzz/fuzz_chunks.h"

namespace {

constexpr char kSuiteYaml[] = R"(
suite: fuzz-boot
timeout: 60s
fail:
  - '^ERROR:\s{2,}'
  - '^PANIC at PC : 0x'
  - '^### ERROR ###'
  - '^resetting \.\.\.'
repeat-fails:
  - '^F0: 102B 0000'
  - '^U-Boot \d{4}\.\d{2}'
stages:
  - name: bootrom
    expect: 'Jump to BL$'
    within: 5s
  - name: bl2
    expect: 'NOTICE:\s+BL2: v(?P<tfa_version>\d+\.\d+(\.\d+)?)'
    within: 2s
  - name: dram
    expect: 'EMI: Detected DRAM size: (?P<dram_mb>\d+)\s*MB\b'
    within: 5s
    check: ['dram_mb >= 4096', 'dram_mb < 0x4000']
  - name: bl31
    expect: 'NOTICE:\s+BL31: v\d+\.\d+'
    within: 3s
    interrupt: {on: 'BL31: Built', send: "x"}
  - name: uboot
    expect: 'U-Boot (?P<uboot_version>\d{4}\.\d{2}\S*) \((?P<uboot_date>[^)]+)\)'
    within: 5s
    check: 'uboot_version == build.uboot_banner'
  - name: prompt
    expect: '^BPI-R4> '
    within: 15s
    interrupt: {on: 'Hit any key to stop autoboot', send: "\x03"}
tests:
  - name: version
    send: version
    expect: 'U-Boot \d{4}\.\d{2}'
    timeout: 5s
  - name: printenv
    send: printenv
    expect: 'baudrate=115200$'
    fail: ['## Error', 'Unknown command\b']
    timeout: 5s
)";

const hilt::Suite& FuzzSuite() {
  static const hilt::Suite* suite = [] {
    auto loaded = hilt::LoadSuiteString(kSuiteYaml, "boot_checker_fuzz.yaml");
    if (!loaded.ok()) {
      std::fprintf(stderr, "boot_checker_fuzz: bad built-in suite: %s\n",
                   loaded.status().message().c_str());
      std::abort();
    }
    return new hilt::Suite(std::move(loaded).value());
  }();
  return *suite;
}

hilt::CheckerOptions Options(bool judge_time) {
  return hilt::CheckerOptions{.judge_time = judge_time,
                              .external_facts = {{"build.uboot_banner", "2024.04"}}};
}

struct Run {
  hilt::Verdict verdict;
  std::vector<std::string> sent;
};

Run Whole(std::string_view bytes, bool judge_time) {
  hilt::BootChecker checker(FuzzSuite(), Options(judge_time));
  std::vector<hilt::Action> actions;
  checker.Feed(bytes, hilt::Nanos(0), &actions);
  checker.Finish(hilt::Nanos(0));
  Run run{checker.verdict(), {}};
  for (const auto& a : actions) run.sent.push_back(a.send);
  return run;
}

// One nanosecond per chunk: times increase, yet no budget (seconds) can run
// out, so the verdict may not differ from the whole-buffer one.
Run Chunked(const std::vector<hilt::fuzz::Chunk>& chunks, bool judge_time) {
  hilt::BootChecker checker(FuzzSuite(), Options(judge_time));
  std::vector<hilt::Action> actions;
  hilt::Nanos t(0);
  for (const auto& chunk : chunks) {
    t += hilt::Nanos(1);
    checker.Feed(chunk.bytes, t, &actions);
    if (chunk.tick) checker.Tick(t, &actions);
  }
  checker.Finish(t);
  Run run{checker.verdict(), {}};
  for (const auto& a : actions) run.sent.push_back(a.send);
  return run;
}

std::string Describe(const Run& run) {
  const hilt::Verdict& v = run.verdict;
  std::string s = fmt::format("outcome {} failed '{}' reason '{}'\n", hilt::OutcomeName(v.outcome),
                              v.failed_stage, v.reason);
  for (const auto& st : v.stages) {
    s += fmt::format("  stage {} {} line '{}'\n", st.name, hilt::StageStatusName(st.status), st.line);
  }
  for (const auto& te : v.tests) {
    s += fmt::format("  test {} {} output '{}'\n", te.name, hilt::StageStatusName(te.status),
                     te.output);
  }
  for (const auto& [k, val] : v.facts) s += fmt::format("  fact {}={}\n", k, val);
  for (const auto& sent : run.sent) s += fmt::format("  sent '{}'\n", sent);
  return s;
}

// Times differ between the runs by construction; everything else may not.
// Reasons quote times when time is judged, so they are compared untimed.
// The prompt stage may match the line while it is being received, so its
// recorded line is the part seen then.
bool Same(const Run& a, const Run& b, bool compare_reason) {
  const hilt::Verdict& x = a.verdict;
  const hilt::Verdict& y = b.verdict;
  if (x.outcome != y.outcome || x.failed_stage != y.failed_stage) return false;
  if (compare_reason && x.reason != y.reason) return false;
  if (x.facts != y.facts || x.stages.size() != y.stages.size() || x.tests.size() != y.tests.size()) {
    return false;
  }
  for (size_t i = 0; i < x.stages.size(); ++i) {
    if (x.stages[i].status != y.stages[i].status) return false;
    if (i + 1 < x.stages.size() && x.stages[i].line != y.stages[i].line) return false;
  }
  for (size_t i = 0; i < x.tests.size(); ++i) {
    if (x.tests[i].status != y.tests[i].status || x.tests[i].output != y.tests[i].output) {
      return false;
    }
  }
  // Bytes typed: an interrupt may go out for a line a fail pattern then
  // fails, depending on the chunking, so only a passing run must agree.
  if (x.outcome == hilt::Outcome::kPass && a.sent != b.sent) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // HILT_FUZZ_VERBOSE=1 prints each input's verdict (to check a seed).
  static const bool verbose = std::getenv("HILT_FUZZ_VERBOSE") != nullptr;
  for (bool judge_time : {false, true}) {
    const Run reference = Whole(bytes, judge_time);
    if (verbose && !judge_time) std::fprintf(stderr, "%s", Describe(reference).c_str());
    if (reference.verdict.outcome == hilt::Outcome::kError) {
      std::fprintf(stderr, "boot_checker_fuzz: error verdict: %s\n",
                   reference.verdict.reason.c_str());
      std::abort();
    }
    // Building a checker (compiling the suite's regexes) costs more than
    // running it, so the timed pass tries one chunking only.
    std::vector<std::vector<hilt::fuzz::Chunk>> chunkings;
    if (judge_time) {
      chunkings.push_back(hilt::fuzz::RandomChunks(bytes, 2));
    } else {
      chunkings.push_back(hilt::fuzz::RandomChunks(bytes, 1));
      if (bytes.size() <= 16 * 1024) chunkings.push_back(hilt::fuzz::ByteChunks(bytes));
    }
    for (const auto& chunks : chunkings) {
      const Run run = Chunked(chunks, judge_time);
      if (!Same(reference, run, /*compare_reason=*/!judge_time)) {
        std::fprintf(stderr,
                     "boot_checker_fuzz: the verdict depends on the chunking (%zu chunks, "
                     "judge_time %d)\nwhole buffer:\n%s\nchunked:\n%s\n",
                     chunks.size(), judge_time, Describe(reference).c_str(),
                     Describe(run).c_str());
        std::abort();
      }
    }
  }
  return 0;
}
