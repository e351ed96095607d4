#!/usr/bin/env bash
# Failure drill: SIGKILL of `hilt run` in each state from loading the checker
# to the epilogue (see drills_sigkill_test.sh for what must hold), and with
# the simulator as hilt's own service (lab/sim-standins.yaml): the service
# dies with hilt and the next run starts it again. About 25 s.
source "$(dirname "$0")/drills_common.sh"

start_sim
echo "== SIGKILL in each state: lock free, nothing left running, the next run recovers and passes"
for point in checker console power-on boot typing cleanup reports epilogue; do
  kill_at "$point"
done

echo "== SIGKILL with the simulator as hilt's service (lab/sim-standins.yaml)"
for point in services boot; do
  name=kill-svc-$point
  lab=$src/lab/sim-standins.yaml hilt_bg "$name" "$point"
  wait_point "$name" "$point"
  kill -KILL "$hilt_pid"
  wait_hilt "$name" 5
  no_leftovers "$name"
  lab=$src/lab/sim-standins.yaml run_fg "$name-next"
  expect_result "$name-next" 0 pass
  proves "SIGKILL at $point with the simulator as a service: the service dies with hilt, the next run starts it again and passes"
done

echo "PASS: $drills_passed drills"
