#!/bin/bash
# Benchmark: N simulated boards (default 16) of one lab booting at once, each
# its own hilt-sim and `hilt run`, against the baseline of ONE board alone in
# the same invocation. Prints both wall times and the ratio; exits non-zero
# if a verdict is wrong or a boot lost bytes (many_boards_test.sh's checks).
#   tests/bench/many_boards.sh [N]      (HILT, HILT_SIM: binaries; default build/bin)
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
export HILT=${HILT:-$src/build/bin/hilt} HILT_SOURCE_DIR=$src
n=${1:-16}
t() { local s e; s=$(date +%s.%N); HILT_MANY_BOARDS=$1 bash "$src/tests/integration/many_boards_test.sh" >&2; e=$(date +%s.%N); python3 -c "print(round($e - $s, 2))"; }
one=$(t 1)
many=$(t "$n")
echo "1 board: ${one} s; $n boards at once: ${many} s; ratio $(python3 -c "print(round($many / $one, 2))") (ideal 1.0, serial $n)"
