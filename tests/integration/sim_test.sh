#!/usr/bin/env bash
# The simulated BPI-R4 end to end: stand-in firmware on a card made as the
# seed makes it, hilt-sim driven through `hilt-sim ctl`, its UART captured
# from uart.sock, and the log checked for each behaviour and fault.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=${HILT_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
bin=${HILT_BINARY_DIR:-$src/build}/bin
SIM=${HILT_SIM:-$bin/hilt-sim}
[[ -x $SIM ]] || { echo "SKIP: $SIM not built (needs the harness/image readers)"; exit 77; }
for tool in mkimage fiptool sgdisk python3; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed (ci/setup-deps)"; exit 77; }
done

tmp=$(mktemp -d /tmp/hilt-sim-test.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [[ -n ${KEEP:-} ]] || rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
capture() { python3 "$here/sim_capture.py" "$@"; }
speed=200

# Firmware and cards: good, and one for each missing or broken piece.
fw=$src/fixtures/firmware
for v in good:"" nobl31:--no-bl31 nobl33:--no-bl33 badtoc:--corrupt-toc; do
  name=${v%%:*} opt=${v#*:}
  "$fw/make-standins.sh" $opt "$tmp/fw-$name" >/dev/null
  "$fw/make-card.sh" --size-mib 16 "$tmp/$name.img" "$tmp/fw-$name/bl2.img" "$tmp/fw-$name/fip.bin"
done
cp "$tmp/good.img" "$tmp/nobl2.img"
dd if=/dev/zero of="$tmp/nobl2.img" bs=512 seek=34 count=8 conv=notrunc status=none

# start NAME CARD [args...]: runs a simulator in $tmp/NAME, waits until it answers.
start() {
  local name=$1 card=$2; shift 2
  "$SIM" --card "$tmp/$card.img" --state-dir "$tmp/$name" --speedup $speed "$@" >"$tmp/$name.out" 2>&1 &
  pids+=($!)
  local i
  for i in $(seq 100); do
    "$SIM" ctl --state-dir "$tmp/$name" --timeout 1 status >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  cat "$tmp/$name.out" >&2
  fail "$name: hilt-sim did not come up"
}
ctl() { local name=$1; shift; "$SIM" ctl --state-dir "$tmp/$name" "$@"; }
# boot NAME OUT UNTIL [capture args...]: powers on with the mux to the board and captures.
boot() {
  local name=$1 out=$2 until=$3; shift 3
  ctl "$name" power off >/dev/null
  ctl "$name" mux dut >/dev/null
  capture "$tmp/$name/uart.sock" "$tmp/$out" --until "$until" "$@" \
    --power-on-with "$SIM" ctl --state-dir "$tmp/$name" power on
}
has() { grep -qaF -- "$2" "$tmp/$1" || fail "$1: no '$2' in: $(head -c 3000 "$tmp/$1" | cat -v)"; }
hasnt() { ! grep -qaF -- "$2" "$tmp/$1" || fail "$1: unexpected '$2'"; }
count() { grep -caF -- "$2" "$tmp/$1" || true; }

echo "== $(date +%s.%N | cut -c7-14) ctl without a daemon is an error"
mkdir -p "$tmp/none"
if "$SIM" ctl --state-dir "$tmp/none" --timeout 1 status 2>"$tmp/none.err"; then fail "ctl succeeded without a daemon"; fi
grep -q "no simulator answers" "$tmp/none.err" || fail "ctl error unclear: $(cat "$tmp/none.err")"

echo "== $(date +%s.%N | cut -c7-14) unknown fault is an error at start-up"
rc=0; HILT_SIM_FAULT=melt "$SIM" --card "$tmp/good.img" --state-dir "$tmp/melt" 2>"$tmp/melt.err" || rc=$?
[[ $rc -eq 2 ]] && grep -q "unknown fault 'melt'" "$tmp/melt.err" || fail "bad fault: rc=$rc $(cat "$tmp/melt.err")"

echo "== $(date +%s.%N | cut -c7-14) good boot reaches the prompt and answers"
start good good
[[ -L $tmp/good/card-host ]] || fail "card not exposed to the host while mux=host"
boot good good.log 'BPI-R4> ' --send 'version\r' --then 'GNU ld[^\n]*\r\nBPI-R4> ' \
  --send 'nosuch\r' --then "Unknown command 'nosuch' - try 'help'"
[[ ! -e $tmp/good/card-host ]] || fail "card still on the host side while mux=dut"
has good.log "Jump to BL"
has good.log "NOTICE:  BL2: v2.10.0(release):hilt-standin"
has good.log "NOTICE:  EMI: Detected DRAM size: 4096 MB"
has good.log "NOTICE:  BL31: v2.10.0(release):hilt-standin"
has good.log "U-Boot 2024.04 (Apr 02 2024 - 10:58:58 +0000)"
has good.log "aarch64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0"
ctl good status | grep -q "stage=prompt" || fail "status: $(ctl good status)"

echo "== $(date +%s.%N | cut -c7-14) a pty reader that closes mid-boot does not stop the board"
ctl good power off >/dev/null
(timeout 0.02 cat "$tmp/good/uart" >"$tmp/pty.log" || true) &
sleep 0.005
ctl good power on >/dev/null
wait $! || true
sleep 0.3
ctl good status | grep -q "stage=prompt" || fail "after the pty reader left: $(ctl good status)"
has pty.log "F0: 102B 0000"

echo "== $(date +%s.%N | cut -c7-14) power off stops the UART"
ctl good power on >/dev/null
ctl good power off >/dev/null
capture "$tmp/good/uart.sock" "$tmp/off.log" --until 'never' --timeout 0.3 2>/dev/null && fail "output after power off"
[[ ! -s $tmp/off.log ]] || fail "bytes after power off: $(cat -v "$tmp/off.log")"

echo "== $(date +%s.%N | cut -c7-14) mux=host at power-on: no card, the BootROM retries without Jump to BL"
ctl good mux host >/dev/null
capture "$tmp/good/uart.sock" "$tmp/host.log" --until '(F0: 102B 0000[^J]*){3}' --timeout 5 \
  --power-on-with "$SIM" ctl --state-dir "$tmp/good" power on
hasnt host.log "Jump to BL"
ctl good quit >/dev/null

echo "== $(date +%s.%N | cut -c7-14) broken cards"
start nobl2 nobl2
boot nobl2 nobl2.log '(F0: 102B 0000[^J]*){3}' --timeout 5
hasnt nobl2.log "Jump to BL"
for v in nobl31:3 badtoc:3 nobl33:5; do
  name=${v%%:*} id=${v#*:}
  start "$name" "$name"
  boot "$name" "$name.log" "Failed to load image id $id \(-2\)" --linger 0.2
  has "$name.log" "ERROR:   BL2: Failed to load image id $id (-2)"
  hasnt "$name.log" "U-Boot"
  tail -c 6 "$tmp/$name.log" | cmp -s - <(printf '(-2)\r\n') || fail "$name: output after the error"
done

echo "== $(date +%s.%N | cut -c7-14) faults"
start dram good --fault dram-fail
boot dram dram.log 'mem test failed' --linger 0.2
has dram.log "EMI: Detected DRAM size: 0MB"
hasnt dram.log "BL31"

HILT_SIM_FAULT=reset-loop start loop good
boot loop loop.log '(?s)(NOTICE:  BL2: v.*?){3}' --timeout 10
[[ $(count loop.log "F0: 102B 0000") -ge 3 ]] || fail "reset-loop: too few BootROM blocks"
hasnt loop.log "U-Boot"

start hang good --fault hang-in-uboot
boot hang hang.log 'U-Boot 2024' --linger 0.3
has hang.log "DRAM:  4 GiB"
hasnt hang.log "BPI-R4> "

start noise good --fault uart-noise --seed 3
boot noise noise.log 'BPI-R4> '
python3 - "$tmp/noise.log" "$tmp/good.log" <<'PY' || fail "uart-noise: no garbage or no dropped bytes"
import sys
noisy, clean = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
garbage = any(b >= 0x80 or b == 0 for b in noisy)
clean_boot = clean[:clean.index(b"BPI-R4> ")]
printable = bytes(b for b in noisy if 0 < b < 0x80)
sys.exit(0 if garbage and len(printable) < len(clean_boot) else 1)
PY

# At a lower speedup, so the timing is the board's and not the machine's.
speed=20 start slow good --fault slow-boot
speed=20 start fast good
tf=$(boot fast fast.log 'BPI-R4> ' --timeout 20 --print-time)
ts=$(boot slow slow.log 'BPI-R4> ' --timeout 20 --print-time)
python3 -c "import sys; sys.exit(0 if $ts > 3 * $tf else 1)" || fail "slow-boot not slower: $ts s vs $tf s"

echo "== $(date +%s.%N | cut -c7-14) autoboot and boot menu"
speed=10 start auto good --autoboot 2
boot auto auto.log 'Hit any key to stop autoboot:  2' --send '\x03' --then 'BPI-R4> '
hasnt auto.log "sdboot"
start menu good --bootmenu
boot menu menu.log 'Press UP/DOWN to move' --send '\x1b' --then 'BPI-R4> '

echo "== $(date +%s.%N | cut -c7-14) flaky is seeded"
HILT_SIM_SEED=5 start flaky good --fault flaky:0.5
for i in 1 2 3 4 5 6; do ctl flaky power off >/dev/null; ctl flaky power on >/dev/null; ctl flaky status; done >"$tmp/flaky.status"
grep -q "fault=none" "$tmp/flaky.status" || fail "flaky: never a good boot"
grep -qv "fault=none" "$tmp/flaky.status" || fail "flaky: never a bad boot"

echo "PASS: sim_test"
