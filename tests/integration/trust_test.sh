#!/usr/bin/env bash
# The trust boundary (docs/security.md), end to end:
# 1. every suite in tests/data/suites/evil tries something beyond matching
#    and typing (commands, includes, YAML tags, anchors, ${VAR}); `hilt lint`
#    and `hilt run` refuse each with exit 2 at the position its first line
#    names ("# error: LINE:COL: text"), and `hilt run` does so before the
#    lab is touched (no service started, no run folder);
# 2. values from the environment reach lab commands as data: a state
#    folder whose name is full of shell syntax still boots the simulated
#    board and runs none of it; a hostile HILT_STANDIN_ARGS fails the build
#    (exit 3) without running anything.
# Costs about 3 s (two stand-in runs at HILT_SIM_SPEEDUP=40).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=${HILT_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
bin=${HILT_BINARY_DIR:-$src/build}/bin
HILT=${HILT:-$bin/hilt}
export HILT_SIM=${HILT_SIM:-$bin/hilt-sim}

# Short: the state folder below holds a unix socket (108 bytes at most).
tmp=$(mktemp -d /tmp/hb.XXXX)
trap '[[ -n ${KEEP:-} ]] || rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== hostile suites: exit 2 at the attempt, from lint and from run"
export HILT_STATE_DIR=$tmp/state
for evil in "$src"/tests/data/suites/evil/*.yaml; do
  want=$(head -n1 "$evil" | sed -n 's/^# error: //p')
  [[ -n $want ]] || fail "$evil has no '# error:' line"
  pos=${want%%: *} text=${want#*: }
  for cmd in lint run; do
    rc=0
    if [[ $cmd == lint ]]; then
      "$HILT" lint "$evil" >"$tmp/out" 2>&1 || rc=$?
    else
      "$HILT" run --lab "$src/lab/sim-standins.yaml" --suite "$evil" --out "$tmp/run" >"$tmp/out" 2>&1 || rc=$?
    fi
    [[ $rc -eq 2 ]] || fail "$cmd $(basename "$evil"): exit $rc, want 2: $(cat "$tmp/out")"
    grep -F "$evil:$pos: " "$tmp/out" | grep -qF -- "$text" ||
      fail "$cmd $(basename "$evil"): want '$evil:$pos: ...$text...', got: $(cat "$tmp/out")"
  done
  [[ ! -e $tmp/run && ! -e $HILT_STATE_DIR/sim ]] || fail "run $(basename "$evil"): the lab was touched"
done
[[ ! -e /tmp/hilt-pwned ]] || fail "a suite ran a command (/tmp/hilt-pwned exists)"

command -v mkimage >/dev/null && command -v fiptool >/dev/null && [[ -x $HILT_SIM ]] || {
  echo "SKIP (part 2): mkimage, fiptool or hilt-sim missing"; echo "PASS"; exit 0; }

echo "== a state folder named in shell syntax: the run passes, nothing runs"
mark=$tmp/p
# Each piece would create $mark if a shell parsed the value.
export HILT_STATE_DIR="$tmp/a\`touch\${IFS}$mark\`;\$(touch\${IFS}$mark)"
export HILT_SIM_SPEEDUP=40
unset HILT_SIM_FAULT HILT_STANDIN_ARGS
rc=0
"$HILT" run --lab "$src/lab/sim-standins.yaml" --suite "$src/suites/bpi-r4-sd-boot.yaml" \
  --out "$tmp/statedir" >"$tmp/statedir.out" 2>&1 || rc=$?
[[ ! -e $mark ]] || fail "statedir: the value was executed"
[[ $rc -eq 0 ]] || fail "statedir: exit $rc, want 0: $(tail -5 "$tmp/statedir.out")"
[[ -S $HILT_STATE_DIR/sim/uart.sock || -e $HILT_STATE_DIR/sim/card.img ]] ||
  fail "statedir: the simulator did not use the literal folder"

echo "== hostile build arguments: the build fails (exit 3), nothing runs"
rc=0
HILT_STANDIN_ARGS="--no-bl33;touch $mark|touch $mark&&touch $mark" \
  "$HILT" run --lab "$src/lab/sim-standins.yaml" --suite "$src/suites/bpi-r4-sd-boot.yaml" \
  --out "$tmp/args" >"$tmp/args.out" 2>&1 || rc=$?
[[ ! -e $mark ]] || fail "args: the value was executed"
[[ $rc -eq 3 ]] || fail "args: exit $rc, want 3: $(tail -5 "$tmp/args.out")"
echo "PASS"
