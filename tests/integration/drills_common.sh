# Sourced by tests/integration/drills_*_test.sh: the simulated lab of the
# failure drills (tests/data/drills/drill-lab.yaml), hilt stopped in a named
# state through the test hook HILT_TEST_PAUSE_AT (harness/runner/drill_point.h),
# and the checks every drill shares.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${HILT_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
bin=${HILT_BINARY_DIR:-$src/build}/bin
HILT=${HILT:-$bin/hilt}
export HILT_SIM=${HILT_SIM:-$bin/hilt-sim}
[[ -x $HILT_SIM ]] || { echo "SKIP: $HILT_SIM not built"; exit 77; }
for tool in mkimage fiptool python3 pgrep; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed (ci/setup-deps)"; exit 77; }
done

tmp=$(mktemp -d /tmp/hilt-drills.XXXXXX)
bg_pids=()
mounts=()
drills_cleanup() {
  local p m
  for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${bg_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || true; done
  if [[ -n ${DRILL_KEEP:-} ]]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap drills_cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
drills_passed=0
# proves TEXT: what the drill that just passed shows.
proves() { drills_passed=$((drills_passed + 1)); echo "  ok: $*"; }

export HILT_STATE_DIR=$tmp/state
export HILT_SIM_SPEEDUP=${HILT_SIM_SPEEDUP:-40}
export DRILL_SIM_DIR=$tmp/sim
unset HILT_SIM_FAULT HILT_STANDIN_ARGS HILT_TEST_PAUSE_AT HILT_TEST_PAUSE_FILE
drill_lab=$src/tests/data/drills/drill-lab.yaml
# It types at the prompt, so the run passes through every state, "typing" too.
suite=$src/suites/uboot-commands.yaml
pause=$tmp/pause

# start_sim: the simulated board, outside hilt (so it outlives a killed
# hilt); $sim_pid. A stopped one is replaced.
start_sim() {
  mkdir -p "$DRILL_SIM_DIR"
  [[ -e $tmp/card.img ]] || truncate -s 4000M "$tmp/card.img"
  "$HILT_SIM" --card "$tmp/card.img" --state-dir "$DRILL_SIM_DIR" --speedup "$HILT_SIM_SPEEDUP" \
    >>"$tmp/sim.out" 2>&1 &
  sim_pid=$!
  bg_pids+=("$sim_pid")
  local i
  for i in $(seq 200); do sim_status >/dev/null 2>&1 && return 0; sleep 0.02; done
  fail "hilt-sim did not start: $(tail -3 "$tmp/sim.out")"
}
sim_status() { "$HILT_SIM" ctl --state-dir "$DRILL_SIM_DIR" status; }
# expect_safe NAME: the board is off and the card on the host side.
expect_safe() {
  local s; s=$(sim_status) || fail "$1: the simulator does not answer"
  [[ $s == *"power=off"* ]] || fail "$1: board left powered: $s"
  [[ $s == *"mux=host"* ]] || fail "$1: card left on the board: $s"
}
# transcript_mark: remembers how much the simulator has sent so far.
# wait_sent TEXT SECONDS: until the simulator has sent TEXT since the mark.
wait_sent() {
  local i
  for ((i = 0; i < $2 * 20; i++)); do
    tail -c +$((mark + 1)) "$DRILL_SIM_DIR/uart.sent" 2>/dev/null | grep -qaF "$1" && return 0
    sleep 0.05
  done
  fail "the simulator did not send '$1' within $2 s"
}
transcript_mark() { mark=$(stat -c %s "$DRILL_SIM_DIR/uart.sent" 2>/dev/null || echo 0); }
# sent_since_mark FILE: what it sent since, into FILE.
sent_since_mark() { tail -c +$((mark + 1)) "$DRILL_SIM_DIR/uart.sent" >"$1"; }
# bytes_lost NAME [prefix]: 0 when console.raw holds exactly what the
# simulator sent to hilt (with "prefix": holds a prefix of it, for a hilt
# that was SIGKILLed and could not read the rest). Prints the count.
bytes_lost() {
  local raw=$tmp/$1/console.raw sent=$tmp/$1.sent
  sent_since_mark "$sent"
  [[ -f $raw ]] || raw=/dev/null  # stopped before the capture began
  local n_raw n_sent; n_raw=$(stat -c %s "$raw" 2>/dev/null || echo 0); n_sent=$(stat -c %s "$sent")
  if [[ ${2:-} == prefix ]]; then
    cmp -s -n "$n_raw" "$raw" "$sent" || { echo "console.raw differs from what was sent"; return; }
    echo 0
  else
    cmp -s "$raw" "$sent" || { echo "$((n_sent - n_raw)) (raw $n_raw, sent $n_sent)"; return; }
    echo 0
  fi
}

# hilt_bg NAME POINT [hilt run args]: starts `hilt run` on the drill lab,
# to pause at POINT (empty: no pause); $hilt_pid.
hilt_bg() {
  local name=$1 point=$2; shift 2
  rm -f "$pause"
  if [[ -n $point ]]; then
    HILT_TEST_PAUSE_AT=$point HILT_TEST_PAUSE_FILE=$pause \
      "$HILT" run --lab "${lab:-$drill_lab}" --suite "$suite" --out "$tmp/$name" --no-history "$@" \
      >"$tmp/$name.out" 2>&1 &
  else
    "$HILT" run --lab "${lab:-$drill_lab}" --suite "$suite" --out "$tmp/$name" --no-history "$@" \
      >"$tmp/$name.out" 2>&1 &
  fi
  hilt_pid=$!
}
# hilt_bg_in_build NAME SECONDS [SHELL_PREFIX]: hilt in the background, and
# back once its build step runs (SHELL_PREFIX, then a sleep of SECONDS).
hilt_bg_in_build() {
  local name=$1 seconds=$2 prefix=${3:-} marker=$tmp/build-started i
  rm -f "$marker"
  DRILL_BUILD_PREFIX="${prefix}touch $marker; sleep $seconds" hilt_bg "$name" ""
  for i in $(seq 500); do [[ -e $marker ]] && break; sleep 0.01; done
  [[ -e $marker ]] || fail "$name: the build step did not start"
}
# wait_point NAME POINT: until hilt says it is paused at POINT (10 s at most).
wait_point() {
  local i
  for i in $(seq 1000); do
    [[ -f $pause ]] && [[ $(cut -d' ' -f1 "$pause") == "$2" ]] && return 0
    kill -0 "$hilt_pid" 2>/dev/null || fail "$1: hilt ended before reaching $2: $(tail -5 "$tmp/$1.out")"
    sleep 0.01
  done
  fail "$1: hilt did not reach $2 within 10 s: $(tail -5 "$tmp/$1.out")"
}
# wait_hilt NAME [seconds]: its exit code in $rc; a hang is a failure.
wait_hilt() {
  local limit=${2:-30} i
  for i in $(seq $((limit * 20))); do
    kill -0 "$hilt_pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$hilt_pid" 2>/dev/null; then
    kill -KILL "$hilt_pid" 2>/dev/null || true
    fail "$1: hilt still runs after ${limit} s: $(tail -5 "$tmp/$1.out")"
  fi
  # `jobs` inside the redirection: bash's "Killed" note for the job goes to /dev/null.
  rc=0; { wait "$hilt_pid" || rc=$?; jobs >/dev/null; } 2>/dev/null
}
# run_fg NAME [hilt run args]: a run to its end; $rc.
run_fg() {
  local name=$1; shift
  hilt_bg "$name" "" "$@"
  wait_hilt "$name" 60
}
# field NAME EXPR: a Python expression on result.json's dict `r`.
field() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$tmp/$1/result.json" "$2"; }
# expect_result NAME RC VERDICT: exit code and result.json's verdict.
expect_result() {
  [[ $rc -eq $2 ]] || fail "$1: exit $rc, want $2: $(tail -5 "$tmp/$1.out")"
  [[ -f $tmp/$1/result.json ]] || fail "$1: no result.json"
  local got; got=$(field "$1" 'r["verdict"]')
  [[ $got == "$3" ]] || fail "$1: verdict $got, want $3 ($(field "$1" 'r.get("reason")'))"
}
# owned_procs: pids of live processes started by a hilt on this lab's board
# (they carry HILT_OWNER=<lock>:<pid>, harness/runner/leftovers.h).
owned_procs() {
  local lock=$HILT_STATE_DIR/locks/sim.lock f
  for f in $(grep -lzs "^HILT_OWNER=$lock:" /proc/[0-9]*/environ); do
    f=${f#/proc/}; echo "${f%/environ}"
  done
  return 0
}
# no_leftovers NAME: no process hilt started (build steps and their children,
# power and mux commands, services) outlives it; the drill's own simulator
# excepted. Found by their HILT_OWNER mark and by their command lines.
no_leftovers() {
  local i left=""
  for i in $(seq 50); do
    left=$( { owned_procs; pgrep -f -- "$tmp/state" || true;
              pgrep -f -- "state-dir $DRILL_SIM_DIR (power|mux)" || true; } | sort -u)
    [[ -z $left ]] && return 0
    sleep 0.02
  done
  fail "$1: processes left behind: $(ps -o pid,args -p "${left//$'\n'/,}" | tail -n +2)"
}

# recovered NAME: the run after a SIGKILL saw the dead holder, made the board
# safe before its build, and passed.
recovered() {
  local name=$1
  expect_result "$name" 0 pass
  grep -q "ended without cleanup: making the board safe first" "$tmp/$name/run.log" ||
    fail "$name: the run did not notice the dead holder: $(head -5 "$tmp/$name/run.log")"
  python3 - "$tmp/$name/run.log" <<'PY' || fail "$name: board not made safe before the build"
import sys
lines = open(sys.argv[1]).read().splitlines()
idx = lambda s: next(i for i, l in enumerate(lines) if s in l)
assert idx("power off") < idx("SD mux to host") < idx("build step"), lines[:8]
PY
  expect_safe "$name"
}

# kill_at POINT: SIGKILL to hilt paused at POINT; then what must hold (see
# drills_sigkill_test.sh), and a next run that recovers.
kill_at() {
  local point=$1 name=kill-$1 state lost
  transcript_mark
  hilt_bg "$name" "$point"
  wait_point "$name" "$point"
  kill -KILL "$hilt_pid"
  wait_hilt "$name" 5
  [[ $rc -eq 137 ]] || fail "$name: exit $rc, not killed"
  flock -n "$HILT_STATE_DIR/locks/sim.lock" true || fail "$name: the board lock is still held"
  state=$(sim_status)
  no_leftovers "$name"
  lost=$(bytes_lost "$name" prefix)
  [[ $lost == 0 ]] || fail "$name: console.raw is not what the simulator sent: $lost"
  transcript_mark
  run_fg "$name-next"
  recovered "$name-next"
  [[ $(bytes_lost "$name-next") == 0 ]] || fail "$name-next: bytes lost"
  proves "SIGKILL at $point (left ${state%% stage*}): lock free, no leftovers, raw a prefix of what was sent; next run made it safe first and passed"
}

# term_at POINT: SIGTERM to hilt paused at POINT; what must hold is in
# drills_sigterm_test.sh.
term_at() {
  local point=$1 name=term-$1 lost
  transcript_mark
  hilt_bg "$name" "$point"
  wait_point "$name" "$point"
  # At `boot` hilt has just powered the board on: let the board print BL2
  # (the capture thread reads on while hilt's main thread is paused), so the
  # no-byte-lost check below compares a real boot, not two empty files.
  if [[ $point == boot ]]; then wait_sent 'NOTICE:  BL2' 20; fi
  kill -TERM "$hilt_pid"
  wait_hilt "$name" 20
  expect_result "$name" 3 error
  grep -q "cancelled" "$tmp/$name/result.json" || fail "$name: result.json does not say it was cancelled"
  expect_safe "$name"
  lost=$(bytes_lost "$name")
  [[ $lost == 0 ]] || fail "$name: bytes lost: $lost"
  case $point in boot|typing|cleanup|reports)  # the board had printed: the comparison is not of two empty files
    grep -qaF 'NOTICE:  BL2' "$tmp/$name/console.raw" || fail "$name: console.raw lacks the boot";;
  esac
  no_leftovers "$name"
  proves "SIGTERM at $point: exit 3, error ($(field "$name" 'r.get("failed_stage")')), board off, card on host, 0 bytes lost"
}
