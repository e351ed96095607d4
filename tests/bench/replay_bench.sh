#!/bin/bash
# Replay benchmark: `hilt replay` (Release build) against a Python baseline
# that applies the same patterns line by line with `re`, as pexpect-based
# harnesses do, in the same run on the same log. Prints throughput, the
# ratio, and hilt's peak memory for a boot-like log and for one huge line.
#
# usage: tests/bench/replay_bench.sh [SIZE_MIB]     (default 256)
# env:   HILT=path to a Release hilt (default: builds build-release/bin/hilt)
#        BENCH_DIR=scratch folder (default: a temporary one; needs ~3x SIZE)
# Goals: >= 200 MB/s, >= 20x Python, peak RSS < 64 MiB.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SIZE=${1:-256}

if [ -z "${HILT:-}" ]; then
  cmake -S "$SRC" -B "$SRC/build-release" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
  ninja -C "$SRC/build-release" -j2 hilt >/dev/null
  HILT=$SRC/build-release/bin/hilt
fi
WORK=${BENCH_DIR:-$(mktemp -d)}
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK"

# The same 20 fail patterns and six BPI-R4 stages for both.
FAILS=(
  'ERROR:\s{2,}' 'BL2: Failed to load image id \d+' 'PANIC at PC : 0x'
  'Unhandled Exception (in EL3|from lower EL)' '### ERROR ### Please RESET the board ###'
  'Must RESET board to recover' '"Synchronous Abort" handler' 'Resetting CPU \.\.\.'
  'resetting \.\.\.' 'initcall failed at' 'Card did not respond to voltage select'
  'MMC: no card present' 'Kernel panic - not syncing' 'Internal error: Oops'
  'SError Interrupt on CPU\d+' 'Bad Linux ARM64 Image magic' 'Wrong Image Format for \w+ command'
  'DDR calibration fail(ed)?' 'Unable to handle kernel (NULL pointer|paging request)'
  'data abort\s+pc : \[<[0-9a-f]+>\]'
)
STAGES=(
  'bootrom Jump to BL'
  'bl2 NOTICE:\s+BL2: v(?P<tfa_version>\d+\.\d+(\.\d+)?)'
  'dram NOTICE:\s+EMI: Detected DRAM size: (?P<dram_mb>\d+)\s*MB'
  'bl31 NOTICE:\s+BL31: v\d+\.\d+'
  'uboot U-Boot (?P<uboot_version>\d{4}\.\d{2}\S*) \((?P<uboot_date>[^)]+)\)'
  'prompt BPI-R4>'
)
{
  echo "suite: replay-bench"
  echo "timeout: 60s"
  echo "fail:"
  for p in "${FAILS[@]}"; do echo "  - '$p'"; done
  echo "stages:"
  for s in "${STAGES[@]}"; do echo "  - {name: ${s%% *}, expect: '${s#* }'}"; done
} >"$WORK/suite.yaml"
{
  for p in "${FAILS[@]}"; do echo "fail $p"; done
  for s in "${STAGES[@]}"; do echo "stage $s"; done
} >"$WORK/patterns.txt"

echo "generating a ${SIZE} MiB boot-like log and a ${SIZE} MiB single line ..."
python3 "$SRC/tests/bench/gen_boot_log.py" "$SIZE" "$WORK/boot.raw"
head -c $((SIZE << 20)) /dev/zero | tr '\0' 'a' >"$WORK/oneline.raw"
BYTES=$(stat -c %s "$WORK/boot.raw")

# Times are CPU seconds (user + system, from /usr/bin/time): on a shared CI
# machine wall time mostly measures the neighbours. Wall time is shown too.
cpu() { awk -F': ' '/User time|System time/ {t += $2} END {printf "%.3f", t}' "$WORK/time-$1.txt"; }
wall() { awk '/Elapsed/ {n = split($NF, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; printf "%.3f", s}' "$WORK/time-$1.txt"; }
rss_mib() { awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$WORK/time-$1.txt"; }

# timed NAME WANT_RC CMD...: runs CMD under /usr/bin/time -v, checks its rc.
timed() {
  local name=$1 want=$2 rc=0
  shift 2
  /usr/bin/time -v -o "$WORK/time-$name.txt" "$@" >"$WORK/out-$name.txt" 2>&1 || rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "$name exited $rc, expected $want:"; tail -5 "$WORK/out-$name.txt"; exit 1
  fi
}

sync
timed hilt 0 "$HILT" replay --suite "$WORK/suite.yaml" --out "$WORK/replay-boot" "$WORK/boot.raw"
grep -q "verdict: PASS" "$WORK/out-hilt.txt" || { echo "hilt did not pass the log"; exit 1; }
timed oneline 1 "$HILT" replay --suite "$WORK/suite.yaml" --out "$WORK/replay-line" "$WORK/oneline.raw"
timed python 0 python3 "$SRC/tests/bench/baseline_replay.py" "$WORK/patterns.txt" "$WORK/boot.raw"
grep -q pass "$WORK/out-python.txt" || { echo "the Python baseline did not pass the log"; exit 1; }

awk -v bytes="$BYTES" -v size="$SIZE" \
    -v th="$(cpu hilt)" -v wh="$(wall hilt)" -v rh="$(rss_mib hilt)" \
    -v tp="$(cpu python)" -v wp="$(wall python)" \
    -v tl="$(cpu oneline)" -v rl="$(rss_mib oneline)" 'BEGIN {
  mb = bytes / 1e6
  if (th <= 0) th = 0.001
  if (tl <= 0) tl = 0.001
  printf "log: %.1f MB, 20 fail patterns, 6 stages, prompt on the last line\n", mb
  printf "hilt replay : %7.2f s CPU (%6.2f s wall)  %7.1f MB/s  peak RSS %5.1f MiB\n", th, wh, mb / th, rh
  printf "python re   : %7.2f s CPU (%6.2f s wall)  %7.1f MB/s\n", tp, wp, mb / tp
  printf "ratio       : %7.1fx\n", tp / th
  printf "one %d MiB line: hilt %.2f s CPU, %.1f MB/s, peak RSS %.1f MiB\n", size, tl, size * 1.048576 / tl, rl
  ok = (mb / th >= 200) && (tp / th >= 20) && (rh < 64) && (rl < 64)
  printf "goals (>= 200 MB/s, >= 20x Python, < 64 MiB): %s\n", ok ? "met" : "NOT met"
}'
