#!/usr/bin/env bash
# `hilt image` against the seed's script (dd of 4000 MiB + five sgdisk calls +
# two dd of the blobs), same inputs, same folder, same run. Prints the ratio.
# Usage: HILT=build/bin/hilt tests/bench/image_bench.sh [DIR]   (DIR: where to write)
set -euo pipefail
HILT=${HILT:-build/bin/hilt}
SRC=${HILT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
work=$(mktemp -d "${1:-${TMPDIR:-/tmp}}/hilt-image-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
head -c 200000 /dev/urandom > bl2.bin
mkimage -T mtk_image -n "media=sdmmc;arm64=1" -a 0x201000 -e 0x201000 -d bl2.bin bl2.img >/dev/null
head -c 100000 /dev/urandom > bl31.bin
head -c 900000 /dev/urandom > u-boot.bin
fiptool create --soc-fw bl31.bin --nt-fw u-boot.bin fip.bin

now() { date +%s.%N; }
t0=$(now)
IMAGE=seed.img
dd if=/dev/zero of=$IMAGE bs=1M count=4000 status=none
sgdisk -o $IMAGE >/dev/null
sgdisk -a 1 -n 1:34:8191     -A 1:set:2   -t 1:8300 -c 1:"bl2"        $IMAGE >/dev/null
sgdisk -a 1 -n 2:8192:9215   -A 2:set:63  -t 2:8300 -c 2:"u-boot-env" $IMAGE >/dev/null
sgdisk -a 1 -n 3:9216:13311  -A 3:set:63  -t 3:8300 -c 3:"factory"    $IMAGE >/dev/null
sgdisk -a 1 -n 4:13312:17407 -A 4:set:63  -t 4:8300 -c 4:"fip"        $IMAGE >/dev/null
dd if=bl2.img of=$IMAGE seek=34 conv=notrunc,fsync status=none
dd if=fip.bin of=$IMAGE seek=13312 conv=notrunc,fsync status=none
t1=$(now)
runs=5
for _ in $(seq $runs); do
  "$HILT" image --layout "$SRC/lab/layouts/bpi-r4-sd.yaml" --part bl2=bl2.img --part fip=fip.bin -o ours.img >/dev/null
done
t2=$(now)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$runs" -v dir="$work" 'BEGIN {
  seed = b - a; ours = (c - b) / n
  printf "filesystem of %s\n", dir
  printf "seed script: %.3f s\nhilt image:  %.4f s (mean of %d)\nratio:       %.0fx faster\n", seed, ours, n, seed / ours
}'
