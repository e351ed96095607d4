#!/usr/bin/env bash
# Builds the real BPI-R4 boot chain (U-Boot 2024.04 + MediaTek TF-A for the
# MT7988, booting from SD) the way the seed does, and writes u-boot.bin,
# bl2.img and fip.bin into OUTDIR. A trusted lab build step: see
# docs/firmware.md.
#
#   lab/recipes/bpi-r4-firmware.sh [--default-src DIR]... OUTDIR
#
# --default-src DIR: when HILT_FIRMWARE_SRC is unset, use the first DIR that
# exists (a lab points it at ../shared/firmware beside the repository); with
# none, fetch from git.
#
# Environment:
#   HILT_FIRMWARE_SRC   folder with the source tarballs (u-boot-*.tar.xz,
#                       tf-a-*.tar.xz, as in ../shared/firmware) or checkouts
#                       named u-boot/ and tf-a/. Unset: git fetch of the pinned
#                       commits below (HILT_UBOOT_GIT/_COMMIT, HILT_TFA_GIT/_COMMIT).
#   HILT_UBOOT_PATCHES  a folder (its *.patch, *.diff in name order) or a list
#   HILT_TFA_PATCHES    of patch files (space or colon separated), applied in
#                       order with patch -p1 on top of the sources.
#   HILT_UBOOT_DEFCONFIG    default mt7988a_bpir4_sd_defconfig
#   HILT_UBOOT_CONFIG   extra Kconfig lines (space separated), default the
#                       seed's "CONFIG_FIT=n CONFIG_USE_DEFAULT_ENV_FILE=n"
#   HILT_UBOOT_LOCALVERSION  appended to U-Boot's version (CONFIG_LOCALVERSION),
#                       default none: the plain "U-Boot 2024.04 (...)" banner;
#                       "auto" for "-hilt-" and the first 8 hex digits of the
#                       cache key, so the banner names the build.
#   HILT_TFA_FLAGS      default "PLAT=mt7988 BOOT_DEVICE=sdmmc USE_MKIMAGE=1 DRAM_USE_COMB=1"
#   CROSS_COMPILE       default aarch64-linux-gnu-
#   HILT_BUILD_JOBS     default $(nproc)
#   HILT_CACHE_DIR      default ${XDG_CACHE_HOME:-$HOME/.cache}/hilt/firmware
#   HILT_CACHE_KEEP     cached builds kept (newest first), default 8
#   HILT_FIRMWARE_MIN_FREE_MB  free space needed in the cache folder, default 1500
#   HILT_GIT_TIMEOUT    seconds for a git fetch, default 600
#   SOURCE_DATE_EPOCH   default: per source, the commit time (git) or the
#                       newest file time (tarball), so the banner is stable.
#
# Exit status: 0 built or cached; 1 the build failed (the failing command and
# the last lines of its log are on stderr, the full log in OUTDIR/build.log
# and, in a hilt run, in $HILT_RUN_DIR/firmware-build.log);
# 2 bad usage or input (missing sources, compiler, patch file).
set -euo pipefail

readonly UBOOT_GIT_DEFAULT=https://github.com/frank-w/u-boot.git
readonly UBOOT_COMMIT_DEFAULT=77a568327f12063d5a6e047df80a16ab91922e1e # branch 2024-04-bpi-r4
readonly TFA_GIT_DEFAULT=https://github.com/frank-w/u-boot.git
readonly TFA_COMMIT_DEFAULT=7154cf66405cfb42855f2e4f419dece0639e6dd1   # branch mtk-atf

say() { printf 'firmware: %s\n' "$*" >&2; }
die() { printf 'firmware: error: %s\n' "$1" >&2; exit "${2:-2}"; }

USAGE="usage: $0 [--default-src DIR]... OUTDIR (see the comment at the top of $0)"
DEFAULT_SRCS=()
while [[ $# -gt 1 ]]; do
  case $1 in
    --default-src) DEFAULT_SRCS+=("$2"); shift 2 ;;
    *) die "$USAGE" ;;
  esac
done
[[ $# -eq 1 && $1 != -* ]] || die "$USAGE"
OUTDIR=$1
if [[ -z ${HILT_FIRMWARE_SRC:-} ]]; then
  for dir in "${DEFAULT_SRCS[@]}"; do
    if [[ -d $dir ]]; then HILT_FIRMWARE_SRC=$(readlink -f "$dir"); break; fi
  done
fi

CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
DEFCONFIG=${HILT_UBOOT_DEFCONFIG:-mt7988a_bpir4_sd_defconfig}
UBOOT_CONFIG=${HILT_UBOOT_CONFIG-CONFIG_FIT=n CONFIG_USE_DEFAULT_ENV_FILE=n}
TFA_FLAGS=${HILT_TFA_FLAGS:-PLAT=mt7988 BOOT_DEVICE=sdmmc USE_MKIMAGE=1 DRAM_USE_COMB=1}
JOBS=${HILT_BUILD_JOBS:-$(nproc)}
CACHE=${HILT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hilt/firmware}
KEEP=${HILT_CACHE_KEEP:-8}
MIN_FREE_MB=${HILT_FIRMWARE_MIN_FREE_MB:-1500}
GIT_TIMEOUT=${HILT_GIT_TIMEOUT:-600}
SELF=$(readlink -f "${BASH_SOURCE[0]}")

# --- tools -------------------------------------------------------------------
command -v "${CROSS_COMPILE}gcc" >/dev/null ||
  die "cross compiler ${CROSS_COMPILE}gcc not found in PATH (Debian: apt-get install gcc-aarch64-linux-gnu, or set CROSS_COMPILE)"
for tool in make gcc bison flex bc dtc mkimage patch sha256sum tar xz; do
  command -v "$tool" >/dev/null ||
    die "host tool '$tool' not found in PATH (see ci/setup-deps for the Debian packages)"
done
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "HILT_BUILD_JOBS='$JOBS' is not a positive number"

# --- sources -------------------------------------------------------------------
# Each source is a kind (tar|dir) and a path; its identity goes into the key.
identify_tree() { # DIR -> a line that changes whenever the tree's content does
  local dir=$1
  if [[ -d $dir/.git ]] && git -C "$dir" rev-parse --verify -q HEAD >/dev/null; then
    # Commit, plus every uncommitted change and untracked file.
    printf 'git %s dirty %s\n' "$(git -C "$dir" rev-parse HEAD)" \
      "$( { git -C "$dir" diff HEAD --binary
            git -C "$dir" ls-files -z --others --exclude-standard |
              (cd "$dir" && xargs -0r sha256sum); } | sha256sum | cut -d' ' -f1)"
  else
    printf 'tree %s\n' "$( (cd "$dir" && find . -path ./.git -prune -o -type f -print0 |
      LC_ALL=C sort -z | xargs -0r sha256sum) | sha256sum | cut -d' ' -f1)"
  fi
}

git_fetch() { # NAME URL COMMIT -> prints the checkout folder (cached by commit)
  local name=$1 url=$2 commit=$3 dest
  [[ $commit =~ ^[0-9a-f]{40}$ ]] || die "$name: commit '$commit' is not a full 40-hex git commit"
  dest=$CACHE/git/$name-$commit
  if [[ ! -e $dest/.fetched ]]; then
    command -v git >/dev/null || die "git not found; set HILT_FIRMWARE_SRC to a folder of sources instead"
    say "$name: fetching $url at $commit"
    rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
    git -C "$dest.tmp" init -q
    if ! GIT_TERMINAL_PROMPT=0 timeout "$GIT_TIMEOUT" \
        git -C "$dest.tmp" fetch -q --depth 1 "$url" "$commit" >"$CACHE/git/$name.log" 2>&1; then
      tail -n 30 "$CACHE/git/$name.log" >&2
      rm -rf "$dest.tmp"
      die "$name: cannot fetch $commit from $url (network unreachable, or no such commit). Offline, set HILT_FIRMWARE_SRC to a folder holding the source tarballs or checkouts u-boot/ and tf-a/" 1
    fi
    git -C "$dest.tmp" -c advice.detachedHead=false checkout -q FETCH_HEAD
    touch "$dest.tmp/.fetched"
    rm -rf "$dest" && mv "$dest.tmp" "$dest"
  fi
  printf '%s\n' "$dest"
}

find_source() { # NAME TARGLOB -> sets SRC_KIND, SRC_PATH
  local name=$1 glob=$2 matches
  if [[ -d $HILT_FIRMWARE_SRC/$name ]]; then
    SRC_KIND=dir SRC_PATH=$(readlink -f "$HILT_FIRMWARE_SRC/$name")
    return
  fi
  shopt -s nullglob
  # shellcheck disable=SC2206 # the glob is meant to expand
  matches=("$HILT_FIRMWARE_SRC"/$glob)
  shopt -u nullglob
  case ${#matches[@]} in
    1) SRC_KIND=tar SRC_PATH=$(readlink -f "${matches[0]}") ;;
    0) die "HILT_FIRMWARE_SRC=$HILT_FIRMWARE_SRC holds neither a checkout '$name/' nor a tarball '$glob'" ;;
    *) die "HILT_FIRMWARE_SRC=$HILT_FIRMWARE_SRC holds several tarballs '$glob': ${matches[*]}; keep one" ;;
  esac
}

mkdir -p "$CACHE" || die "cannot create the cache folder $CACHE"
CACHE=$(readlink -f "$CACHE")
if [[ -n ${HILT_FIRMWARE_SRC:-} ]]; then
  [[ -d $HILT_FIRMWARE_SRC ]] ||
    die "HILT_FIRMWARE_SRC=$HILT_FIRMWARE_SRC is not a folder (it should hold u-boot-*.tar.xz and tf-a-*.tar.xz, or checkouts u-boot/ and tf-a/)"
  find_source u-boot 'u-boot-*.tar.*'; UBOOT_KIND=$SRC_KIND UBOOT_SRC=$SRC_PATH
  find_source tf-a 'tf-a-*.tar.*';     TFA_KIND=$SRC_KIND TFA_SRC=$SRC_PATH
else
  say "HILT_FIRMWARE_SRC is unset: building the pinned commits from git"
  UBOOT_KIND=dir UBOOT_SRC=$(git_fetch u-boot "${HILT_UBOOT_GIT:-$UBOOT_GIT_DEFAULT}" "${HILT_UBOOT_COMMIT:-$UBOOT_COMMIT_DEFAULT}")
  TFA_KIND=dir TFA_SRC=$(git_fetch tf-a "${HILT_TFA_GIT:-$TFA_GIT_DEFAULT}" "${HILT_TFA_COMMIT:-$TFA_COMMIT_DEFAULT}")
fi

source_identity() { # KIND PATH
  if [[ $1 == tar ]]; then printf 'tar %s\n' "$(sha256sum <"$2" | cut -d' ' -f1)"
  else identify_tree "$2"; fi
}

patch_list() { # VARNAME ARRAYNAME: a folder of patches or a list of files, in order
  local var=$1 value=${!1:-} item f
  local -n out=$2
  out=()
  [[ -n $value ]] || return 0
  if [[ -d $value ]]; then
    shopt -s nullglob
    for f in "$value"/*.patch "$value"/*.diff; do out+=("$(readlink -f "$f")"); done
    shopt -u nullglob
    [[ ${#out[@]} -gt 0 ]] || die "$var=$value is a folder without *.patch or *.diff files"
    mapfile -t out < <(printf '%s\n' "${out[@]}" | LC_ALL=C sort)
    return 0
  fi
  for item in ${value//:/ }; do
    [[ -f $item ]] || die "$var: patch file '$item' does not exist"
    out+=("$(readlink -f "$item")")
  done
}
patch_list HILT_UBOOT_PATCHES UBOOT_PATCHES
patch_list HILT_TFA_PATCHES TFA_PATCHES

# --- the cache key: everything that can change an output ------------------------
manifest() {
  printf 'recipe %s\n' "$(sha256sum <"$SELF" | cut -d' ' -f1)"
  printf 'u-boot %s\n' "$(source_identity "$UBOOT_KIND" "$UBOOT_SRC")"
  printf 'tf-a %s\n' "$(source_identity "$TFA_KIND" "$TFA_SRC")"
  local p
  for p in "${UBOOT_PATCHES[@]}"; do printf 'u-boot patch %s\n' "$(sha256sum <"$p" | cut -d' ' -f1)"; done
  for p in "${TFA_PATCHES[@]}"; do printf 'tf-a patch %s\n' "$(sha256sum <"$p" | cut -d' ' -f1)"; done
  printf 'defconfig %s\nconfig %s\ntfa-flags %s\n' "$DEFCONFIG" "$UBOOT_CONFIG" "$TFA_FLAGS"
  printf 'localversion %s\n' "${HILT_UBOOT_LOCALVERSION-}"
  printf 'cross-compile %s\nSOURCE_DATE_EPOCH %s\n' "$CROSS_COMPILE" "${SOURCE_DATE_EPOCH:-auto}"
  printf 'compiler %s\n' "$("${CROSS_COMPILE}gcc" --version | head -n 1)"
  printf 'host-compiler %s\n' "$(gcc --version | head -n 1)"
  printf 'mkimage %s\n' "$(mkimage -V 2>/dev/null | head -n 1)"
}
MANIFEST=$(manifest)
KEY=$(sha256sum <<<"$MANIFEST" | cut -d' ' -f1)
ENTRY=$CACHE/$KEY
if [[ ${HILT_UBOOT_LOCALVERSION-} == auto ]]; then
  LOCALVERSION=-hilt-${KEY:0:8}
else
  LOCALVERSION=${HILT_UBOOT_LOCALVERSION-}
fi
[[ $LOCALVERSION =~ ^[A-Za-z0-9._+-]{0,32}$ ]] ||
  die "HILT_UBOOT_LOCALVERSION='$LOCALVERSION' must be up to 32 of A-Z a-z 0-9 . _ + -"

mkdir -p "$OUTDIR" || die "cannot create OUTDIR $OUTDIR"
publish() { # FROM: copies the three outputs (and the log) to OUTDIR
  local f
  for f in u-boot.bin bl2.img fip.bin; do cp -f "$1/$f" "$OUTDIR/$f.tmp" && mv -f "$OUTDIR/$f.tmp" "$OUTDIR/$f"; done
  cp -f "$1/build.log" "$OUTDIR/build.log"
  printf '%s\n' "$MANIFEST" >"$OUTDIR/build-inputs.txt"
  keep_log "$1/build.log"
}
keep_log() { # in a hilt run, the full log goes into the run folder too
  [[ -z ${HILT_RUN_DIR:-} || ! -d ${HILT_RUN_DIR:-} ]] || cp -f "$1" "$HILT_RUN_DIR/firmware-build.log" || true
}

if [[ -f $ENTRY/u-boot.bin && -f $ENTRY/bl2.img && -f $ENTRY/fip.bin && -f $ENTRY/build.log ]]; then
  touch "$ENTRY"
  publish "$ENTRY"
  echo "firmware: cached ${KEY:0:16} -> $OUTDIR"
  exit 0
fi

# --- the build ---------------------------------------------------------------
# Outputs of an earlier build must not outlive a failed one.
rm -f "$OUTDIR/u-boot.bin" "$OUTDIR/bl2.img" "$OUTDIR/fip.bin" "$OUTDIR/build-inputs.txt"
free_mb=$(df -Pm "$CACHE" | awk 'NR==2 {print $4}')
if [[ $free_mb -lt $MIN_FREE_MB ]]; then
  die "only ${free_mb} MB free in $CACHE; the build needs about ${MIN_FREE_MB} MB (HILT_FIRMWARE_MIN_FREE_MB)" 1
fi

WORK=$(mktemp -d "$CACHE/build.XXXXXX")
LOG=$WORK/build.log
cleanup() {
  local rc=$?
  if [[ $rc -ne 0 && -f $LOG ]]; then
    cp -f "$LOG" "$OUTDIR/build.log" 2>/dev/null || true
    keep_log "$LOG"
  fi
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
    # The failing command last: a runner that shows only the end of this
    # output (hilt run shows 15 lines) still names it.
    {
      printf 'firmware: last 30 lines of the build log:\n'
      tail -n 30 "$LOG"
      [[ -z $(tail -c 1 "$LOG") ]] || echo # a full disk can cut the last line
      printf 'firmware: FAILED: %s\n' "$what"
      printf 'firmware: command: %s\n' "$*"
    } >&2
    exit 1
  fi
}

unpack() { # KIND SRC DEST
  mkdir -p "$3"
  if [[ $1 == tar ]]; then
    step "unpack $(basename "$2")" tar -xf "$2" -C "$3" --strip-components=1
  else
    step "copy $2" tar -C "$2" --exclude=./.git -cf "$WORK/copy.tar" .
    step "unpack copy of $2" tar -xf "$WORK/copy.tar" -C "$3"
    rm -f "$WORK/copy.tar"
  fi
}

apply_patches() { # TREE PATCH...
  local tree=$1 p; shift
  for p in "$@"; do
    step "apply patch $p to $(basename "$tree")" patch -d "$tree" -p1 --forward --batch -i "$p"
  done
}

source_epoch() { # KIND SRC TREE -> seconds
  if [[ -n ${SOURCE_DATE_EPOCH:-} ]]; then echo "$SOURCE_DATE_EPOCH"; return; fi
  if [[ $1 == dir && -d $2/.git ]]; then git -C "$2" log -1 --format=%ct; return; fi
  find "$3" -type f -printf '%T@\n' | sort -n | tail -n 1 | cut -d. -f1
}

# Keep git from finding a repository above the work folder (TF-A asks git
# describe for its build string).
export GIT_CEILING_DIRECTORIES=$WORK
unpack "$UBOOT_KIND" "$UBOOT_SRC" "$WORK/u-boot"
unpack "$TFA_KIND" "$TFA_SRC" "$WORK/tf-a"
UBOOT_EPOCH=$(source_epoch "$UBOOT_KIND" "$UBOOT_SRC" "$WORK/u-boot")
TFA_EPOCH=$(source_epoch "$TFA_KIND" "$TFA_SRC" "$WORK/tf-a")
apply_patches "$WORK/u-boot" "${UBOOT_PATCHES[@]}"
apply_patches "$WORK/tf-a" "${TFA_PATCHES[@]}"

TFA_BUILD_STRING=
if [[ $TFA_KIND == dir && -d $TFA_SRC/.git ]]; then
  TFA_BUILD_STRING=$(git -C "$TFA_SRC" describe --always --dirty --tags 2>/dev/null || true)
fi

# U-Boot: defconfig, then the extra config on top (as the seed's extraConfig).
UMAKE=(make -C "$WORK/u-boot" CROSS_COMPILE="$CROSS_COMPILE")
[[ -f $WORK/u-boot/configs/$DEFCONFIG ]] ||
  { say "U-Boot has no configs/$DEFCONFIG"; exit 2; }
step "u-boot $DEFCONFIG" "${UMAKE[@]}" "$DEFCONFIG"
read -ra EXTRA_CONFIG <<<"$UBOOT_CONFIG"
EXTRA_CONFIG+=("CONFIG_LOCALVERSION=\"$LOCALVERSION\"")
if [[ ${#EXTRA_CONFIG[@]} -gt 0 ]]; then
  for line in "${EXTRA_CONFIG[@]}"; do
    [[ $line =~ ^CONFIG_[A-Za-z0-9_]+=.*$ ]] || die "HILT_UBOOT_CONFIG: '$line' is not CONFIG_NAME=VALUE"
    printf '%s\n' "$line" >>"$WORK/u-boot/.config"
  done
  step "u-boot olddefconfig" "${UMAKE[@]}" olddefconfig
  for line in "${EXTRA_CONFIG[@]}"; do # Kconfig may overrule a line (select, depends): say so
    name=${line%%=*} value=${line#*=}
    if [[ $value == n ]]; then want="# $name is not set"; else want=$line; fi
    grep -qxF -- "$want" "$WORK/u-boot/.config" ||
      { say "U-Boot config: '$line' did not take effect after olddefconfig (Kconfig dependencies?)"; exit 1; }
  done
fi
step "u-boot build" env SOURCE_DATE_EPOCH="$UBOOT_EPOCH" "${UMAKE[@]}" -j"$JOBS"

# shellcheck disable=SC2086 # TFA_FLAGS is a list of make variables
step "tf-a build" env SOURCE_DATE_EPOCH="$TFA_EPOCH" make -C "$WORK/tf-a" CROSS_COMPILE="$CROSS_COMPILE" \
  $TFA_FLAGS BUILD_STRING="$TFA_BUILD_STRING" BL33="$WORK/u-boot/u-boot.bin" -j"$JOBS" all fip

PLAT=$(sed -n 's/.*PLAT=\([^ ]*\).*/\1/p' <<<"$TFA_FLAGS")
REL=$WORK/tf-a/build/${PLAT:-mt7988}/release
for f in "$REL/bl2.img" "$REL/fip.bin" "$WORK/u-boot/u-boot.bin"; do
  [[ -s $f ]] || { say "the build finished but $f is missing or empty"; tail -n 30 "$LOG" >&2; exit 1; }
done

# Publish into the cache atomically: a half-written entry is never seen.
mkdir "$WORK/out"
cp "$WORK/u-boot/u-boot.bin" "$REL/bl2.img" "$REL/fip.bin" "$WORK/out/"
printf '%s\n' "$MANIFEST" >"$WORK/out/inputs.txt"
cp "$LOG" "$WORK/out/build.log"
sync -f "$WORK/out/fip.bin" 2>/dev/null || true
if ! mv -T "$WORK/out" "$ENTRY" 2>/dev/null; then
  [[ -f $ENTRY/fip.bin ]] || die "cannot store the build in the cache at $ENTRY" 1
fi
publish "$ENTRY"

# Keep the newest cached builds only.
# shellcheck disable=SC2010,SC2012 # the names are 64 hex digits
ls -1dt "$CACHE"/*/ 2>/dev/null | grep -E '/[0-9a-f]{64}/$' | tail -n +$((KEEP + 1)) | xargs -r rm -rf
echo "firmware: built ${KEY:0:16} -> $OUTDIR"
