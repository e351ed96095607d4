#!/usr/bin/env bash
# The real BPI-R4 boot chain: lab/recipes/bpi-r4-firmware.sh builds U-Boot and
# TF-A from ../shared/firmware; the referees (fiptool, mkimage, strings) agree
# with hilt's firmware facts; a rerun is cached; a patched prompt changes the
# built prompt; bad input fails fast with a precise message. With `hilt run`:
# the real chain passes suites/bpi-r4-sd-boot.yaml on the simulated board, a
# patched prompt fails at `prompt`, a FIP without BL33 fails at `bl31`.
#
# One cold build (~30 s on 2 idle cores) plus one U-Boot rebuild for the
# patch. HILT_TEST_FIRMWARE_CACHE=DIR reuses a cache across test runs.
set -euo pipefail

SRC_DIR=${HILT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
HILT=${HILT:-$SRC_DIR/build/bin/hilt}
RECIPE=$SRC_DIR/lab/recipes/bpi-r4-firmware.sh
FIRMWARE=${HILT_FIRMWARE_SRC:-}
if [[ -z $FIRMWARE ]]; then
  for d in "$SRC_DIR/../shared/firmware" "$SRC_DIR/../../shared/firmware" /work/shared/firmware; do
    [[ -d $d ]] && { FIRMWARE=$(readlink -f "$d"); break; }
  done
fi
[[ -n $FIRMWARE && -d $FIRMWARE ]] || { echo "SKIP: no firmware sources (../shared/firmware; set HILT_FIRMWARE_SRC)"; exit 77; }
command -v aarch64-linux-gnu-gcc >/dev/null || { echo "SKIP: no aarch64-linux-gnu-gcc"; exit 77; }
for t in fiptool mkimage strings; do
  command -v $t >/dev/null || { echo "SKIP: no $t"; exit 77; }
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HILT_CACHE_DIR=${HILT_TEST_FIRMWARE_CACHE:-$TMP/cache}
export HILT_FIRMWARE_SRC=$FIRMWARE
unset HILT_UBOOT_PATCHES HILT_TFA_PATCHES HILT_UBOOT_CONFIG HILT_TFA_FLAGS SOURCE_DATE_EPOCH

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_fail() { # NAME EXPECTED-STDERR-REGEX COMMAND...: must exit non-zero, fast, saying why
  local name=$1 want=$2; shift 2
  local start=$SECONDS rc=0
  "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" || rc=$?
  [[ $rc -ne 0 ]] || fail "$name: exit 0"
  grep -Eq -- "$want" "$TMP/$name.err" || { cat "$TMP/$name.err" >&2; fail "$name: stderr lacks /$want/"; }
  [[ ! -e $TMP/$name-out/fip.bin ]] || fail "$name: left an output behind"
  echo "ok: $name fails (exit $rc, $((SECONDS - start)) s): $(grep -E -m1 -- "$want" "$TMP/$name.err")"
}

# --- bad input first: each is quick and leaves nothing ---------------------------
expect_fail missing-src 'HILT_FIRMWARE_SRC=.*is not a folder' \
  env HILT_FIRMWARE_SRC="$TMP/nowhere" "$RECIPE" "$TMP/missing-src-out"
mkdir -p "$TMP/empty-src"
expect_fail empty-src "neither a checkout 'u-boot/' nor a tarball" \
  env HILT_FIRMWARE_SRC="$TMP/empty-src" "$RECIPE" "$TMP/empty-src-out"
expect_fail no-compiler 'cross compiler nonexistent-gcc not found' \
  env CROSS_COMPILE=nonexistent- "$RECIPE" "$TMP/no-compiler-out"
expect_fail missing-patch "patch file '$TMP/nope.patch' does not exist" \
  env HILT_UBOOT_PATCHES="$TMP/nope.patch" "$RECIPE" "$TMP/missing-patch-out"
expect_fail no-network 'cannot fetch .* from https://127.0.0.1:9/' \
  env -u HILT_FIRMWARE_SRC HILT_UBOOT_GIT=https://127.0.0.1:9/u-boot.git HILT_GIT_TIMEOUT=20 \
  "$RECIPE" "$TMP/no-network-out"
expect_fail low-disk 'MB free in .*the build needs about 99999999 MB' \
  env HILT_FIRMWARE_MIN_FREE_MB=99999999 HILT_UBOOT_LOCALVERSION=-uncached "$RECIPE" "$TMP/low-disk-out"
cat >"$TMP/bad.patch" <<'EOF'
--- a/Makefile
+++ b/Makefile
@@ -1,3 +1,3 @@
-this line is not in U-Boot's Makefile
+so the patch cannot apply
 neither
 is this
EOF
expect_fail bad-patch 'FAILED: apply patch .*bad.patch' \
  env HILT_UBOOT_PATCHES="$TMP/bad.patch" "$RECIPE" "$TMP/bad-patch-out"
grep -q 'Hunk #1 FAILED' "$TMP/bad-patch.err" || fail "bad-patch: the patch's own output is not shown"
# A disk that really fills up (a 40 MiB tmpfs; needs root).
mkdir -p "$TMP/tiny"
if mount -t tmpfs -o size=40m tmpfs "$TMP/tiny" 2>/dev/null; then
  rc=0
  HILT_CACHE_DIR=$TMP/tiny HILT_FIRMWARE_MIN_FREE_MB=0 "$RECIPE" "$TMP/full-out" 2>"$TMP/full.err" || rc=$?
  [[ $rc -ne 0 ]] || { umount "$TMP/tiny"; fail "full disk: exit 0"; }
  grep -q 'No space left on device' "$TMP/full.err" || { cat "$TMP/full.err"; umount "$TMP/tiny"; fail "full disk: no reason"; }
  [[ -z $(ls -A "$TMP/tiny") ]] || { ls -la "$TMP/tiny"; umount "$TMP/tiny"; fail "full disk: temp build left behind"; }
  umount "$TMP/tiny"
  echo "ok: full-disk fails (exit $rc): $(grep -m1 'FAILED' "$TMP/full.err")"
else
  echo "note: cannot mount a tmpfs (not root); the full-disk case is not run"
fi
if [[ -z ${HILT_TEST_FIRMWARE_CACHE:-} ]]; then
  for entry in "$HILT_CACHE_DIR"/*; do
    [[ ! -e $entry || $(basename "$entry") == git ]] || fail "a failed build left $entry in the cache"
  done
fi

# --- the same bad input through `hilt run --lab lab/sim.yaml` ----------------------
# Each is exit 3 (the lab failed, not the board), stopped at `build`, with
# the recipe's reason in hilt's message; the outputs of an earlier build,
# planted in ${BUILD_DIR}/firmware, never reach the card (no flash). ~1 s each.
BIN=$(dirname "$HILT")
if "$HILT" run --help >/dev/null 2>&1 && [[ -x $BIN/hilt-sim ]]; then
  export HILT_SIM=$BIN/hilt-sim HILT_SIM_SPEEDUP=40
  run_bad() { # NAME WANT-REGEX [--lab LAB] VAR=VALUE...
    local name=$1 want=$2 lab=$SRC_DIR/lab/sim.yaml rc=0 start=$SECONDS; shift 2
    if [[ $1 == --lab ]]; then lab=$2; shift 2; fi
    local state=$TMP/bad-state-$name
    mkdir -p "$state/build/firmware"
    printf 'stale' >"$state/build/firmware/bl2.img"
    printf 'stale' >"$state/build/firmware/fip.bin"
    env "$@" HILT_STATE_DIR="$state" "$HILT" run --lab "$lab" --suite "$SRC_DIR/suites/bpi-r4-sd-boot.yaml" \
      --out "$TMP/bad-run-$name" --no-history >"$TMP/bad-run-$name.out" 2>&1 || rc=$?
    [[ $rc -eq 3 ]] || { tail -n 20 "$TMP/bad-run-$name.out"; fail "hilt run $name: exit $rc, want 3"; }
    local msg
    msg=$(grep -A 40 '^hilt: verdict error at build: build step' "$TMP/bad-run-$name.out") ||
      { tail -n 20 "$TMP/bad-run-$name.out"; fail "hilt run $name: not a build error"; }
    grep -Eq -- "$want" <<<"$msg" || { echo "$msg"; fail "hilt run $name: the message lacks /$want/"; }
    [[ ! -e $TMP/bad-run-$name/flash.log ]] || fail "hilt run $name: flashed the card after a failed build"
    echo "ok: hilt run $name: exit 3 at build in $((SECONDS - start)) s: $(grep -Eo -m1 -- "$want" <<<"$msg")"
  }
  run_bad missing-src 'HILT_FIRMWARE_SRC=/nonexistent is not a folder' HILT_FIRMWARE_SRC=/nonexistent
  # Git builds: a copy of the lab whose --default-src folders do not exist.
  mkdir -p "$TMP/lab"
  cp "$SRC_DIR/lab/sim.yaml" "$TMP/lab/" && cp -r "$SRC_DIR/lab/layouts" "$TMP/lab/"
  run_bad no-network 'cannot fetch [0-9a-f]+ from https://127.0.0.1:9/' --lab "$TMP/lab/sim.yaml" \
    -u HILT_FIRMWARE_SRC HILT_FIRMWARE_RECIPE="$RECIPE" HILT_UBOOT_GIT=https://127.0.0.1:9/u-boot.git HILT_GIT_TIMEOUT=20
  # PATH without the cross compiler: every other tool still there.
  mkdir -p "$TMP/path"
  for f in /usr/local/bin/* /usr/bin/* /bin/*; do
    b=${f##*/}
    [[ $b == aarch64-linux-gnu-* || -e $TMP/path/$b ]] || ln -s "$f" "$TMP/path/$b"
  done
  run_bad no-compiler 'cross compiler aarch64-linux-gnu-gcc not found in PATH' PATH="$TMP/path"
  run_bad bad-patch-file "HILT_UBOOT_PATCHES: patch file '$TMP/nope.patch' does not exist" HILT_UBOOT_PATCHES="$TMP/nope.patch"
  # A disk that fills up while unpacking: the failing command is named.
  if mount -t tmpfs -o size=40m tmpfs "$TMP/tiny" 2>/dev/null; then
    run_bad full-disk 'FAILED: unpack u-boot-' HILT_CACHE_DIR="$TMP/tiny" HILT_FIRMWARE_MIN_FREE_MB=0
    grep -A 40 '^hilt: verdict error at build' "$TMP/bad-run-full-disk.out" | grep -q 'No space left on device' ||
      { umount "$TMP/tiny"; fail "full disk: hilt's message lacks the log's 'No space left on device'"; }
    grep -q 'firmware: command: tar -xf' "$TMP/bad-run-full-disk.out" || { umount "$TMP/tiny"; fail "full disk: the failing tar is not named"; }
    [[ -z $(ls -A "$TMP/tiny") ]] || { umount "$TMP/tiny"; fail "full disk (hilt run): temp build left behind"; }
    umount "$TMP/tiny"
  fi
else
  echo "note: no hilt run / hilt-sim; bad input through hilt run is not checked"
fi

# --- the real build -------------------------------------------------------------
OUT=$TMP/out
start=$SECONDS
"$RECIPE" "$OUT" >"$TMP/build1.out" 2>"$TMP/build1.err" || { tail -n 40 "$TMP/build1.err"; fail "build"; }
echo "ok: build in $((SECONDS - start)) s: $(tail -n 1 "$TMP/build1.out")"
for f in u-boot.bin bl2.img fip.bin build.log; do [[ -s $OUT/$f ]] || fail "no $f"; done

# The referees: fiptool sees BL31 and BL33, mkimage a MediaTek SD image.
fiptool info "$OUT/fip.bin" >"$TMP/fipinfo"
grep -q 'SOC Firmware\|EL3 Runtime Firmware BL31' "$TMP/fipinfo" || { cat "$TMP/fipinfo"; fail "fiptool: no BL31"; }
grep -q 'Non-Trusted Firmware BL33' "$TMP/fipinfo" || { cat "$TMP/fipinfo"; fail "fiptool: no BL33"; }
# (mkimage lists an mtk_image only given the parameters it was made with.)
mkimage -l -T mtk_image -a 0x201000 -n 'media=sdmmc' "$OUT/bl2.img" >"$TMP/mkimage" 2>&1 ||
  { cat "$TMP/mkimage"; fail "mkimage -l rejects bl2.img"; }
if ! grep -q 'MediaTek BootROM Loadable Image' "$TMP/mkimage" || ! grep -q 'Boot Media: *SD/MMC' "$TMP/mkimage"; then
  cat "$TMP/mkimage"; fail "mkimage -l does not see a MediaTek SD image"
fi

# The facts agree with `strings`.
"$HILT" firmware-facts --bl2 "$OUT/bl2.img" --fip "$OUT/fip.bin" >"$TMP/facts" || fail "firmware-facts"
cat "$TMP/facts"
fact() { sed -n "s/^build\.$1=//p" "$TMP/facts"; }
banner=$(fact uboot_banner) prompt=$(fact uboot_prompt) tfa=$(fact tfa_version_string)
# The plain banner by default, as a manual build of the same sources prints
# (HILT_UBOOT_LOCALVERSION=auto would add "-hilt-<key>").
key=$(sed -n 's/^firmware: \(built\|cached\) \([0-9a-f]*\) .*/\2/p' "$TMP/build1.out")
[[ $banner == "U-Boot 2024.04 ("* ]] || fail "banner '$banner' (key $key): not the plain banner"
[[ $prompt == "BPI-R4> " ]] || fail "prompt '$prompt'"
[[ $(fact tfa_version) == 2.9* ]] || fail "tfa_version '$(fact tfa_version)'"
# (strings into files: grep -q would stop reading early, a SIGPIPE under pipefail)
strings -n 4 "$OUT/u-boot.bin" >"$TMP/strings-uboot"
strings -n 8 "$OUT/bl2.img" >"$TMP/strings-bl2"
strings -n 8 "$OUT/fip.bin" >"$TMP/strings-fip"
grep -qxF "$banner" "$TMP/strings-uboot" || fail "strings u-boot.bin lacks '$banner'"
grep -qxF "$prompt" "$TMP/strings-uboot" || fail "strings u-boot.bin lacks '$prompt'"
grep -qxF "$tfa" "$TMP/strings-bl2" || fail "strings bl2.img lacks '$tfa'"
grep -qxF "$(fact bl31_built)" "$TMP/strings-fip" || fail "strings fip.bin lacks the BL31 build time"
grep -qxF "$banner" "$TMP/strings-fip" || fail "strings fip.bin lacks the banner (BL33)"
echo "ok: facts match strings"

# --- cached rerun ----------------------------------------------------------------
start=$(date +%s%N)
"$RECIPE" "$TMP/out2" >"$TMP/build2.out" 2>&1 || fail "cached rerun"
ms=$((($(date +%s%N) - start) / 1000000))
grep -q 'cached' "$TMP/build2.out" || fail "rerun did not use the cache: $(cat "$TMP/build2.out")"
[[ $ms -lt 10000 ]] || fail "cached rerun took $ms ms"
cmp -s "$OUT/fip.bin" "$TMP/out2/fip.bin" || fail "cached fip.bin differs"
echo "ok: rerun cached in $ms ms"

# --- a patch under review changes the prompt --------------------------------------
mkdir -p "$TMP/patches" "$TMP/a/configs" "$TMP/b/configs"
defconfig=configs/mt7988a_bpir4_sd_defconfig
if [[ -d $FIRMWARE/u-boot ]]; then cp "$FIRMWARE/u-boot/$defconfig" "$TMP/a/$defconfig"
else tar -xOf "$FIRMWARE"/u-boot-*.tar.* --wildcards "*/$defconfig" >"$TMP/a/$defconfig"; fi
sed 's/^CONFIG_SYS_PROMPT=.*/CONFIG_SYS_PROMPT="R4-PATCHED> "/' "$TMP/a/$defconfig" >"$TMP/b/$defconfig"
(cd "$TMP" && diff -u --label "a/$defconfig" --label "b/$defconfig" "a/$defconfig" "b/$defconfig" \
  >"$TMP/patches/0001-prompt.patch") && fail "the prompt patch changes nothing"
start=$SECONDS
HILT_UBOOT_PATCHES=$TMP/patches "$RECIPE" "$TMP/patched" >"$TMP/build3.out" 2>"$TMP/build3.err" ||
  { tail -n 40 "$TMP/build3.err"; fail "patched build"; }
key3=$(sed -n 's/^firmware: \(built\|cached\) \([0-9a-f]*\) .*/\2/p' "$TMP/build3.out")
[[ -n $key3 && $key3 != "$key" ]] || fail "the patched build has the unpatched cache key ($key3)"
"$HILT" firmware-facts --bl2 "$TMP/patched/bl2.img" --fip "$TMP/patched/fip.bin" >"$TMP/facts-patched"
grep -qxF 'build.uboot_prompt=R4-PATCHED> ' "$TMP/facts-patched" || { cat "$TMP/facts-patched"; fail "patched prompt"; }
echo "ok: patched prompt built in $((SECONDS - start)) s"

# A FIP without BL33 (the failure `bl31` must catch).
cp "$OUT/fip.bin" "$TMP/fip-no-bl33.bin"
fiptool remove --nt-fw "$TMP/fip-no-bl33.bin" >/dev/null
"$HILT" firmware-facts --bl2 "$OUT/bl2.img" --fip "$TMP/fip-no-bl33.bin" >"$TMP/facts-nobl33"
grep -q uboot_banner "$TMP/facts-nobl33" && fail "a FIP without BL33 still has U-Boot facts"
echo "ok: FIP without BL33 has no U-Boot facts"

# --- the whole run on the simulated board (once `hilt run` exists) ----------------
BIN=$(dirname "$HILT")
if ! "$HILT" run --help >/dev/null 2>&1 || [[ ! -x $BIN/hilt-sim ]] ||
   ! grep -q bpi-r4-firmware.sh "$SRC_DIR/lab/sim.yaml" 2>/dev/null; then
  echo "note: no hilt run / hilt-sim / real-chain lab/sim.yaml in this build; the boot on the simulated board is not run"
  exit 0
fi
export HILT_SIM=$BIN/hilt-sim HILT_STATE_DIR=$TMP/state HILT_SIM_SPEEDUP=${HILT_SIM_SPEEDUP:-40}
unset HILT_SIM_FAULT
LAB=$SRC_DIR/lab/sim.yaml
field() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$TMP/$1/result.json" "$2"; }
run() { # NAME SUITE [VAR=VALUE...]: hilt run, sets rc
  local name=$1 suite=$2; shift 2
  rc=0
  env "$@" "$HILT" run --lab "$LAB" --suite "$suite" --out "$TMP/$name" >"$TMP/$name.out" 2>&1 || rc=$?
}
expect() { # NAME RC VERDICT [STAGE]
  [[ $rc -eq $2 ]] || { tail -n 20 "$TMP/$1.out"; fail "$1: exit $rc, want $2"; }
  [[ $(field "$1" 'r["verdict"]') == "$3" ]] || fail "$1: verdict $(field "$1" 'r["verdict"]'), want $3: $(field "$1" 'r.get("reason")')"
  [[ -z ${4:-} || $(field "$1" 'r.get("failed_stage")') == "$4" ]] ||
    fail "$1: failed at $(field "$1" 'r.get("failed_stage")'), want $4: $(field "$1" 'r.get("reason")')"
}

run good "$SRC_DIR/suites/bpi-r4-sd-boot.yaml"
expect good 0 pass
grep -qaF "$banner" "$TMP/good/console.raw" || fail "good: the board did not print the built banner"
echo "ok: the real chain boots on the simulated board and passes bpi-r4-sd-boot"

run built "$SRC_DIR/suites/bpi-r4-sd-boot-built.yaml"
expect built 0 pass
[[ $(field built 'r["facts"].get("build.uboot_banner")') == "$banner" ]] || fail "built: result.json lacks build.uboot_banner"
grep -rqs 'firmware: cached' "$TMP/built.out" "$TMP/built/" || fail "built: the second run did not reuse the cache"
echo "ok: bpi-r4-sd-boot-built passes (banner and TF-A version are the build's); the build was cached"

# The patched prompt: the board shows "R4-PATCHED> ", the suite waits for
# "BPI-R4>" (a 2 s budget keeps this short).
sed 's/within: 15s/within: 2s/' "$SRC_DIR/suites/bpi-r4-sd-boot.yaml" >"$TMP/short-prompt.yaml"
run patched "$TMP/short-prompt.yaml" HILT_UBOOT_PATCHES="$TMP/patches"
expect patched 1 fail prompt
echo "ok: a patch that changes the prompt fails at prompt"

# A FIP without BL33: the recipe's output with nt-fw removed.
# shellcheck disable=SC2016 # the wrapper expands $@ itself
printf '#!/usr/bin/env bash\nset -euo pipefail\n"%s" "$@"\nfiptool remove --nt-fw "${@: -1}/fip.bin"\n' \
  "$RECIPE" >"$TMP/no-bl33-recipe.sh"
chmod +x "$TMP/no-bl33-recipe.sh"
run nobl33 "$SRC_DIR/suites/bpi-r4-sd-boot.yaml" HILT_FIRMWARE_RECIPE="$TMP/no-bl33-recipe.sh"
expect nobl33 1 fail bl31
echo "ok: a FIP without BL33 fails at bl31"

run badpatch "$SRC_DIR/suites/bpi-r4-sd-boot.yaml" HILT_UBOOT_PATCHES="$TMP/bad.patch"
expect badpatch 3 error
grep -rqs 'FAILED: apply patch' "$TMP/badpatch.out" "$TMP/badpatch/" || fail "badpatch: the failing patch is not named"
echo "ok: a patch that does not apply is a lab failure (exit 3) naming the patch"
