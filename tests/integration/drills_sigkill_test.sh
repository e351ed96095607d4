#!/usr/bin/env bash
# Failure drill: SIGKILL of `hilt run` in each state up to the card going to
# the board (drills_sigkill_late_test.sh has the rest). Nothing runs in hilt
# after a SIGKILL, so the board may be left powered (the simulator's state
# right after the kill is printed); what must hold: the board lock is free at
# once, the processes hilt started die with it (their leaders through
# PR_SET_PDEATHSIG; what they started is ended by the next holder of the
# lock), console.raw is an exact prefix of what the simulator sent, and the
# next run sees the dead holder, powers the board off and moves the card to
# the host before its build, and passes. About 25 s.
source "$(dirname "$0")/drills_common.sh"

start_sim
echo "== SIGKILL in each state: lock free, nothing left running, the next run recovers and passes"
for point in locked build image power-off mux-host block-device flash flash-write mux-dut; do
  kill_at "$point"
done

echo "== SIGKILL while a build step runs: the step dies with hilt, its children with the next run's lock"
name=kill-in-build
hilt_bg_in_build "$name" 31
# The marker is touched just before the shell forks its sleep: wait for it.
for i in $(seq 500); do
  for p in $(owned_procs); do [[ $(tr '\0' ' ' </proc/$p/cmdline 2>/dev/null) == "sleep 31 " ]] && break 2; done
  sleep 0.01
done
kill -KILL "$hilt_pid"
wait_hilt "$name" 5
for i in $(seq 100); do pgrep -f -- "$tmp/state/build" >/dev/null || break; sleep 0.02; done
pgrep -f -- "$tmp/state/build" >/dev/null && fail "$name: the build step's shell outlived hilt"
orphans=$(owned_procs)
[[ -n $orphans ]] || fail "$name: expected the step's 'sleep' to outlive hilt (is the drill still testing anything?)"
run_fg "$name-next"
recovered "$name-next"
grep -q "ended 1 process(es) it had left running" "$tmp/$name-next/run.log" ||
  fail "$name-next: the leftover was not ended: $(grep -m1 'without cleanup' "$tmp/$name-next/run.log")"
no_leftovers "$name-next"
proves "SIGKILL mid build step: the step's shell dies with hilt; its child 'sleep' is ended by the next run, which passes"

echo "PASS: $drills_passed drills"
