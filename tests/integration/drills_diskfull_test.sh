#!/usr/bin/env bash
# Failure drill: the run folder's disk fills up mid-boot. The run folder
# (--out) is on a small ext4 with 1 KiB blocks (loop-mounted; on a tmpfs the
# 4 KiB page console.raw already has would hold the whole boot); hilt is
# paused in the boot, the rest of the disk is filled, and hilt goes on. It
# must end with a clear error naming the full disk, verdict error, exit 3,
# the board off and the card on the host; console.raw keeps what was
# captured before the disk filled (a prefix of what the simulator sent); no
# crash, no hang. Needs root (mount); about 5 s.
source "$(dirname "$0")/drills_common.sh"
mnt=$tmp/small
mkdir -p "$mnt"
command -v mkfs.ext4 >/dev/null || { echo "SKIP: mkfs.ext4 not installed"; exit 77; }
truncate -s 4M "$tmp/small.img"
mkfs.ext4 -q -b 1024 -m 0 "$tmp/small.img"
mount -o loop "$tmp/small.img" "$mnt" 2>/dev/null || { echo "SKIP: cannot loop-mount a file system (needs root)"; exit 77; }
mounts+=("$mnt")
export HILT_SIM_SPEEDUP=4

start_sim
echo "== the run folder's disk fills up during the boot"
name=full
mkdir -p "$mnt/run"
ln -s "$mnt/run" "$tmp/$name"   # hilt_bg's --out $tmp/full: on the small disk
transcript_mark
hilt_bg "$name" boot
wait_point "$name" boot
for i in $(seq 500); do grep -qaF 'NOTICE:  BL2' "$tmp/$name/console.raw" 2>/dev/null && break; sleep 0.01; done
grep -qaF 'NOTICE:  BL2' "$tmp/$name/console.raw" || fail "$name: the boot did not start"
dd if=/dev/zero of="$mnt/filler" bs=1k 2>/dev/null || true   # until the disk is full
sync -f "$mnt"
[[ $(df --output=avail "$mnt" | tail -1) -eq 0 ]] || fail "$name: the disk did not fill"
rm -f "$pause"
wait_hilt "$name" 30
[[ $rc -eq 3 ]] || fail "$name: exit $rc, want 3: $(tail -5 "$tmp/$name.out")"
grep -q "writing console capture .* failed: No space left on device" "$tmp/$name.out" ||
  fail "$name: the error does not say the capture hit a full disk: $(tail -5 "$tmp/$name.out")"
grep -q "verdict error" "$tmp/$name.out" || fail "$name: not a lab error: $(tail -3 "$tmp/$name.out")"
lost=$(bytes_lost "$name" prefix)
[[ $lost == 0 ]] || fail "$name: console.raw is not a prefix of what was sent: $lost"
[[ -s $tmp/$name/console.raw ]] || fail "$name: what was captured before the disk filled is gone"
expect_safe "$name"
no_leftovers "$name"
proves "run folder's disk full mid-boot: exit 3 naming 'No space left on device', board off, card on host, console.raw kept up to the full disk ($(stat -c %s "$tmp/$name/console.raw") bytes)"

echo "== with space again, the next run passes"
rm -f "$mnt/filler" "$tmp/$name"
mkdir -p "$mnt/again"
ln -s "$mnt/again" "$tmp/again"
transcript_mark
run_fg again
expect_result again 0 pass
[[ $(bytes_lost again) == 0 ]] || fail "again: bytes lost"
proves "after freeing the disk the next run passes"

echo "PASS: $drills_passed drills"
