#!/usr/bin/env bash
# Failure drill: SIGTERM to `hilt run` in every state of a run. hilt is
# paused in the state by the test hook (drill_point.h), so the signal lands
# exactly there. Each must end with exit 3, verdict "error" in result.json,
# the board powered off, the card on the host, console.raw holding every
# byte the simulator sent (compared with its transcript uart.sent), and no
# process hilt started left running. This file: the states up to the card
# going to the board, and a build step in flight; drills_sigterm_late_test.sh
# has the rest. About 8 s.
source "$(dirname "$0")/drills_common.sh"

start_sim
echo "== SIGTERM in each state: exit 3, verdict error, board off, card on host, no byte lost"
for point in locked build image power-off mux-host block-device flash flash-write mux-dut; do
  term_at "$point"
done

echo "== SIGTERM while a build step runs: its process group goes, exit 3 naming the step"
name=term-in-build
hilt_bg_in_build "$name" 30
kill -TERM "$hilt_pid"
wait_hilt "$name" 10
expect_result "$name" 3 error
[[ $(field "$name" 'r["failed_stage"]') == build ]] || fail "$name: failed_stage is not build"
grep -q "build step 'standins'" "$tmp/$name/result.json" || fail "$name: the step is not named"
expect_safe "$name"
no_leftovers "$name"
proves "SIGTERM mid build step: the step's group is stopped, exit 3 naming 'standins'"

echo "PASS: $drills_passed drills"
