#!/usr/bin/env bash
# Failure drill: the console vanishes mid-boot, as a USB-serial adapter does
# when it re-enumerates (the simulator's `uart drop MS` closes its UART
# socket and takes it away for MS ms while the board keeps printing).
# Decided behaviour: hilt reconnects and captures to the end of the boot, so
# the log shows what came after; but what the board printed meanwhile is
# lost, so neither a pass nor a fail can be trusted: verdict error, exit 3,
# the gap with its times in result.json. No byte received before (or after)
# the gap is lost. A console gone for good ends the run (exit 3) about 2 s
# later, board off, card on host. About 10 s.
source "$(dirname "$0")/drills_common.sh"
export HILT_SIM_SPEEDUP=4   # a boot of about 2.5 s: room for a gap in the middle

start_sim
# drop_during_boot NAME MS: pauses hilt in the boot, waits for BL2's banner
# in console.raw, drops the UART for MS ms and lets hilt go on.
drop_during_boot() {
  local name=$1 ms=$2 i
  transcript_mark
  hilt_bg "$name" boot
  wait_point "$name" boot
  for i in $(seq 500); do grep -qaF 'NOTICE:  BL2' "$tmp/$name/console.raw" 2>/dev/null && break; sleep 0.01; done
  grep -qaF 'NOTICE:  BL2' "$tmp/$name/console.raw" || fail "$name: the boot did not start"
  "$HILT_SIM" ctl --state-dir "$DRILL_SIM_DIR" uart drop "$ms" >/dev/null
  rm -f "$pause"
}

echo "== the console drops for 300 ms and comes back"
drop_during_boot drop 300
wait_hilt drop 30
expect_result drop 3 error
[[ $(field drop 'r["failed_stage"]') == console ]] || fail "drop: failed_stage $(field drop 'r["failed_stage"]')"
field drop 'r["reason"]' | grep -q "did not see all of the boot" || fail "drop: reason: $(field drop 'r["reason"]')"
gap=$(field drop '[e for e in r["infra_errors"] if e.startswith("console gap:")][0]')
[[ $gap != *"to the end"* ]] || fail "drop: hilt did not reconnect: $gap"
python3 - "$gap" <<'PY' || fail "drop: the gap is not the ~300 ms drop: $gap"
import re, sys
start, end = map(float, re.search(r"from ([\d.]+) s to ([\d.]+) s", sys.argv[1]).groups())
assert 0.25 <= end - start <= 2.0, (start, end)
PY
lost=$(bytes_lost drop)
[[ $lost == 0 ]] || fail "drop: bytes lost: $lost"
grep -qaF 'BPI-R4> ' "$tmp/drop/console.raw" || fail "drop: nothing captured after the gap"
expect_safe drop
proves "console gone 300 ms mid-boot: reconnected and captured to the prompt, verdict error exit 3, gap in result.json ($gap), 0 bytes lost"

echo "== the console drops for good"
drop_during_boot gone 8000
start=$SECONDS
wait_hilt gone 15
expect_result gone 3 error
field gone 'r["reason"]' | grep -q "gone since" || fail "gone: reason: $(field gone 'r["reason"]')"
(( SECONDS - start <= 6 )) || fail "gone: took $((SECONDS - start)) s to give up"
lost=$(bytes_lost gone)
[[ $lost == 0 ]] || fail "gone: bytes lost: $lost"
expect_safe gone
proves "console gone for good: exit 3 within about 2 s, board off, card on host, 0 bytes lost"

echo "PASS: $drills_passed drills"
