#!/usr/bin/env bash
# hilt flash against real targets: files, loop devices, a mounted loop device,
# a full tmpfs; referees are cmp, sgdisk -v/-p and sha256sum.
set -euo pipefail
HILT=${HILT:?set HILT to the hilt binary}
for tool in sgdisk cmp sha256sum truncate; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done

work=$(mktemp -d /tmp/hilt-flash-test.XXXXXX)
loops=()
mounts=()
cleanup() {
  local m l
  for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || true; done
  for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }
sum() { sha256sum "$1" | cut -d' ' -f1; }
json_field() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" <<<"$1"; }

# The seed's SD layout (DESIGN.md), on a 64 MiB image; bl2 and fip are noise.
make_image() {
  local img=$1 mib=$2
  rm -f "$img"
  truncate -s "${mib}M" "$img"
  sgdisk -o "$img" >/dev/null
  sgdisk -a 1 -n 1:34:8191 -A 1:set:2 -t 1:8300 -c 1:bl2 \
         -n 2:8192:9215 -A 2:set:63 -t 2:8300 -c 2:u-boot-env \
         -n 3:9216:13311 -A 3:set:63 -t 3:8300 -c 3:factory \
         -n 4:13312:17407 -A 4:set:63 -t 4:8300 -c 4:fip "$img" >/dev/null
  head -c 150000 /dev/urandom | dd of="$img" seek=34 conv=notrunc status=none
  head -c 700000 /dev/urandom | dd of="$img" seek=13312 conv=notrunc status=none
}
make_image image.img 64
img_bytes=$((64 << 20))

# --- files -------------------------------------------------------------------
"$HILT" flash image.img --to new.img >out.txt || fail "flash to a new file"
cmp image.img new.img || fail "new file differs from the image"
sgdisk -v new.img | grep -q "No problems found" || fail "sgdisk -v on the new file"
grep -q "flashed image.img to new.img" out.txt || fail "no summary line: $(cat out.txt)"
pass "flash to a new file"

# A file full of junk (a stale file system): partitions' holes are zeroed,
# the rest punched out, so the whole file equals the image.
head -c "$img_bytes" /dev/urandom >stale.img
json=$("$HILT" flash image.img --to stale.img --json) || fail "flash to a stale file"
cmp image.img stale.img || fail "stale content survived"
[[ $(json_field "$json" zeroed_bytes) -gt 8000000 ]] || fail "holes in partitions not zeroed: $json"
pass "flash over stale content zeroes partition holes: $json"

# An I/O fault mid-write: the target's file system fills up. Exit 3.
if mkdir -p tiny && mount -t tmpfs -o size=512k tmpfs tiny 2>/dev/null; then
  mounts+=("$work/tiny")
  set +e; "$HILT" flash image.img --to tiny/card.img 2>err.txt; rc=$?; set -e
  [[ $rc -eq 3 ]] || fail "full file system: exit $rc, want 3 ($(cat err.txt))"
  grep -q "offset" err.txt || fail "I/O error names no offset: $(cat err.txt)"
  pass "I/O fault exits 3: $(cat err.txt)"
else
  echo "skip: cannot mount a tmpfs for the I/O fault case"
fi

# Missing image, image too large for an existing file: exit 2, untouched.
printf 'keep' >small.img
before=$(sum small.img)
set +e; "$HILT" flash missing.img --to small.img 2>err.txt; rc=$?; set -e
[[ $rc -eq 2 ]] || fail "missing image: exit $rc"
set +e; "$HILT" flash image.img --to small.img 2>err.txt; rc=$?; set -e
[[ $rc -eq 2 ]] || fail "image too large: exit $rc ($(cat err.txt))"
grep -q "larger than" err.txt || fail "too-large message: $(cat err.txt)"
[[ $(sum small.img) == "$before" ]] || fail "refused target was changed"
pass "refusals on files exit 2 and write nothing"

# --- loop devices ---------------------------------------------------------------
# attach FILE: sets $dev to a new loop device over FILE (no subshell, so the
# trap sees every device to detach).
attach() {
  dev=$(losetup -f --show "$1" 2>/dev/null) || return 1
  loops+=("$dev")
}
truncate -s "$img_bytes" same.bin
if ! attach same.bin; then
  echo "SKIP: losetup is not permitted here (file cases passed)"
  exit 77
fi
loop=$dev

set +e; "$HILT" flash image.img --to "$loop" 2>err.txt; rc=$?; set -e
[[ $rc -eq 2 ]] || fail "device not in the allow-list: exit $rc"
grep -q "allow-list" err.txt || fail "allow-list message: $(cat err.txt)"
pass "a device not in the allow-list is refused"

# A lab config allows exactly the cards its boards name.
cat >lab-other.yaml <<YAML
boards:
  b1:
    type: bpi-r4
    console: {type: socket, address: unix:/nonexistent}
    power: {type: command, on: "true", off: "true"}
    mux: {type: command, host: "true", dut: "true"}
    block-device: /dev/null-card
YAML
sed "s|/dev/null-card|$loop|" lab-other.yaml >lab-this.yaml
set +e; "$HILT" flash image.img --to "$loop" --lab lab-other.yaml 2>err.txt; rc=$?; set -e
[[ $rc -eq 2 ]] && grep -q "allow-list" err.txt || fail "a lab naming another card: exit $rc, $(cat err.txt)"
"$HILT" flash image.img --to "$loop" --lab lab-this.yaml >/dev/null || fail "flash allowed by --lab: $(cat err.txt)"
pass "--lab allows the cards its boards name, and only those"

"$HILT" flash image.img --to "$loop" --allow "$loop" >/dev/null || fail "flash to $loop"
cmp image.img "$loop" || fail "$loop differs from the image"
sgdisk -v "$loop" | grep -q "No problems found" || fail "sgdisk -v on $loop"
pass "flash to a loop device of the image's size"

# A larger card with junk on it: backup GPT moved to its end, partitions clean.
head -c $((128 << 20)) /dev/urandom >big.bin
attach big.bin || fail "attach big.bin"
big=$dev
"$HILT" flash image.img --to "$big" --force >/dev/null || fail "flash to $big"
sgdisk -v "$big" >v.txt 2>&1
grep -q "No problems found" v.txt || fail "sgdisk -v after the move: $(cat v.txt)"
sgdisk -p "$big" | grep -q "262144 sectors, 128.0 MiB" || fail "sgdisk -p: $(sgdisk -p "$big")"
cmp -i 1024 -n $((img_bytes - 1024 - 33 * 512)) image.img "$big" || fail "data differs on $big"
cmp -n $((4096 * 512)) -i $((9216 * 512)):0 "$big" /dev/zero || fail "factory partition not zeroed"
pass "backup GPT moved to the end of a larger device"

# Delta: change two blocks of fip; only those are written.
dd if=/dev/urandom of=image.img bs=4096 seek=$((13312 * 512 / 4096 + 20)) count=2 conv=notrunc status=none
json=$("$HILT" flash image.img --to "$big" --force --json) || fail "delta flash"
written=$(json_field "$json" written_bytes)
[[ $written -gt 0 && $written -le 16384 ]] || fail "delta wrote $written bytes: $json"
cmp -i 1024 -n $((img_bytes - 1024 - 33 * 512)) image.img "$big" || fail "delta left a difference"
pass "delta flash wrote $written bytes: $json"

# Image larger than the device: exit 2, device untouched.
make_image huge.img 256
before=$(sum "$big")
set +e; "$HILT" flash huge.img --to "$big" --force 2>err.txt; rc=$?; set -e
[[ $rc -eq 2 ]] || fail "image larger than device: exit $rc"
[[ $(sum "$big") == "$before" ]] || fail "device changed by a refused flash"
pass "an image larger than the device is refused"

# A mounted device is refused even with --force.
if command -v mkfs.ext4 >/dev/null; then
  truncate -s 16M fs.bin
  mkfs.ext4 -q fs.bin
  attach fs.bin || fail "attach fs.bin"
  fsdev=$dev
  mkdir -p mnt
  if mount "$fsdev" mnt 2>/dev/null; then
    mounts=("$work/mnt" "${mounts[@]}")
    make_image tiny.img 16
    before=$(sum "$fsdev")
    set +e; "$HILT" flash tiny.img --to "$fsdev" --force --allow "$fsdev" 2>err.txt; rc=$?; set -e
    [[ $rc -eq 2 ]] || fail "mounted device: exit $rc"
    grep -q "is mounted on" err.txt || fail "mounted message: $(cat err.txt)"
    [[ $(sum "$fsdev") == "$before" ]] || fail "mounted device changed"
    pass "a mounted device is refused even with --force: $(cat err.txt)"
  else
    echo "skip: mounting a loop device is not permitted here"
  fi
else
  echo "skip: mkfs.ext4 not installed, mounted-device case not run"
fi

# The disk holding /: refused even with --force. The image is larger than any
# disk, so even a broken check could not write a byte.
root_src=$(findmnt -no SOURCE / 2>/dev/null || true)
root_sectors=$(cat "/sys/class/block/$(basename "$root_src")/size" 2>/dev/null || true)
if [[ -b $root_src && -n $root_sectors ]]; then
  truncate -s $(( (root_sectors + 2048) * 512 )) enormous.img
  set +e; "$HILT" flash enormous.img --to "$root_src" --force 2>err.txt; rc=$?; set -e
  [[ $rc -eq 2 ]] || fail "root disk $root_src: exit $rc"
  grep -Eq "root file system|is mounted on /" err.txt || fail "root message: $(cat err.txt)"
  pass "the root disk is refused: $(cat err.txt)"
else
  echo "skip: / is not on a block device whose size sysfs tells ($root_src)"
fi
echo "flash_test: all cases passed"
