#!/bin/bash
# Four simulated boards of one lab boot at once: four hilt-sim daemons and
# four `hilt run --board sim-I` processes in parallel. Every verdict must be
# pass, and no byte may be lost: the simulator prints the same bytes on
# every boot of the same card, so each board's console.raw must hold the
# complete boot — byte-identical, up to the prompt, to the other boards'.
# All four record into one history database at once: no row may be lost.
set -u
: "${HILT:?set HILT to the hilt binary}" "${HILT_SOURCE_DIR:?}"
SRC=$HILT_SOURCE_DIR
export HILT_SIM=${HILT_SIM:-$(dirname "$HILT")/hilt-sim}
N=${HILT_MANY_BOARDS:-4}
"$HILT" run --help >/dev/null 2>&1 || { echo "skipped: this hilt has no run command"; exit 77; }
[ -x "$HILT_SIM" ] || { echo "skipped: $HILT_SIM not built"; exit 77; }
for tool in mkimage fiptool python3 flock; do
  command -v $tool >/dev/null || { echo "skipped: $tool not installed (ci/setup-deps)"; exit 77; }
done
TMP=$(mktemp -d /tmp/hilt-many.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export HILT_STATE_DIR=$TMP/state HILT_SIM_SPEEDUP=${HILT_SIM_SPEEDUP:-40}
export HILT_MANY_BUILD_PAUSE=0.3
unset HILT_SIM_FAULT HILT_STANDIN_ARGS
bash "$SRC/tests/integration/many_boards_lab.sh" "$N" "$TMP/lab.yaml"
SUITE=$SRC/suites/bpi-r4-sd-boot.yaml

start=$(date +%s.%N)
pids=()
for i in $(seq 1 "$N"); do
  "$HILT" run --lab "$TMP/lab.yaml" --suite "$SUITE" --board "sim-$i" --out "$TMP/run-$i" \
    >"$TMP/run-$i.out" 2>&1 &
  pids+=($!)
done
failures=0
for i in $(seq 1 "$N"); do
  wait "${pids[$((i - 1))]}"
  rc=$?
  [ $rc -eq 0 ] || { echo "FAIL: board sim-$i: exit $rc"; tail -5 "$TMP/run-$i.out"; failures=$((failures + 1)); }
done
echo "$N boards in $(python3 -c "import sys; print(round($(date +%s.%N) - $start, 1))") s"

python3 - "$TMP" "$N" <<'PY' || failures=$((failures + 1))
import json, sys
tmp, n = sys.argv[1], int(sys.argv[2])
boots = []
for i in range(1, n + 1):
    r = json.load(open(f'{tmp}/run-{i}/result.json'))
    assert r['verdict'] == 'pass', (i, r['verdict'], r.get('reason'))
    assert all(s['status'] == 'pass' for s in r['stages']), i
    raw = open(f'{tmp}/run-{i}/console.raw', 'rb').read()
    cut = raw.find(b'BPI-R4> ')
    assert cut > 0, f'board {i}: no prompt in console.raw'
    boots.append(raw[:cut])
for i, b in enumerate(boots[1:], 2):
    assert b == boots[0], f'board {i}: boot bytes differ from board 1 ({len(b)} vs {len(boots[0])} bytes)'
print(f'{n} verdicts pass; each console.raw holds the same {len(boots[0])}-byte boot')
PY
# The build steps of the concurrent runs took turns (hilt's build lock):
# steps.log alternates start, end; each step paused 0.3 s, long enough to
# overlap without the lock.
steps=$(tr '\n' ' ' <"$HILT_STATE_DIR/build/steps.log")
want=$(for _ in $(seq 1 "$N"); do printf 'start end '; done)
[ "$steps" = "$want" ] || { echo "FAIL: build steps overlapped: $steps"; failures=$((failures + 1)); }
grep -q "is building; waiting for" "$TMP"/run-*.out ||
  { echo "FAIL: no run said it waited for another's build"; failures=$((failures + 1)); }
# Every board finished at about the same time: the history has every run.
if "$HILT" history --help >/dev/null 2>&1; then
  got=$("$HILT" history --lab "$TMP/lab.yaml" --json --limit 1000 |
        python3 -c 'import json,sys; print(sorted(r["board"] for r in json.load(sys.stdin)))')
  want=$(python3 -c "print(sorted('sim-%d' % i for i in range(1, $N + 1)))")
  [ "$got" = "$want" ] || { echo "FAIL: history holds $got, expected $want"; failures=$((failures + 1)); }
fi

# --type: the first free board of the type, in the lab's order. Hold sim-1's
# lock (an flock on the file hilt locks, by one process that a kill releases)
# and the run must take sim-2.
mkdir -p "$HILT_STATE_DIR/locks"
holders=()
hold() {
  python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "a"); fcntl.flock(f, fcntl.LOCK_EX); open(sys.argv[1] + ".held", "w"); time.sleep(60)' \
    "$HILT_STATE_DIR/locks/$1.lock" </dev/null >/dev/null 2>&1 &
  holders+=($!)
  for _ in $(seq 50); do [ -e "$HILT_STATE_DIR/locks/$1.lock.held" ] && break; sleep 0.1; done
}
hold sim-1
"$HILT" run --lab "$TMP/lab.yaml" --suite "$SUITE" --type bpi-r4 --out "$TMP/run-type" --no-history \
  --keep-image >"$TMP/run-type.out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "hilt: board sim-2," "$TMP/run-type.out" ||
  { echo "FAIL: --type with sim-1 held: exit $rc, want a pass on sim-2"; tail -5 "$TMP/run-type.out"; failures=$((failures + 1)); }
# The card image stays only with --keep-image, and it is sparse: 4000 MiB
# apparent, about 1 MiB of blocks.
[ ! -e "$TMP/run-1/sd.img" ] && grep -q "sd.img removed after the run" "$TMP/run-1/image.log" ||
  { echo "FAIL: a run without --keep-image kept sd.img"; failures=$((failures + 1)); }
size=$(stat -c %s "$TMP/run-type/sd.img" 2>/dev/null || echo 0)
kib=$(du -k "$TMP/run-type/sd.img" 2>/dev/null | cut -f1)
[ "$size" -eq 4194304000 ] && [ "${kib:-999999}" -lt 16384 ] ||
  { echo "FAIL: --keep-image: sd.img $size bytes, $kib KiB on disk"; failures=$((failures + 1)); }
# Every board held: --wait bounds the wait, then exit 3 naming the busy boards.
for i in $(seq 2 "$N"); do hold "sim-$i"; done
"$HILT" run --lab "$TMP/lab.yaml" --suite "$SUITE" --type bpi-r4 --wait 1s --out "$TMP/run-busy" \
  >"$TMP/run-busy.out" 2>&1
rc=$?
[ $rc -eq 3 ] && grep -q "all $N board(s) of type 'bpi-r4' are busy" "$TMP/run-busy.out" &&
  grep -q "waited 1 s" "$TMP/run-busy.out" ||
  { echo "FAIL: --type with all boards held: exit $rc, want 3"; cat "$TMP/run-busy.out"; failures=$((failures + 1)); }
# ... and a board that frees up while it waits is taken.
( sleep 1; kill "${holders[2]}" ) &
"$HILT" run --lab "$TMP/lab.yaml" --suite "$SUITE" --type bpi-r4 --wait 30s --out "$TMP/run-wait" --no-history \
  >"$TMP/run-wait.out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "waiting up to 30 s" "$TMP/run-wait.out" && grep -q "hilt: board sim-3," "$TMP/run-wait.out" ||
  { echo "FAIL: --type --wait: exit $rc, want a pass on sim-3 after waiting"; cat "$TMP/run-wait.out"; failures=$((failures + 1)); }
# hilt repro takes --type too: with sim-1, sim-2 and sim-4 still held, the
# series runs on sim-3; its kept folders drop sd.img as hilt run's do.
"$HILT" repro --lab "$TMP/lab.yaml" --suite "$SUITE" --type bpi-r4 --runs 2 --keep-all --no-history \
  --out "$TMP/repro-type" >"$TMP/repro-type.out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "hilt repro: board sim-3," "$TMP/repro-type.out" &&
  grep -q 'flake rate: 0.0% (0 of 2)' "$TMP/repro-type.out" ||
  { echo "FAIL: repro --type: exit $rc, want two passes on sim-3"; cat "$TMP/repro-type.out"; failures=$((failures + 1)); }
[ -s "$TMP/repro-type/run-002/result.json" ] && [ ! -e "$TMP/repro-type/run-002/sd.img" ] &&
  grep -q "sd.img removed after the run" "$TMP/repro-type/run-002/image.log" ||
  { echo "FAIL: repro --keep-all kept no run folder, or kept sd.img"; failures=$((failures + 1)); }
kill "${holders[@]}" 2>/dev/null; wait "${holders[@]}" 2>/dev/null
# --board and --type exclude each other: bad usage.
"$HILT" run --lab "$TMP/lab.yaml" --suite "$SUITE" --type bpi-r4 --board sim-1 >"$TMP/both.out" 2>&1
rc=$?
[ $rc -eq 2 ] || { echo "FAIL: --board with --type: exit $rc, want 2"; failures=$((failures + 1)); }

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "many_boards_test: all checks passed"
