#!/usr/bin/env bash
# Console fidelity: floods a pty at 3 Mbaud's rate (~300 KB/s) through the
# real SerialConsole + ConsoleCapture while the consumer is slow, then checks
# that console.raw is byte-for-byte what was sent (sha256).
#
#   tests/bench/console_fidelity.sh [BUILD_DIR]      (needs -DHILT_BENCHMARKS=ON)
#   HILT_FIDELITY_SECONDS=5 tests/bench/console_fidelity.sh   quick check
set -euo pipefail
build=${1:-${HILT_BINARY_DIR:-build}}
bench=$build/bin/console_fidelity_bench
shim=$build/lib/libhilt_pty_shim.so
for f in "$bench" "$shim"; do
  [[ -e $f ]] || { echo "missing $f: configure with -DHILT_BENCHMARKS=ON and build console_fidelity_bench hilt_pty_shim"; exit 77; }
done
preload=$shim
# A sanitizer runtime must come first in LD_PRELOAD.
asan=$(ldd "$bench" | awk '/libasan/ {print $3}')
[[ -n $asan ]] && preload=$asan:$shim
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export HILT_FIDELITY_DIR=$dir HILT_FIDELITY_SECONDS=${HILT_FIDELITY_SECONDS:-60}
LD_PRELOAD=$preload "$bench" --benchmark_counters_tabular=true
sent=$(sha256sum < "$dir/sent.bin" | cut -d' ' -f1)
raw=$(sha256sum < "$dir/console.raw" | cut -d' ' -f1)
echo "sent       $(stat -c %s "$dir/sent.bin") bytes sha256 $sent"
echo "console.raw $(stat -c %s "$dir/console.raw") bytes sha256 $raw"
if [[ $sent != "$raw" ]]; then
  echo "FAIL: console.raw differs from what was sent"
  exit 1
fi
echo "PASS: zero bytes lost in ${HILT_FIDELITY_SECONDS}s"
