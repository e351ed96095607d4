#!/usr/bin/env bash
# Failure drill: SIGTERM (and SIGINT, SIGHUP) to `hilt run` in every state of
# a run. hilt is paused in the state by the test hook (drill_point.h), so the
# signal lands exactly there. Each must end with exit 3, verdict "error" in
# result.json, the board powered off, the card on the host, console.raw
# holding every byte the simulator sent (compared with its transcript
# uart.sent), and no process hilt started left running. About 25 s.
source "$(dirname "$0")/drills_common.sh"

points=(locked build image power-off mux-host block-device flash flash-write mux-dut checker console
        power-on boot typing cleanup reports)

start_sim
echo "== SIGTERM in every state: exit 3, verdict error, board off, card on host, no byte lost"
for point in "${points[@]}"; do
  name=term-$point
  transcript_mark
  hilt_bg "$name" "$point"
  wait_point "$name" "$point"
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

echo "== SIGTERM while a build step runs: its process group goes, exit 3 naming the step"
name=term-in-build
marker=$tmp/build-started
DRILL_BUILD_PREFIX="touch $marker; sleep 30" hilt_bg "$name" ""
for i in $(seq 500); do [[ -e $marker ]] && break; sleep 0.01; done
[[ -e $marker ]] || fail "$name: the build step did not start"
kill -TERM "$hilt_pid"
wait_hilt "$name" 10
expect_result "$name" 3 error
[[ $(field "$name" 'r["failed_stage"]') == build ]] || fail "$name: failed_stage is not build"
grep -q "build step 'standins'" "$tmp/$name/result.json" || fail "$name: the step is not named"
expect_safe "$name"
no_leftovers "$name"
proves "SIGTERM mid build step: the step's group is stopped, exit 3 naming 'standins'"

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
