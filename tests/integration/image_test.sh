#!/usr/bin/env bash
# `hilt image` against the seed's own script: the same bl2.img and fip.bin
# (made with mkimage and fiptool from small payloads), the seed's exact dd +
# sgdisk commands with -U/-u added so the GUIDs match ours, then cmp.
set -euo pipefail
HILT=${HILT:?HILT must name the hilt binary}
SRC=${HILT_SOURCE_DIR:?}
for tool in sgdisk fiptool mkimage cmp; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
done
# The seed's dd writes 4000 MiB for real: on tmpfs when it has room (seconds),
# else on disk (minutes on a slow one).
base=${TMPDIR:-/tmp}
if [[ -d /dev/shm ]] && (( $(df -Pk /dev/shm | awk 'NR==2 {print $4}') > 6 * 1024 * 1024 )); then
  base=/dev/shm
fi
work=$(mktemp -d "$base/hilt-image-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

# Small stand-ins for the seed's build outputs.
printf 'NOTICE:  BL2: v2.10.0   (release):\0' > bl2.bin
head -c 20000 /dev/urandom >> bl2.bin
mkimage -T mtk_image -n "media=sdmmc;arm64=1" -a 0x201000 -e 0x201000 -d bl2.bin bl2.img >/dev/null
printf 'NOTICE:  BL31: v2.10.0  (release):\0' > bl31.bin
head -c 30000 /dev/urandom >> bl31.bin
printf 'U-Boot 2024.04 (Apr 02 2024 - 10:58:58 +0000)\nBPI-R4> ' > u-boot.bin
head -c 400000 /dev/urandom >> u-boot.bin
fiptool create --soc-fw bl31.bin --nt-fw u-boot.bin fip.bin

# Ours.
"$HILT" image --layout "$SRC/lab/layouts/bpi-r4-sd.yaml" --part bl2=bl2.img --part fip=fip.bin \
  -o ours.img --json > ours.json
guid() { python3 -c 'import json,sys; j=json.load(open("ours.json")); print(eval(sys.argv[1]))' "$1"; }
DISK=$(guid 'j["disk_guid"]')
P1=$(guid 'j["partitions"][0]["guid"]'); P2=$(guid 'j["partitions"][1]["guid"]')
P3=$(guid 'j["partitions"][2]["guid"]'); P4=$(guid 'j["partitions"][3]["guid"]')

# The seed's script, verbatim but for the GUID options.
IMAGE=seed.img
dd if=/dev/zero of=$IMAGE bs=1M count=4000 status=none
sgdisk -o $IMAGE >/dev/null
sgdisk -a 1 -n 1:34:8191     -A 1:set:2   -t 1:8300 -c 1:"bl2"        -U "$DISK" -u 1:"$P1" $IMAGE >/dev/null
sgdisk -a 1 -n 2:8192:9215   -A 2:set:63  -t 2:8300 -c 2:"u-boot-env" -u 2:"$P2" $IMAGE >/dev/null
sgdisk -a 1 -n 3:9216:13311  -A 3:set:63  -t 3:8300 -c 3:"factory"    -u 3:"$P3" $IMAGE >/dev/null
sgdisk -a 1 -n 4:13312:17407 -A 4:set:63  -t 4:8300 -c 4:"fip"        -u 4:"$P4" $IMAGE >/dev/null
dd if=bl2.img of=$IMAGE seek=34 conv=notrunc,fsync status=none
dd if=fip.bin of=$IMAGE seek=13312 conv=notrunc,fsync status=none

cmp seed.img ours.img
echo "identical: seed.img and ours.img ($(stat -c %s ours.img) bytes)"

sgdisk -v ours.img | grep -q "No problems found" || { sgdisk -v ours.img; echo "FAIL: sgdisk -v"; exit 1; }
used_kib=$(du -k ours.img | cut -f1)
[[ $used_kib -lt 4096 ]] || { echo "FAIL: ours.img uses $used_kib KiB, not sparse"; exit 1; }
echo "sparse: ours.img uses $used_kib KiB on disk"

# Reproducible: a second build is byte-identical.
"$HILT" image --layout "$SRC/lab/layouts/bpi-r4-sd.yaml" --part bl2=bl2.img --part fip=fip.bin -o again.img >/dev/null
cmp ours.img again.img

# Refusals: exit 2 with a message, and no file left behind.
expect_refusal() {
  local want=$1; shift
  set +e
  out=$("$HILT" image "$@" 2>&1); rc=$?
  set -e
  [[ $rc -eq 2 ]] || { echo "FAIL: exit $rc, want 2: $*: $out"; exit 1; }
  [[ $out == *"$want"* ]] || { echo "FAIL: message lacks '$want': $out"; exit 1; }
}
L="$SRC/lab/layouts/bpi-r4-sd.yaml"
expect_refusal "no content slot 'bl3'" --layout "$L" --part bl3=bl2.img -o bad.img
expect_refusal "missing.bin" --layout "$L" --part fip=missing.bin -o bad.img
head -c 3000000 /dev/zero > big.bin
expect_refusal "do not fit 'fip'" --layout "$L" --part fip=big.bin -o bad.img
printf 'layout: x\nkind: gpt\nsize: 4MiB\npartitions:\n  - {name: a, first: 34, last: 9000, type: 8300}\n' > small.yaml
expect_refusal "small.yaml:5:5: partition 1 'a': ends at sector 9000" --layout small.yaml -o bad.img
[[ ! -e bad.img ]] && ! ls .bad.img.tmp-* >/dev/null 2>&1 || { echo "FAIL: refusal left a file"; exit 1; }
echo "PASS"
