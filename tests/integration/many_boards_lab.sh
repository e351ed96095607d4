#!/bin/bash
# many_boards_lab.sh N FILE: writes a lab config with N simulated BPI-R4s,
# sim-1 … sim-N, each its own hilt-sim (own card, UART socket, control
# socket) under ${STATE_DIR}/sim-I, sharing one stand-in firmware build in
# ${BUILD_DIR} (hilt serializes the build steps of a lab's runs). Used by many_boards_test.sh and tests/bench/many_boards.sh.
set -eu
n=$1 out=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
{
  echo "state-dir: \${HILT_STATE_DIR}"
  echo "boards:"
  for i in $(seq 1 "$n"); do
    d="\${STATE_DIR}/sim-$i"
    sim="\${HILT_SIM}"
    cat <<YAML
  sim-$i:
    type: bpi-r4
    services:
      - name: simulator
        run: >-
          mkdir -p $d && { [ -e $d/card.img ] || truncate -s 4000M $d/card.img; } &&
          exec $sim --card $d/card.img --state-dir $d --speedup \${HILT_SIM_SPEEDUP:-40}
        ready: $d/uart.sock
        ready-timeout: 20s
    console: {type: socket, address: 'unix:$d/uart.sock'}
    power:
      type: command
      on: $sim ctl --state-dir $d power on
      off: $sim ctl --state-dir $d power off
      off-time: 0s
    mux:
      type: command
      host: $sim ctl --state-dir $d mux host
      dut: $sim ctl --state-dir $d mux dut
    block-device: $d/card-host
YAML
  done
  cat <<YAML
build:
  # Builds once: hilt holds the lab's build lock, so the runs take turns
  # here. steps.log records each step's start and end (with a pause of
  # HILT_MANY_BUILD_PAUSE seconds) for the test to see that they never overlap.
  - name: standins
    run: >-
      mkdir -p \${BUILD_DIR} && echo start >>\${BUILD_DIR}/steps.log &&
      sleep \${HILT_MANY_BUILD_PAUSE:-0} &&
      { [ -s \${BUILD_DIR}/standins/fip.bin ] || $src/fixtures/firmware/make-standins.sh \${BUILD_DIR}/standins; } &&
      echo end >>\${BUILD_DIR}/steps.log
    outputs: {bl2: '\${BUILD_DIR}/standins/bl2.img', fip: '\${BUILD_DIR}/standins/fip.bin'}
    timeout: 2m
image:
  layout: $src/lab/layouts/bpi-r4-sd.yaml
  parts: {bl2: bl2, fip: fip}
timeouts: {block-device: 20s, power: 20s, mux: 20s, flash: 2m}
YAML
} >"$out"
