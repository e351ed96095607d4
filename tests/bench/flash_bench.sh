#!/usr/bin/env bash
# Times `hilt flash` (with its verification) against the seed's way,
# `dd if=IMG of=DEV conv=sync` (followed by a sync of the target, so both
# measure data on the medium), and against `bmaptool copy` with a bmap, on the
# seed's 4000 MiB sparse image (GPT, bl2 + fip), to a file and to a loop
# device. Then a delta flash after changing two 4 KiB blocks.
#   HILT=build/bin/hilt tests/bench/flash_bench.sh [workdir]
# Needs ~8.5 GB free in workdir (dd really writes 4000 MiB, twice).
set -euo pipefail
HILT=${HILT:-build/bin/hilt}
HILT=$(realpath "$HILT")
for tool in sgdisk bmaptool dd; do
  command -v "$tool" >/dev/null || { echo "flash_bench: $tool not installed" >&2; exit 2; }
done
work=$(mktemp -d "${1:-/tmp}/hilt-flash-bench.XXXXXX")
loops=()
cleanup() {
  local l
  for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

# The seed's image: 4000 MiB, its four partitions, bl2 at sector 34, fip at 13312.
truncate -s 4000M seed.img
sgdisk -o seed.img >/dev/null
sgdisk -a 1 -n 1:34:8191 -A 1:set:2 -t 1:8300 -c 1:bl2 \
       -n 2:8192:9215 -A 2:set:63 -t 2:8300 -c 2:u-boot-env \
       -n 3:9216:13311 -A 3:set:63 -t 3:8300 -c 3:factory \
       -n 4:13312:17407 -A 4:set:63 -t 4:8300 -c 4:fip seed.img >/dev/null
head -c 220000 /dev/urandom | dd of=seed.img seek=34 conv=notrunc status=none
head -c 1000000 /dev/urandom | dd of=seed.img seek=13312 conv=notrunc status=none
bmaptool -q create -o seed.bmap seed.img
# The next build of the same image: two 4 KiB blocks of fip changed.
cp --sparse=always seed.img delta.img
dd if=/dev/urandom of=delta.img bs=4096 seek=$((13312 / 8 + 40)) count=2 conv=notrunc status=none

now() { date +%s.%N; }
declare -A T
# run NAME CMD...: times CMD, records seconds in T[NAME].
run() {
  local name=$1 start end
  shift
  start=$(now)
  "$@" >"$name.out" 2>"$name.err" || { echo "flash_bench: $name failed:" >&2; cat "$name.err" >&2; exit 1; }
  end=$(now)
  T[$name]=$(echo "$end - $start" | bc -l)
  printf '  %-22s %8.2f s\n' "$name" "${T[$name]}"
}
ratio() { echo "scale=2; ${T[$1]} / ${T[$2]}" | bc -l; }
fresh_file() { rm -f "$1"; truncate -s 4000M "$1"; }
dd_seed() { dd if=seed.img of="$1" conv=sync status=none && sync "$1"; }
dd_seed_part() { dd if=seed.img of="$1" conv=sync count=819200 status=none && sync "$1"; }
dd_4m() { dd if=seed.img of="$1" bs=4M conv=sync status=none && sync "$1"; }
written() { sed -n 's/.*"written_bytes":\([0-9]*\).*/\1/p' "$1.out"; }

echo "image: 4000 MiB, data $(du -k seed.img | cut -f1) KiB"
echo "== target: file"
fresh_file t.img; run file_hilt "$HILT" flash seed.img --to t.img --json
fresh_file t.img; run file_hilt_write_all "$HILT" flash seed.img --to t.img --json --write-all
rm -f t.img;      run file_bmaptool bmaptool -q copy --bmap seed.bmap seed.img t.img
fresh_file t.img; run file_dd dd_seed t.img
run file_hilt_over_dd "$HILT" flash seed.img --to t.img --json
run file_delta "$HILT" flash delta.img --to t.img --json
echo "  delta wrote $(written file_delta) bytes"

echo "== target: loop device"
fresh_file loop.bin
if dev=$(losetup -f --show loop.bin 2>/dev/null); then
  loops+=("$dev")
  blank() { blkdiscard -f "$dev" 2>/dev/null; }
  blank; run loop_hilt "$HILT" flash seed.img --to "$dev" --force --json
  blank; run loop_hilt_write_all "$HILT" flash seed.img --to "$dev" --force --json --write-all
  blank; run loop_bmaptool bmaptool -q copy --bmap seed.bmap seed.img "$dev"
  # The seed's dd writes a block device 512 bytes at a time: ~10 minutes for
  # 4000 MiB here. Unless BENCH_FULL_DD=1, time its first 400 MiB and scale
  # by 10 (it runs at a steady rate), and time dd with 4 MiB blocks in full.
  if [[ ${BENCH_FULL_DD:-0} == 1 ]]; then
    blank; run loop_dd dd_seed "$dev"
  else
    blank; run loop_dd_400M dd_seed_part "$dev"
    T[loop_dd]=$(echo "${T[loop_dd_400M]} * 10" | bc -l)
    printf '  %-22s %8.2f s (first 400 MiB x 10)\n' loop_dd "${T[loop_dd]}"
  fi
  blank; run loop_dd_bs4M dd_4m "$dev"
  run loop_hilt_over_dd "$HILT" flash seed.img --to "$dev" --force --json
  run loop_delta "$HILT" flash delta.img --to "$dev" --force --json
  echo "  delta wrote $(written loop_delta) bytes"
  run loop_delta_write_all "$HILT" flash seed.img --to "$dev" --force --json --write-all
else
  echo "  skipped: losetup not permitted"
fi

echo "== ratios (goal: hilt/bmaptool <= 1.0 while verifying; dd/hilt >= 50)"
for t in file loop; do
  [[ -n ${T[${t}_hilt]:-} ]] || continue
  echo "  $t: hilt/bmaptool $(ratio ${t}_hilt ${t}_bmaptool)x, dd/hilt $(ratio ${t}_dd ${t}_hilt)x," \
       "write-all/skip $(ratio ${t}_hilt_write_all ${t}_hilt)x, delta/full $(ratio ${t}_delta ${t}_hilt)x"
done
[[ -n ${T[loop_dd_bs4M]:-} ]] && echo "  loop: dd bs=4M/hilt $(ratio loop_dd_bs4M loop_hilt)x"
true
