#!/usr/bin/env bash
# The real BPI-R4 chain, timed against the seed's own sequence in the same run:
#
#   seed      tar x both sources; U-Boot defconfig + extra config + make; TF-A
#             make all fip; dd a 4000 MiB image; sgdisk 4 partitions; dd BL2
#             and FIP in (the seed document's commands, nothing cached)
#   cold      hilt with an empty firmware cache: build, image, flash, boot on
#             the simulated board at the real board's pace, check the suite
#   cached    the same again: the build comes from the cache
#
# With `hilt run` (lab/sim.yaml building the real chain) cold and cached are
# whole runs; without it, the recipe plus `hilt image` (build + image only).
# Goal: cached under 10% of the seed sequence.
#
#   tests/bench/real_chain_bench.sh [BUILD_DIR]     (default: build)
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(readlink -f "${1:-$src/build}")/bin
HILT=$bin/hilt
firmware=${HILT_FIRMWARE_SRC:-}
for d in "$src/../shared/firmware" "$src/../../shared/firmware"; do
  [[ -z $firmware && -d $d ]] && firmware=$(readlink -f "$d")
done
[[ -d $firmware ]] || { echo "SKIP: no firmware sources (set HILT_FIRMWARE_SRC)"; exit 77; }
[[ -x $HILT ]] || { echo "SKIP: $HILT not built"; exit 77; }
for t in aarch64-linux-gnu-gcc sgdisk fiptool mkimage; do
  command -v $t >/dev/null || { echo "SKIP: no $t"; exit 77; }
done

tmp=$(mktemp -d /tmp/hilt-chain-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
jobs=$(nproc)
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }

seed_sequence() { # the seed document's commands, in a fresh folder
  local w=$tmp/seed
  mkdir -p "$w/u-boot" "$w/tf-a"
  tar -xf "$firmware"/u-boot-*.tar.* -C "$w/u-boot" --strip-components=1
  tar -xf "$firmware"/tf-a-*.tar.* -C "$w/tf-a" --strip-components=1
  (cd "$w/u-boot" &&
    make CROSS_COMPILE=aarch64-linux-gnu- mt7988a_bpir4_sd_defconfig &&
    printf 'CONFIG_FIT=n\nCONFIG_USE_DEFAULT_ENV_FILE=n\n' >>.config &&
    make CROSS_COMPILE=aarch64-linux-gnu- olddefconfig &&
    make CROSS_COMPILE=aarch64-linux-gnu- -j"$jobs")
  (cd "$w/tf-a" && GIT_CEILING_DIRECTORIES=$w make CROSS_COMPILE=aarch64-linux-gnu- PLAT=mt7988 \
    BOOT_DEVICE=sdmmc USE_MKIMAGE=1 DRAM_USE_COMB=1 BL33="$w/u-boot/u-boot.bin" -j"$jobs" all fip)
  local img=$w/nixos-r4-image.img rel=$w/tf-a/build/mt7988/release
  dd if=/dev/zero of="$img" bs=1M count=4000
  sgdisk -o "$img"
  sgdisk -a 1 -n 1:34:8191 -A 1:set:2 -t 1:8300 -c 1:"bl2" "$img"
  sgdisk -a 1 -n 2:8192:9215 -A 2:set:63 -t 2:8300 -c 2:"u-boot-env" "$img"
  sgdisk -a 1 -n 3:9216:13311 -A 3:set:63 -t 3:8300 -c 3:"factory" "$img"
  sgdisk -a 1 -n 4:13312:17407 -A 4:set:63 -t 4:8300 -c 4:"fip" "$img"
  dd if="$rel/bl2.img" of="$img" seek=34 conv=notrunc,fsync
  dd if="$rel/fip.bin" of="$img" seek=13312 conv=notrunc,fsync
  rm -rf "$w"
}

export HILT_CACHE_DIR=$tmp/cache HILT_FIRMWARE_SRC=$firmware HILT_STATE_DIR=$tmp/state
unset HILT_UBOOT_PATCHES HILT_TFA_PATCHES HILT_SIM_FAULT HILT_SIM_SPEEDUP
if "$HILT" run --help >/dev/null 2>&1 && [[ -x $bin/hilt-sim ]] && grep -q bpi-r4-firmware.sh "$src/lab/sim.yaml" 2>/dev/null; then
  mode="hilt run (build, image, flash, boot at the board's pace, check)"
  hilt_once() {
    "$HILT" run --lab "$src/lab/sim.yaml" --suite "$src/suites/bpi-r4-sd-boot-built.yaml" --out "$tmp/run-$1" >"$tmp/$1.log" 2>&1 ||
      { tail -n 30 "$tmp/$1.log"; exit 1; }
  }
else
  mode="recipe + hilt image (no hilt run in this build)"
  hilt_once() {
    "$src/lab/recipes/bpi-r4-firmware.sh" "$tmp/out-$1" >"$tmp/$1.log" 2>&1 || { tail -n 30 "$tmp/$1.log"; exit 1; }
    "$HILT" image --layout "$src/lab/layouts/bpi-r4-sd.yaml" --part bl2="$tmp/out-$1/bl2.img" \
      --part fip="$tmp/out-$1/fip.bin" -o "$tmp/sd-$1.img" >>"$tmp/$1.log" 2>&1
  }
fi

echo "real-chain bench: $mode; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(now); seed_sequence >"$tmp/seed.log" 2>&1 || { tail -n 30 "$tmp/seed.log"; exit 1; }; t1=$(now)
seed=$(secs "$t0" "$t1")
t0=$(now); hilt_once cold; t1=$(now); cold=$(secs "$t0" "$t1")
t0=$(now); hilt_once cached; t1=$(now); cached=$(secs "$t0" "$t1")
# What each run's build step did, and where each run's time went (run.log
# holds every step with its start time).
for r in cold cached; do
  line=$(grep -hE '^firmware: (built|cached) ' "$tmp/run-$r/build.log" "$tmp/$r.log" 2>/dev/null | head -n 1)
  echo "$r: ${line:-no 'firmware: built/cached' line}"
  [[ -f $tmp/run-$r/run.log ]] && sed 's/^/    /' "$tmp/run-$r/run.log"
done
grep -qE '^firmware: cached ' "$tmp/run-cached/build.log" "$tmp/cached.log" 2>/dev/null ||
  echo "warning: the second run did not use the firmware cache"
printf 'seed sequence   %8.1f s\n' "$seed"
printf 'hilt cold       %8.1f s   %.2f x seed\n' "$cold" "$(echo "$cold / $seed" | bc -l)"
printf 'hilt cached     %8.1f s   %.3f x seed (goal < 0.10)\n' "$cached" "$(echo "$cached / $seed" | bc -l)"
