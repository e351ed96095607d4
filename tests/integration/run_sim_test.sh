#!/usr/bin/env bash
# `hilt run` end to end on the simulated lab with stand-in firmware (lab/sim-standins.yaml): a good boot
# passes; each simulator fault fails at its stage (exit 1); a FIP without
# U-Boot fails at bl31; a killed simulator and a SIGTERM to hilt are lab
# errors (exit 3) that leave the board powered off and the card on the host.
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

tmp=$(mktemp -d /tmp/hilt-run-test.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

export HILT_STATE_DIR=$tmp/state
export HILT_SIM_SPEEDUP=${HILT_SIM_SPEEDUP:-40}
unset HILT_SIM_FAULT HILT_STANDIN_ARGS
lab=$src/lab/sim-standins.yaml
suite=$src/suites/bpi-r4-sd-boot.yaml

# run NAME [hilt run args...]: runs hilt, sets $rc; output in $tmp/NAME.out.
run() {
  local name=$1 s=$suite; shift
  if [[ ${1:-} == --suite ]]; then s=$2; shift 2; fi
  rc=0
  "$HILT" run --lab "$lab" --suite "$s" --out "$tmp/$name" "$@" >"$tmp/$name.out" 2>&1 || rc=$?
}
# field NAME EXPR: a Python expression on result.json's dict `r`.
field() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$tmp/$1/result.json" "$2"; }
expect() {  # expect NAME RC VERDICT [FAILED_STAGE]
  local name=$1 want_rc=$2 verdict=$3 stage=${4:-}
  [[ $rc -eq $want_rc ]] || fail "$name: exit $rc, want $want_rc; $(tail -5 "$tmp/$name.out")"
  [[ -f $tmp/$name/result.json ]] || fail "$name: no result.json"
  local got; got=$(field "$name" 'r["verdict"]')
  [[ $got == "$verdict" ]] || fail "$name: verdict $got, want $verdict ($(field "$name" 'r.get("reason")'))"
  if [[ -n $stage ]]; then
    got=$(field "$name" 'r.get("failed_stage")')
    [[ $got == "$stage" ]] || fail "$name: failed at '$got', want '$stage' ($(field "$name" 'r.get("reason")'))"
  fi
}

echo "== lint accepts the shipped lab configs"
"$HILT" lint --lab "$lab" --lab "$src/lab/bpi-r4.example.yaml" >/dev/null || fail "lint rejected a shipped lab"

echo "== a good boot passes"
run good
expect good 0 pass
[[ $(field good 'sum(s["status"] == "pass" for s in r["stages"])') -eq 6 ]] || fail "good: not all six stages passed"
for f in console.raw console.log result.json junit.xml build.log flash.log run.log; do
  [[ -s $tmp/good/$f ]] || fail "good: $f missing or empty"
done
grep -qaF 'BPI-R4> ' "$tmp/good/console.raw" || fail "good: console.raw lacks the prompt"
if command -v xmllint >/dev/null; then xmllint --noout "$tmp/good/junit.xml" || fail "good: junit.xml not well-formed"; fi

echo "== faults fail the board (exit 1) at their stage"
for case in dram-fail:dram reset-loop:bl31; do
  fault=${case%%:*} stage=${case#*:}
  HILT_SIM_FAULT=$fault run "fault-$fault"
  expect "fault-$fault" 1 fail "$stage"
done
# A hang is only seen when the prompt's 15 s budget runs out: a copy of the
# suite with a 2 s budget keeps the test short.
sed 's/within: 15s/within: 2s/' "$suite" >"$tmp/short-prompt.yaml"
HILT_SIM_FAULT=hang-in-uboot run fault-hang-in-uboot --suite "$tmp/short-prompt.yaml"
expect fault-hang-in-uboot 1 fail prompt
echo "== uart-noise where no stage looks still passes"
HILT_SIM_FAULT=uart-noise run noise
expect noise 0 pass
echo "== slow-boot misses a budget (at the board's real pace)"
HILT_SIM_FAULT=slow-boot HILT_SIM_SPEEDUP=1 run slow
expect slow 1 fail dram

echo "== a FIP without U-Boot fails at bl31"
HILT_STANDIN_ARGS=--no-bl33 run nobl33
expect nobl33 1 fail bl31

echo "== a failing build step is a lab error naming the command"
HILT_STANDINS=false run badbuild
expect badbuild 3 error build
grep -q "build step 'standins'" "$tmp/badbuild.out" || fail "badbuild: message does not name the step"

echo "== a killed simulator is a lab error (exit 3), never a board failure"
HILT_SIM_SPEEDUP=4 "$HILT" run --lab "$lab" --suite "$suite" --out "$tmp/killed" >"$tmp/killed.out" 2>&1 &
hilt_pid=$!
for i in $(seq 200); do
  grep -qaF 'NOTICE:  BL2' "$tmp/killed/console.raw" 2>/dev/null && break
  sleep 0.05
done
kill -9 "$(cat "$HILT_STATE_DIR/sim/hilt-sim.pid")"
rc=0; wait $hilt_pid || rc=$?
expect killed 3 error

echo "== SIGTERM to hilt mid-boot: exit 3, verdict error, board off, card on the host"
simdir=$tmp/extsim
mkdir -p "$simdir"
truncate -s 4000M "$tmp/extcard.img"
"$HILT_SIM" --card "$tmp/extcard.img" --state-dir "$simdir" --speedup 4 >"$tmp/extsim.out" 2>&1 &
pids+=($!)
for i in $(seq 100); do "$HILT_SIM" ctl --state-dir "$simdir" status >/dev/null 2>&1 && break; sleep 0.05; done
HILT_TEST_SIM_DIR=$simdir "$HILT" run --lab "$src/tests/data/runner/sim-external.yaml" --suite "$suite" \
  --out "$tmp/term" >"$tmp/term.out" 2>&1 &
hilt_pid=$!
for i in $(seq 200); do
  grep -qaF 'NOTICE:  BL2' "$tmp/term/console.raw" 2>/dev/null && break
  sleep 0.05
done
kill -TERM $hilt_pid
rc=0; wait $hilt_pid || rc=$?
expect term 3 error
status=$("$HILT_SIM" ctl --state-dir "$simdir" status)
[[ $status == *"power=off"* ]] || fail "term: board left powered: $status"
[[ $status == *"mux=host"* ]] || fail "term: card left on the board: $status"
grep -q "cancelled" "$tmp/term/result.json" || fail "term: result.json does not say it was cancelled"

echo "== a busy board is refused with its holder"
mkdir -p "$HILT_STATE_DIR/locks"
python3 - "$HILT_STATE_DIR/locks/sim.lock" <<'PY' &
import fcntl, sys, time
f = open(sys.argv[1], "a+"); fcntl.flock(f, fcntl.LOCK_EX); f.truncate(0)
f.write("pid=4242 host=labhost since=2024-01-01T00:00:00Z\n"); f.flush(); time.sleep(30)
PY
pids+=($!)
for i in $(seq 100); do grep -q "pid=4242" "$HILT_STATE_DIR/locks/sim.lock" && break; sleep 0.05; done
rc=0; "$HILT" power off --lab "$lab" >"$tmp/busy.out" 2>&1 || rc=$?
[[ $rc -eq 3 ]] || fail "busy: exit $rc"
grep -q "in use by pid 4242 on host labhost since 2024-01-01T00:00:00Z" "$tmp/busy.out" || fail "busy: $(cat "$tmp/busy.out")"

echo "PASS"
