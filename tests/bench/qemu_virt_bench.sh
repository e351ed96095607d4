#!/usr/bin/env bash
# hilt's own cost on the QEMU virt boot (lab/qemu-virt.yaml), two figures:
#
#  1. overhead: from the arrival of the last byte the board sent (the final
#     prompt) to the verdict written (power off, console drained, result.json
#     on disk; junit.xml and report.html follow). From hilt's own records:
#     console.log stamps each line's first byte since power-on; run.log
#     stamps "power on" and the "verdict" line (printed once result.json is
#     on disk) since the start of the run. Resolution 1 ms. Goal: under 20 ms.
#  2. the whole `hilt run` (cached build step, image, flash, boot, checks,
#     cleanup, reports) against a plain pipeline in the same run: QEMU with
#     its UART on stdout piped into a matcher that sends Ctrl-C at "Hit any
#     key" (as the suite does) and stops at the first "=> ". `grep -m1 '=> '`
#     itself cannot be the matcher: the prompt ends no line, so grep would
#     wait forever. Goal: at most 1.2x, the ratio of the two medians. Also
#     reported: the median of the per-pair ratios (each hilt run against the
#     plain run after it), and hilt's fixed part, its whole run less the boot
#     from power on to the prompt's last byte (console.log), which the
#     board's speed on a busy machine does not move.
#
#   tests/bench/qemu_virt_bench.sh [RUNS]     (default 5; build/bin/hilt or $HILT)
#
# Runs are interleaved (hilt, plain, hilt, ...) so load on a shared machine
# hits both alike; medians are reported. The suite for the timing has no
# prompt tests, so both stop at the first prompt.
set -euo pipefail

SRC_DIR=$(cd "$(dirname "$0")/../.." && pwd)
HILT=${HILT:-$SRC_DIR/build/bin/hilt}
RUNS=${1:-5}
LAB=$SRC_DIR/lab/qemu-virt.yaml
command -v qemu-system-aarch64 >/dev/null || { echo "SKIP: no qemu-system-aarch64"; exit 77; }
[[ -x $HILT ]] || { echo "no hilt binary at $HILT (build it, or set HILT)" >&2; exit 2; }

TMP=$(mktemp -d /tmp/hilt-qbench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export HILT_STATE_DIR=$TMP/state
export HILT_CACHE_DIR=${HILT_TEST_FIRMWARE_CACHE:-${HILT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hilt/firmware}}

# The suite without its prompt tests: the run ends at the first prompt.
python3 - "$SRC_DIR/suites/qemu-virt-boot.yaml" "$TMP/boot-only.yaml" <<'EOF'
import sys
text = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(text[: text.index("\ntests:")] + "\n")
EOF

# A first run builds (or takes from the cache) and leaves flash.bin for the
# plain pipeline.
"$HILT" run --lab "$LAB" --suite "$TMP/boot-only.yaml" --out "$TMP/warm" >"$TMP/warm.out" 2>&1 ||
  { cat "$TMP/warm.out" >&2; echo "the warm-up run failed" >&2; exit 1; }
cp "$HILT_STATE_DIR/qemu/flash.bin" "$TMP/flash.bin"

plain() { # seconds for QEMU to the first prompt, autoboot interrupted, QEMU stopped
  python3 - "$TMP/flash.bin" <<'EOF'
import os, subprocess, sys, time
t0 = time.monotonic()
q = subprocess.Popen(["qemu-system-aarch64", "-machine", "virt,secure=on", "-cpu", "cortex-a57",
                      "-smp", "2", "-m", "1024", "-bios", sys.argv[1], "-display", "none",
                      "-monitor", "none", "-nic", "none", "-serial", "stdio"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
seen, sent = b"", False
while True:
    chunk = os.read(q.stdout.fileno(), 65536)
    if not chunk:
        sys.exit("qemu ended before the prompt")
    seen += chunk
    if not sent and b"Hit any key" in seen:
        q.stdin.write(b"\x03"); q.stdin.flush(); sent = True
    if sent and b"\n=> " in seen[seen.index(b"Hit any key"):]:
        break
q.terminate(); q.wait()
print(f"{time.monotonic() - t0:.4f}")
EOF
}

hilt_once() { # NAME: prints "whole-run-seconds overhead-ms fixed-ms"
  local out=$TMP/$1 t0 t1
  t0=$(date +%s.%N)
  "$HILT" run --lab "$LAB" --suite "$TMP/boot-only.yaml" --out "$out" >"$out.out" 2>&1 ||
    { cat "$out.out" >&2; echo "hilt run $1 failed" >&2; exit 1; }
  t1=$(date +%s.%N)
  python3 - "$out" "$t0" "$t1" <<'EOF'
import re, sys
out, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
run_log = open(out + "/run.log").read()
power_on = float(re.findall(r"^\[\s*([\d.]+)\] power on$", run_log, re.M)[-1])
verdict = float(re.findall(r"^\[\s*([\d.]+)\] verdict ", run_log, re.M)[-1])
last = [l for l in open(out + "/console.log") if l.startswith("[")][-1]
last_byte = float(re.match(r"\[\s*([\d.]+)\]", last).group(1))
print(f"{t1 - t0:.4f} {(verdict - (power_on + last_byte)) * 1000:.1f} {(t1 - t0 - last_byte) * 1000:.1f}")
EOF
}

declare -a whole overhead fixed base pair
for i in $(seq "$RUNS"); do
  read -r w o f < <(hilt_once "run$i")
  whole+=("$w"); overhead+=("$o"); fixed+=("$f")
  base+=("$(plain)")
  pair+=("$(awk -v a="$w" -v b="${base[-1]}" 'BEGIN {printf "%.3f", a / b}')")
  echo "run $i: hilt ${w}s (overhead ${o} ms, fixed ${f} ms), plain ${base[-1]}s, ratio ${pair[-1]}"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mw=$(median "${whole[@]}"); mo=$(median "${overhead[@]}"); mb=$(median "${base[@]}")
ratio=$(awk -v a="$mw" -v b="$mb" 'BEGIN {printf "%.2f", a / b}')
echo "overhead, last byte to verdict written: median ${mo} ms (goal < 20 ms)"
echo "whole run: hilt median ${mw} s, plain qemu pipeline median ${mb} s, ratio ${ratio}x (goal <= 1.2x)"
echo "per-pair ratio: median $(median "${pair[@]}")x; hilt's fixed part (whole run less the boot): median $(median "${fixed[@]}") ms"
