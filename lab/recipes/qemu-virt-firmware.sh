#!/bin/bash
# Builds the boot chain of QEMU's `virt` machine: TF-A (BL1, and a FIP with
# BL2, BL31 and U-Boot as BL33) from Debian's `arm-trusted-firmware` source
# package, for PLAT=qemu, with the U-Boot of Debian's `u-boot-qemu` package
# (qemu_arm64/u-boot.bin) as BL33. See docs/qemu.md.
#
#   lab/recipes/qemu-virt-firmware.sh OUTDIR        build (or reuse the cache)
#   lab/recipes/qemu-virt-firmware.sh --fetch-only  fetch the source(s) only
#
# OUTDIR gets bl1.bin, fip.bin, u-boot.bin (the BL33 packed, if any),
# build.log and build-inputs.txt (what the cache key was made of).
#
# Environment:
#   HILT_QEMU_BL33      the U-Boot to pack as BL33; default
#                       /usr/lib/u-boot/qemu_arm64/u-boot.bin; "none" publishes
#                       the FIP without BL33 (BL2 then fails to load it: a
#                       fault test). Every build makes both FIPs with TF-A's
#                       own fiptool, as its `make fip` does with and without
#                       NEED_BL33, so "none" costs no second build.
#   HILT_QEMU_UBOOT     "package" (default: the BL33 above) or "source": build
#                       U-Boot from Debian's u-boot source package with
#                       qemu_arm64_defconfig and pack that (a second profile;
#                       a few minutes cold).
#   HILT_UBOOT_DSC      a local .dsc of u-boot, for "source" (offline labs).
#   HILT_TFA_DSC        a local .dsc of arm-trusted-firmware (offline labs);
#                       default: fetched once with `apt-get source` through a
#                       deb-src entry derived from this machine's apt source
#                       (lab/recipes/debian-apt-source.sh) and kept in the cache.
#   HILT_TFA_SOURCE_REFRESH=1  fetch the source again (a newer Debian upload).
#   HILT_TFA_FLAGS      default "PLAT=qemu"
#   CROSS_COMPILE       default aarch64-linux-gnu-
#   HILT_BUILD_JOBS     default $(nproc)
#   HILT_CACHE_DIR      default ${XDG_CACHE_HOME:-$HOME/.cache}/hilt/firmware;
#                       builds go to qemu-virt/<key>, sources to debian-src/.
#   HILT_CACHE_KEEP     cached builds kept, newest first, default 8
#
# Exit status: 0 built or cached; 1 the build failed (the failing command and
# the end of its log on stderr); 2 bad usage or input; 3 the Debian archive
# cannot be reached (offline) and no source is cached.
set -euo pipefail

say() { printf 'qemu-firmware: %s\n' "$*" >&2; }
die() { printf 'qemu-firmware: error: %s\n' "$1" >&2; exit "${2:-2}"; }

# A cache hit starts no process but one `stat` (input-stamps.sh): each one
# costs milliseconds on a loaded machine, and a hit is on every run's path.
# So the #! line names bash itself: `/usr/bin/env bash` was one more process
# and a PATH search (1.5 ms: `bash -c :` 2.1 ms, through env 3.6 ms).
SELF=${BASH_SOURCE[0]}
[[ ! -L $SELF ]] || SELF=$(readlink -f "$SELF")
[[ $SELF == /* ]] || SELF=$PWD/$SELF
HERE=${SELF%/*}
# shellcheck source=lab/recipes/input-stamps.sh
source "$HERE/input-stamps.sh"

USAGE="usage: $0 OUTDIR | --fetch-only (see the comment at the top of $0)"
[[ $# -eq 1 ]] || die "$USAGE"
FETCH_ONLY=0
if [[ $1 == --fetch-only ]]; then FETCH_ONLY=1; OUTDIR=; else OUTDIR=$1; fi
[[ $FETCH_ONLY -eq 1 || $OUTDIR != -* ]] || die "$USAGE"

CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
BL33=${HILT_QEMU_BL33:-/usr/lib/u-boot/qemu_arm64/u-boot.bin}
NO_BL33=0
if [[ $BL33 == none ]]; then NO_BL33=1; BL33=/usr/lib/u-boot/qemu_arm64/u-boot.bin; fi
TFA_FLAGS=${HILT_TFA_FLAGS:-PLAT=qemu}
JOBS=${HILT_BUILD_JOBS:-}  # default $(nproc), asked only when building
CACHE=${HILT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hilt/firmware}
KEEP=${HILT_CACHE_KEEP:-8}
[[ -z $JOBS || $JOBS =~ ^[1-9][0-9]*$ ]] || die "HILT_BUILD_JOBS='$JOBS' is not a positive number"
[[ -d $CACHE ]] || mkdir -p "$CACHE" || die "cannot create the cache folder $CACHE"
[[ $CACHE == /* ]] || CACHE=$PWD/$CACHE  # make -C runs elsewhere

# --- the sources: Debian source packages ----------------------------------------
UBOOT_PROFILE=${HILT_QEMU_UBOOT:-package}
[[ $UBOOT_PROFILE == package || $UBOOT_PROFILE == source ]] ||
  die "HILT_QEMU_UBOOT='$UBOOT_PROFILE' must be 'package' or 'source'"

fetch_source() { # PACKAGE DIR: into DIR, replacing it only once the download is complete
  local package=$1 dir=$2 tmp=$2.tmp.$$ rc=0
  rm -rf "$tmp"
  mkdir -p "$tmp"
  # Read only to fetch: a cache hit need not parse it (it is stamped all the same).
  # shellcheck source=lab/recipes/debian-apt-source.sh
  source "$HERE/debian-apt-source.sh"
  say "fetching Debian's $package source (apt-get source, private list under $CACHE/apt)"
  apt_fetch_source "$package" "$tmp" "$CACHE/apt" || rc=$?
  if [[ $rc -ne 0 ]]; then
    rm -rf "$tmp"
    [[ $rc -eq 3 ]] && die "cannot fetch $package: the Debian archive is unreachable. Offline, point HILT_TFA_DSC / HILT_UBOOT_DSC at a local .dsc (apt-get source --download-only $package)" 3
    die "cannot fetch $package with apt-get source (see above)" 1
  fi
  rm -rf "$dir" && mv "$tmp" "$dir"
}

source_dsc() { # VAR PACKAGE OVERRIDE: VAR = the .dsc to build: OVERRIDE, or the cached download
  local -n dsc=$1
  local package=$2 override=$3 dir=$CACHE/debian-src/$2 dscs
  if [[ -n $override ]]; then
    [[ -f $override ]] || die "$override is not a file (it should be ${package}_*.dsc)"
    dsc=$override
    [[ $dsc == /* ]] || dsc=$PWD/$dsc
    return
  fi
  if [[ ${HILT_TFA_SOURCE_REFRESH:-0} == 1 ]] || ! compgen -G "$dir/${package}_*.dsc" >/dev/null; then
    fetch_source "$package" "$dir" >&2
  fi
  shopt -s nullglob
  dscs=("$dir/${package}"_*.dsc)
  shopt -u nullglob
  [[ ${#dscs[@]} -eq 1 ]] || die "expected one ${package}_*.dsc in $dir, found ${#dscs[@]}; set HILT_TFA_SOURCE_REFRESH=1"
  dsc=${dscs[0]}
}

DSC='' UBOOT_DSC=''
source_dsc DSC arm-trusted-firmware "${HILT_TFA_DSC:-}"
[[ $UBOOT_PROFILE == package ]] || source_dsc UBOOT_DSC u-boot "${HILT_UBOOT_DSC:-}"
if [[ $FETCH_ONLY -eq 1 ]]; then
  echo "qemu-firmware: source ${DSC##*/}${UBOOT_DSC:+ and ${UBOOT_DSC##*/}} in $CACHE/debian-src"
  exit 0
fi

# --- tools and inputs ---------------------------------------------------------
command -v "${CROSS_COMPILE}gcc" >/dev/null ||
  die "cross compiler ${CROSS_COMPILE}gcc not found in PATH (Debian: apt-get install gcc-aarch64-linux-gnu, or set CROSS_COMPILE)"
for tool in make gcc dpkg-source sha256sum; do
  command -v "$tool" >/dev/null || die "host tool '$tool' not found in PATH (see ci/setup-deps for the Debian packages)"
done
if [[ $UBOOT_PROFILE == source ]]; then
  BL33=source
  for tool in bison flex bc; do
    command -v "$tool" >/dev/null || die "host tool '$tool' (for U-Boot) not found in PATH (see ci/setup-deps)"
  done
else
  [[ -f $BL33 ]] || die "BL33 $BL33 does not exist (Debian: apt-get install u-boot-qemu, or set HILT_QEMU_BL33)"
  [[ $BL33 == /* ]] || BL33=$PWD/$BL33
fi

# --- the cache key: everything that can change an output ------------------------
manifest() {
  printf 'recipe %s\n' "$(cat "$SELF" "$HERE/debian-apt-source.sh" "$HERE/input-stamps.sh" | sha256sum | cut -d' ' -f1)"
  # The .dsc lists the checksums of the tarballs; dpkg-source -x checks them.
  printf 'tf-a %s %s\n' "${DSC##*/}" "$(sha256sum <"$DSC" | cut -d' ' -f1)"
  case $BL33 in
    source) printf 'bl33 source %s %s qemu_arm64_defconfig\n' "${UBOOT_DSC##*/}" "$(sha256sum <"$UBOOT_DSC" | cut -d' ' -f1)" ;;
    *) printf 'bl33 %s\n' "$(sha256sum <"$BL33" | cut -d' ' -f1)" ;;
  esac
  printf 'tfa-flags %s\ncross-compile %s\n' "$TFA_FLAGS" "$CROSS_COMPILE"
  printf 'compiler %s\n' "$("${CROSS_COMPILE}gcc" --version | head -n 1)"
  printf 'host-compiler %s\n' "$(gcc --version | head -n 1)"
}

program_path() { # VAR NAME: VAR = the file the shell runs for NAME (PATH as now)
  local -n path=$1
  if [[ $2 == */* ]]; then path=$2; else hash "$2" && path=${BASH_CMDS[$2]}; fi
  [[ $path == /* ]] || path=$PWD/$path
}

# Every file the manifest reads, and the compilers it asks: their stamps
# stand in for the hashes and the --version lines while none of them moves.
CC_PATH='' HOST_CC_PATH=''
program_path CC_PATH "${CROSS_COMPILE}gcc"
program_path HOST_CC_PATH gcc
INPUTS=("$SELF" "$HERE/debian-apt-source.sh" "$HERE/input-stamps.sh" "$DSC"
        "${UBOOT_DSC:-$BL33}" "$CC_PATH" "$HOST_CC_PATH")
# What OUTDIR holds after publish(), stamped with the inputs (one process).
OUT_FILES=("$OUTDIR/bl1.bin" "$OUTDIR/fip.bin" "$OUTDIR/u-boot.bin" "$OUTDIR/build.log" "$OUTDIR/build-inputs.txt")
[[ -d $OUTDIR ]] || mkdir -p "$OUTDIR" || die "cannot create OUTDIR $OUTDIR"
[[ -d $CACHE/qemu-virt ]] || mkdir -p "$CACHE/qemu-virt" || die "cannot create $CACHE/qemu-virt"
stamp_files "$OUTDIR/.stamps" "${INPUTS[@]}" "${OUT_FILES[@]}"
printf -v STAMPS '%q ' "$TFA_FLAGS" "$CROSS_COMPILE" "$BL33"
MEMOISABLE=1
stamp_append STAMPS "${INPUTS[@]}" || MEMOISABLE=0
MEMO=$CACHE/qemu-virt/memo
MANIFEST=
if [[ $MEMOISABLE -eq 1 ]] && memo_get "$MEMO" "$STAMPS"; then
  KEY=$MEMO_KEY
  HOW="inputs unchanged since hashed"
else
  MANIFEST=$(manifest)
  KEY=$(sha256sum <<<"$MANIFEST" | cut -d' ' -f1)
  HOW="inputs hashed"
  if [[ $MEMOISABLE -eq 1 ]] && stamps_settled "${INPUTS[@]}"; then memo_put "$MEMO" "$STAMPS" "$KEY"; fi
fi
ENTRY=$CACHE/qemu-virt/$KEY
ENTRY_FILES=(bl1.bin fip.bin fip-no-bl33.bin u-boot.bin build.log inputs.txt)
MARK=$OUTDIR/.published
WHICH=
[[ $NO_BL33 -eq 0 ]] || WHICH=' (FIP without BL33)'

publish_mark() { # VAR: what $MARK holds for this key's outputs as they are stamped now
  local -n mark=$1
  local f
  mark="$KEY $NO_BL33"$'\n'
  for f in "${OUT_FILES[@]}"; do mark+="$f ${STAMP[$f]:-}"$'\n'; done
}

publish() { # ENTRY: its outputs into OUTDIR (unless there already), its log into the run folder
  local fip=fip.bin want='' have=''
  publish_mark want
  [[ ! -f $MARK ]] || IFS= read -r -d '' have <"$MARK" || true
  if [[ $have != "$want" ]]; then
    rm -f "$MARK" "$OUTDIR/u-boot.bin"
    if [[ $NO_BL33 -eq 1 ]]; then fip="fip-no-bl33.bin"; else cp -f "$1/u-boot.bin" "$OUTDIR/u-boot.bin"; fi
    cp -f "$1/bl1.bin" "$OUTDIR/bl1.bin.tmp" && mv -f "$OUTDIR/bl1.bin.tmp" "$OUTDIR/bl1.bin"
    cp -f "$1/$fip" "$OUTDIR/fip.bin.tmp" && mv -f "$OUTDIR/fip.bin.tmp" "$OUTDIR/fip.bin"
    cp -f "$1/build.log" "$OUTDIR/build.log"
    cp -f "$1/inputs.txt" "$OUTDIR/build-inputs.txt"
    stamp_files "$OUTDIR/.stamps" "${OUT_FILES[@]}"
    publish_mark want
    printf '%s' "$want" >"$MARK"
  fi
  [[ -n ${HILT_RUN_DIR:-} && -d ${HILT_RUN_DIR:-} ]] || return 0
  local size=${STAMP[$OUTDIR/build.log]%% *}
  copy_text "$OUTDIR/build.log" "$HILT_RUN_DIR/firmware-build.log" "$size" ||
    cp -f "$1/build.log" "$HILT_RUN_DIR/firmware-build.log" || true
}

cached=1
for f in "${ENTRY_FILES[@]}"; do [[ -f $ENTRY/$f ]] || cached=0; done
if [[ $cached -eq 1 ]]; then
  # The last use, for pruning: truncating moves the mtime, with no process.
  : 2>/dev/null >"$ENTRY/used" || true
  publish "$ENTRY"
  echo "qemu-firmware: cached ${KEY:0:16}$WHICH -> $OUTDIR ($HOW)"
  exit 0
fi
[[ -n $MANIFEST ]] || MANIFEST=$(manifest)  # the memo's entry was pruned

# --- the build ---------------------------------------------------------------
rm -f "$MARK" "$OUTDIR/bl1.bin" "$OUTDIR/fip.bin" "$OUTDIR/u-boot.bin" "$OUTDIR/build-inputs.txt"
[[ -n $JOBS ]] || JOBS=$(nproc)
WORK=$(mktemp -d "$CACHE/qemu-virt/build.XXXXXX")
LOG=$WORK/build.log
cleanup() {
  local rc=$?
  [[ $rc -eq 0 || ! -f $LOG ]] || cp -f "$LOG" "$OUTDIR/build.log" 2>/dev/null || true
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
say "building ${KEY:0:16} in $WORK (log: $OUTDIR/build.log on failure)"

step() { # DESCRIPTION COMMAND...: runs it into the log; on failure, shows why
  local what=$1; shift
  printf '\n### %s\n### %s\n' "$what" "$*" >>"$LOG"
  if ! "$@" >>"$LOG" 2>&1; then
    {
      printf 'qemu-firmware: FAILED: %s\n' "$what"
      printf 'qemu-firmware: command: %s\n' "$*"
      printf 'qemu-firmware: last 30 lines of the build log:\n'
      tail -n 30 "$LOG"
    } >&2
    exit 1
  fi
}

export GIT_CEILING_DIRECTORIES=$WORK  # TF-A asks git for a build string
# dpkg-source -x checks the tarballs against the .dsc and applies Debian's patches.
step "unpack $(basename "$DSC")" dpkg-source -x "$DSC" "$WORK/tf-a"
if [[ $BL33 == source ]]; then
  step "unpack $(basename "$UBOOT_DSC")" dpkg-source -x "$UBOOT_DSC" "$WORK/u-boot"
  step "u-boot qemu_arm64_defconfig" make -C "$WORK/u-boot" CROSS_COMPILE="$CROSS_COMPILE" qemu_arm64_defconfig
  step "u-boot build" make -C "$WORK/u-boot" CROSS_COMPILE="$CROSS_COMPILE" -j"$JOBS" u-boot.bin
  cp "$WORK/u-boot/u-boot.bin" "$WORK/u-boot.bin"
else
  cp "$BL33" "$WORK/u-boot.bin"
fi
# As debian/rules does for its own firmware builds: binutils 2.40 warns on
# TF-A's RWX segments, which TF-A's --fatal-warnings would make an error, and
# GCC 12 needs min-pagesize=0 for TF-A's fixed-address accesses.
# shellcheck disable=SC2086 # TFA_FLAGS is a list of make variables
step "tf-a build" env TF_LDFLAGS=--no-warn-rwx-segments CFLAGS=--param=min-pagesize=0 \
  make -C "$WORK/tf-a" CROSS_COMPILE="$CROSS_COMPILE" $TFA_FLAGS BL33="$WORK/u-boot.bin" -j"$JOBS" all fip

PLAT=$(sed -n 's/.*PLAT=\([^ ]*\).*/\1/p' <<<"$TFA_FLAGS")
REL=$WORK/tf-a/build/${PLAT:-qemu}/release
for f in "$REL/bl1.bin" "$REL/bl2.bin" "$REL/bl31.bin" "$REL/fip.bin" "$WORK/tf-a/tools/fiptool/fiptool"; do
  [[ -s $f ]] || { say "the build finished but $f is missing or empty"; tail -n 30 "$LOG" >&2; exit 1; }
done

# Into the cache by one rename: a failed or interrupted build leaves no entry.
mkdir "$WORK/out"
cp "$REL/bl1.bin" "$REL/fip.bin" "$WORK/u-boot.bin" "$WORK/out/"
# The FIP TF-A's `make fip NEED_BL33=no` makes: the same BL2 and BL31, no BL33.
step "fip without BL33" "$WORK/tf-a/tools/fiptool/fiptool" create --tb-fw "$REL/bl2.bin" \
  --soc-fw "$REL/bl31.bin" "$WORK/out/fip-no-bl33.bin"
printf '%s\n' "$MANIFEST" >"$WORK/out/inputs.txt"
cp "$LOG" "$WORK/out/build.log"
if ! mv -T "$WORK/out" "$ENTRY" 2>/dev/null; then
  [[ -f $ENTRY/fip.bin ]] || die "cannot store the build in the cache at $ENTRY" 1
fi
publish "$ENTRY"

# Keeps the KEEP entries used last: by the mtime of their `used` (a cache
# hit truncates it), or of the entry itself if it was never hit.
LAST_USE=()
for d in "$CACHE"/qemu-virt/*/; do
  d=${d%/}
  [[ ${d##*/} =~ ^[0-9a-f]{64}$ ]] || continue
  if [[ -f $d/used ]]; then LAST_USE+=("$d/used"); else LAST_USE+=("$d"); fi
done
if ((${#LAST_USE[@]} > KEEP)); then
  stat -c '%.9Y %n' -- "${LAST_USE[@]}" | sort -rg | tail -n +$((KEEP + 1)) |
    while read -r _ path; do rm -rf -- "${path%/used}"; done
fi
echo "qemu-firmware: built ${KEY:0:16}$WHICH -> $OUTDIR ($HOW)"
