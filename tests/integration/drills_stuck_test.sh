#!/usr/bin/env bash
# Failure drills: lab pieces that do not stop. A build step that ignores
# SIGTERM (at its timeout, and when hilt is told to stop): hilt sends SIGTERM
# to its process group, SIGKILL after the 2 s grace, and ends with exit 3
# naming the step. A simulator hung on its control socket (SIGSTOPped; the
# lab's power command waits an hour for an answer): timeouts.power ends the
# command, exit 3, and the cleanup's own power off and mux are bounded too.
# A flash that stalls past timeouts.flash: exit 3. Nothing hangs, nothing is
# left running. About 20 s.
source "$(dirname "$0")/drills_common.sh"

start_sim
echo "== a build step that ignores SIGTERM hits its timeout"
name=build-timeout
start=$SECONDS
DRILL_BUILD_PREFIX="trap '' TERM; sleep 30" DRILL_BUILD_TIMEOUT=1s run_fg "$name"
expect_result "$name" 3 error
took=$((SECONDS - start))
reason=$(field "$name" 'r["reason"]')
[[ $reason == *"build step 'standins'"* && $reason == *"timed out, then killed by signal 9"* ]] ||
  fail "$name: reason: $reason"
(( took <= 8 )) || fail "$name: took $took s (1 s timeout + 2 s grace)"
expect_safe "$name"
no_leftovers "$name"
proves "build step ignoring SIGTERM past its 1 s timeout: SIGKILL to its group after the grace, exit 3 naming 'standins' in ${took} s"

echo "== a build step that ignores SIGTERM when hilt is told to stop"
name=build-term
hilt_bg_in_build "$name" 30 "trap '' TERM; "
start=$SECONDS
kill -TERM "$hilt_pid"
wait_hilt "$name" 10
took=$((SECONDS - start))
expect_result "$name" 3 error
[[ $(field "$name" 'r["reason"]') == *"cancelled"* ]] || fail "$name: reason: $(field "$name" 'r["reason"]')"
expect_safe "$name"
no_leftovers "$name"
proves "SIGTERM to hilt during a build step that ignores SIGTERM: escalated to SIGKILL, exit 3 in ${took} s"

echo "== the simulator hangs on its control socket"
name=ctl-hang
transcript_mark
DRILL_CTL_TIMEOUT=3600 DRILL_TIMEOUT_POWER=1s DRILL_TIMEOUT_MUX=1s hilt_bg "$name" power-on
wait_point "$name" power-on
kill -STOP "$sim_pid"
start=$SECONDS
rm -f "$pause"
wait_hilt "$name" 20
took=$((SECONDS - start))
kill -CONT "$sim_pid"
expect_result "$name" 3 error
reason=$(field "$name" 'r["reason"]')
[[ $reason == *"power on"*"timed out"* ]] || fail "$name: reason: $reason"
field "$name" 'r["infra_errors"]' | grep -q "cleanup: power off" || fail "$name: the cleanup's power off is not reported"
(( took <= 8 )) || fail "$name: took $took s with 1 s power and mux timeouts"
no_leftovers "$name"
[[ $(bytes_lost "$name") == 0 ]] || fail "$name: bytes lost"
proves "simulator hung on ctl: power on ends at timeouts.power, cleanup bounded too, exit 3 in ${took} s, no ctl left running"
# It answers again: the next run finds the board as the queued requests left it, and passes.
transcript_mark
run_fg "$name-next"
expect_result "$name-next" 0 pass
expect_safe "$name-next"
proves "after the hang the next run passes"

echo "== a flash that stalls past timeouts.flash"
name=flash-timeout
DRILL_TIMEOUT_FLASH=1s hilt_bg "$name" flash-write
wait_point "$name" flash-write
sleep 1.2   # longer than the timeout: the deadline has passed for sure
rm -f "$pause"
wait_hilt "$name" 20
expect_result "$name" 3 error
[[ $(field "$name" 'r["failed_stage"]') == flash ]] || fail "$name: failed_stage $(field "$name" 'r["failed_stage"]')"
[[ $(field "$name" 'r["reason"]') == *"timeouts.flash (1 s)"* ]] || fail "$name: reason: $(field "$name" 'r["reason"]')"
expect_safe "$name"
proves "a flash past timeouts.flash: stopped between chunks, exit 3 at flash"

echo "PASS: $drills_passed drills"
