#!/usr/bin/env bash
# Resource bounds end to end (docs/security.md): the simulated board floods
# its UART after U-Boot's DRAM line (HILT_SIM_FAULT=flood:10M: 10 MB/s of
# lines; endless-line:10M: one line without a newline). With a 1 MiB
# console-log cap and a 3 s suite timeout, `hilt run` must:
#   - end at the timeout, exit 1, failed at the prompt (the stage it stalled in);
#   - leave console.raw at exactly the cap, and say so in console.log (one
#     marker line) and in result.json's notes;
#   - stay under a peak RSS bound (HILT_FLOOD_MAX_RSS_KB, default 150 MiB;
#     measured figures are in docs/security.md).
# Costs about 10 s (two runs of ~4 s, stand-in firmware).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=${HILT_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
bin=${HILT_BINARY_DIR:-$src/build}/bin
HILT=${HILT:-$bin/hilt}
export HILT_SIM=${HILT_SIM:-$bin/hilt-sim}
[[ -x $HILT_SIM ]] || { echo "SKIP: $HILT_SIM not built"; exit 77; }
for tool in mkimage fiptool python3; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed (ci/setup-deps)"; exit 77; }
done
[[ -x /usr/bin/time ]] || { echo "SKIP: /usr/bin/time not installed (Debian: time)"; exit 77; }
max_rss_kb=${HILT_FLOOD_MAX_RSS_KB:-153600}

tmp=$(mktemp -d /tmp/hilt-flood.XXXXXX)
trap '[[ -n ${KEEP:-} ]] || rm -rf "$tmp"' EXIT
fault=
# On a failure, what the run itself said, so a CI log is enough to tell why.
fail() {
  echo "FAIL: $*" >&2
  if [[ -n $fault ]]; then
    echo "--- hilt's output:" >&2; tail -20 "$tmp/$fault.out" >&2 || true
    echo "--- run.log:" >&2; tail -30 "$tmp/$fault/run.log" >&2 || true
    echo "--- result.json reason: $(field "$fault" 'r["reason"]' 2>/dev/null)" >&2
    echo "--- load: $(cat /proc/loadavg)" >&2
  fi
  exit 1
}

export HILT_STATE_DIR=$tmp/state
export HILT_SIM_SPEEDUP=40
unset HILT_STANDIN_ARGS
export HILT_STANDINS=$src/fixtures/firmware/make-standins.sh
# The stand-in lab with a 1 MiB cap; its relative layout made absolute.
sed "s|layout: layouts/|layout: $src/lab/layouts/|" "$src/lab/sim-standins.yaml" >"$tmp/lab.yaml"
printf 'limits:\n  console-log: 1MiB\n' >>"$tmp/lab.yaml"
sed 's/^timeout: .*/timeout: 3s/' "$src/suites/bpi-r4-sd-boot.yaml" >"$tmp/suite.yaml"
grep -q '^timeout: 3s' "$tmp/suite.yaml" || fail "could not shorten the suite timeout"
field() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$tmp/$1/result.json" "$2"; }

for fault in flood endless-line; do
  echo "== $fault at 10 MB/s"
  rc=0
  start=$(date +%s.%N)
  HILT_SIM_FAULT=$fault:10M /usr/bin/time -f '%M' -o "$tmp/$fault.rss" \
    "$HILT" run --lab "$tmp/lab.yaml" --suite "$tmp/suite.yaml" --out "$tmp/$fault" >"$tmp/$fault.out" 2>&1 || rc=$?
  secs=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$start" "$(date +%s.%N)")
  rss=$(tail -1 "$tmp/$fault.rss")
  raw=$(stat -c %s "$tmp/$fault/console.raw")
  echo "$fault: exit $rc in ${secs}s, peak RSS ${rss} KiB, console.raw $raw bytes, console.log $(stat -c %s "$tmp/$fault/console.log") bytes"
  [[ -f $tmp/$fault/result.json ]] && echo "$fault: notes: $(field "$fault" 'r["notes"]')"
  [[ $rc -eq 1 ]] || fail "$fault: exit $rc, want 1: $(tail -5 "$tmp/$fault.out")"
  [[ $(field "$fault" 'r["failed_stage"]') == prompt ]] || fail "$fault: failed at $(field "$fault" 'r["failed_stage"]')"
  [[ $raw -eq 1048576 ]] || fail "$fault: console.raw is $raw bytes, want the cap 1048576"
  [[ $rss -le $max_rss_kb ]] || fail "$fault: peak RSS $rss KiB over $max_rss_kb KiB"
  python3 - "$tmp/$fault/result.json" <<'PY' || fail "$fault: result.json notes: $(field "$fault" 'r["notes"]')"
import json, re, sys
notes = json.load(open(sys.argv[1]))["notes"]
for f in ("console.raw", "console.log"):
    m = [n for n in notes if re.match(f + r" capped at 1048576 bytes of console output .* the (\d+) bytes", n)]
    assert m, f
    dropped = int(re.search(r"the (\d+) bytes", m[0]).group(1))
    assert dropped > 1_000_000, (f, dropped)  # ~2.5 s at 10 MB/s, minus what was capped
PY
  [[ $(grep -c '### hilt: console log capped at 1048576 bytes' "$tmp/$fault/console.log") -eq 1 ]] ||
    fail "$fault: console.log has no single marker line"
  [[ $(tail -1 "$tmp/$fault/console.log") == *"### hilt: console log capped"* ]] ||
    fail "$fault: the marker is not the last line of console.log"
  grep -q 'note: console.raw capped' "$tmp/$fault/run.log" || fail "$fault: run.log does not say it"
  python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 20 else 1)" "$secs" || fail "$fault: took ${secs}s"
done
echo "PASS"
