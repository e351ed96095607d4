#!/usr/bin/env bash
# Failure drill: SIGTERM to `hilt run` in each state from loading the checker
# to writing the reports (see drills_sigterm_test.sh for what must hold),
# after result.json is written (the verdict stands), and SIGINT and SIGHUP
# at two states. About 10 s.
source "$(dirname "$0")/drills_common.sh"

start_sim
echo "== SIGTERM in each state: exit 3, verdict error, board off, card on host, no byte lost"
for point in checker console power-on boot typing cleanup reports; do
  term_at "$point"
done

echo "== SIGTERM after result.json is written: the verdict stands"
name=term-epilogue
transcript_mark
hilt_bg "$name" epilogue
wait_point "$name" epilogue
kill -TERM "$hilt_pid"
wait_hilt "$name" 20
expect_result "$name" 0 pass
[[ -s $tmp/$name/report.html ]] || fail "$name: report.html not written after the signal"
expect_safe "$name"
[[ $(bytes_lost "$name") == 0 ]] || fail "$name: bytes lost"
proves "SIGTERM after result.json: the written verdict stands (exit 0), report.html still written"

echo "== SIGTERM while the simulator starts as hilt's service (lab/sim-standins.yaml)"
name=term-services
lab=$src/lab/sim-standins.yaml hilt_bg "$name" services
wait_point "$name" services
kill -TERM "$hilt_pid"
wait_hilt "$name" 20
expect_result "$name" 3 error
[[ $(field "$name" 'r["failed_stage"]') == services ]] || fail "$name: failed_stage $(field "$name" 'r["failed_stage"]')"
no_leftovers "$name"
proves "SIGTERM at services: exit 3, error at services, the simulator service stopped with hilt"

echo "== SIGINT and SIGHUP behave as SIGTERM"
for sig in INT HUP; do
  for point in flash-write boot; do
    name=$sig-$point
    transcript_mark
    hilt_bg "$name" "$point"
    wait_point "$name" "$point"
    kill -"$sig" "$hilt_pid"
    wait_hilt "$name" 20
    expect_result "$name" 3 error
    expect_safe "$name"
    [[ $(bytes_lost "$name") == 0 ]] || fail "$name: bytes lost"
    no_leftovers "$name"
    proves "SIG$sig at $point: exit 3, error, board off, card on host, 0 bytes lost"
  done
done

echo "== a run after all of that passes"
transcript_mark
run_fg after
expect_result after 0 pass
[[ $(bytes_lost after) == 0 ]] || fail "after: bytes lost"
expect_safe after
proves "the lab is usable after every drill: the next run passes"

echo "PASS: $drills_passed drills"
