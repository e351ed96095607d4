#!/usr/bin/env bash
# The QEMU firmware recipe's cache (lab/recipes/qemu-virt-firmware.sh):
# a hit takes the key from the inputs' stamps (input-stamps.sh) and starts
# no process but `stat`, yet any change of an input still rebuilds: the
# recipe, the .dsc, BL33 (edited in place to the same size and mtime), the
# TF-A flags, the cross and the host compiler (a new version). Outputs
# changed in OUTDIR are published again; a stamp younger than the clock's
# granularity is never memoised. The build tools are stand-ins (dpkg-source,
# make, fiptool, both compilers), so this takes seconds and needs no source.
set -euo pipefail

SRC_DIR=${HILT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TMP=$(mktemp -d /tmp/hilt-qcache.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# A copy of the recipe, so that editing it is a case.
mkdir -p "$TMP/recipes" "$TMP/bin" "$TMP/out" "$TMP/run"
cp "$SRC_DIR"/lab/recipes/{qemu-virt-firmware.sh,debian-apt-source.sh,input-stamps.sh} "$TMP/recipes/"
RECIPE=$TMP/recipes/qemu-virt-firmware.sh

# Stand-ins: each compiler logs its calls; make "builds" outputs that
# depend on BL33's bytes and the flags; fiptool packs what it is given.
cat >"$TMP/bin/dpkg-source" <<'EOF'
#!/bin/sh
mkdir -p "$3/tools/fiptool" && cp "$2" "$3/the.dsc"
EOF
cat >"$TMP/bin/make" <<'EOF'
#!/usr/bin/env bash
dir=$2; shift 2; rel=$dir/build/qemu/release; mkdir -p "$rel"
for a in "$@"; do [[ $a == BL33=* ]] && bl33=${a#BL33=}; done
echo "$*" >>"$BUILDS"
printf 'bl1 %s\n' "$*" >"$rel/bl1.bin"; echo bl2 >"$rel/bl2.bin"; echo bl31 >"$rel/bl31.bin"
{ cat "$rel/bl2.bin" "$rel/bl31.bin" "$bl33" "$dir/the.dsc"; printf '%s\n' "$*"; } >"$rel/fip.bin"
printf '#!/bin/sh\ncat "$3" "$5" >"$6"\n' >"$dir/tools/fiptool/fiptool"; chmod +x "$dir/tools/fiptool/fiptool"
EOF
# shellcheck disable=SC2016 # the $0 and $* are the stand-in's
compiler() { # FILE VERSION
  printf '#!/bin/sh\necho "$0 $*" >>"$COMPILER_CALLS"\necho "%s"\n' "$2" >"$1.new"
  chmod +x "$1.new" && mv -f "$1.new" "$1"
}
compiler "$TMP/bin/fake-gcc" "fake-gcc 12.2.0"
compiler "$TMP/bin/gcc" "gcc 12.2.0"
chmod +x "$TMP/bin/dpkg-source" "$TMP/bin/make"
printf 'Format: 3.0 (quilt)\nSource: arm-trusted-firmware\n' >"$TMP/arm-trusted-firmware_1.0-1.dsc"
head -c 4096 /dev/urandom >"$TMP/u-boot.bin"

export PATH=$TMP/bin:$PATH BUILDS=$TMP/builds.log COMPILER_CALLS=$TMP/compiler-calls.log
export CROSS_COMPILE=$TMP/bin/fake- HILT_TFA_DSC=$TMP/arm-trusted-firmware_1.0-1.dsc
export HILT_QEMU_BL33=$TMP/u-boot.bin HILT_CACHE_DIR=$TMP/cache HILT_RUN_DIR=$TMP/run HILT_BUILD_JOBS=1
unset HILT_TFA_FLAGS HILT_QEMU_UBOOT XDG_CACHE_HOME
: >"$BUILDS"; : >"$COMPILER_CALLS"

builds() { wc -l <"$BUILDS"; }
LAST='' OUT=''
recipe() { # NAME WANT (built|cached): one run; OUT = what it said, LAST = its key
  local name=$1 want=$2
  OUT=$("$RECIPE" "$TMP/out" 2>"$TMP/$name.err") || { cat "$TMP/$name.err" >&2; fail "$name: exit $?"; }
  [[ $OUT == "qemu-firmware: $want "* ]] || fail "$name: wanted '$want', got: $OUT"
  LAST=$(awk '{print $3}' <<<"$OUT")
  cmp -s "$TMP/out/build.log" "$TMP/run/firmware-build.log" || fail "$name: firmware-build.log is not the build's log"
  echo "ok: $name: $OUT"
}
entry_file() { cp "$HILT_CACHE_DIR/qemu-virt/$LAST"*"/$1" "$TMP/want"; cmp -s "$TMP/want" "$TMP/out/${2:-$1}"; }

# Fresh files are too young for a stamp to vouch for (the racy case): the
# first runs hash, and only once the inputs have settled is a memo written.
recipe fresh built
recipe fresh-again cached
[[ $OUT == *"(inputs hashed)" && ! -s $HILT_CACHE_DIR/qemu-virt/memo ]] ||
  fail "inputs younger than the settle time were memoised"
sleep 3
recipe settled cached
[[ $OUT == *"(inputs hashed)" ]] || fail "settled: $OUT"
K1=$LAST
calls=$(wc -l <"$COMPILER_CALLS")
recipe memo-hit cached
[[ $OUT == *"(inputs unchanged since hashed)" && $LAST == "$K1" ]] || fail "settled inputs missed the memo: $OUT"
[[ $(wc -l <"$COMPILER_CALLS") -eq $calls ]] || fail "a memo hit asked the compilers for their version"
entry_file fip.bin || fail "memo-hit: fip.bin is not the cache's"
if command -v strace >/dev/null && strace -f -qq -e trace=execve -o "$TMP/trace" true 2>/dev/null; then
  strace -f -qq -e trace=execve -o "$TMP/trace" "$RECIPE" "$TMP/out" >/dev/null 2>&1
  started=$(grep -v ENOENT "$TMP/trace" | grep -o 'execve("[^"]*"' | sed 's/.*\///; s/"$//' | LC_ALL=C sort | tr '\n' ' ')
  # The script (bash, by its #! line) and stat: no env, no other process.
  [[ $started == "qemu-virt-firmware.sh stat " ]] || fail "a memo hit started more than stat: $started"
  echo "ok: a memo hit starts: $started"
fi

# Outputs changed behind the recipe's back are published again.
echo tampered >>"$TMP/out/fip.bin"
recipe tampered cached
entry_file fip.bin || fail "tampered: fip.bin not restored"
# `none` packs the default BL33's build without it: another key.
HILT_QEMU_BL33=none recipe no-bl33 built
entry_file fip-no-bl33.bin fip.bin || fail "no-bl33: fip.bin is not the FIP without BL33"
[[ ! -e $TMP/out/u-boot.bin ]] || fail "no-bl33: u-boot.bin left in OUTDIR"
recipe back cached
[[ $LAST == "$K1" ]] || fail "back: key $LAST, wanted $K1"
entry_file fip.bin || fail "back: fip.bin is not the FIP with BL33"
entry_file u-boot.bin || fail "back: u-boot.bin is not the BL33 packed"

[[ $(builds) -eq 2 ]] || fail "$(builds) builds, wanted 2"

# Each input, changed, is a new key and a build, though the state before
# the change was memoised (each case waits ~3 s for its inputs to settle).
n=2
memoised() { # the inputs as they are now hit the memo (after settling)
  sleep 3
  recipe settle cached
  recipe memoised cached
  [[ $OUT == *"(inputs unchanged since hashed)" ]] || fail "not memoised: $OUT"
}
rebuilds() { # NAME: the run after a change must build a key not seen yet
  recipe "$1" built
  [[ $OUT == *"(inputs hashed)" ]] || fail "$1: $OUT"
  n=$((n + 1))
  [[ $(builds) -eq $n ]] || fail "$1: $(builds) builds, wanted $n"
  [[ " $SEEN " != *" $LAST "* ]] || fail "$1: key $LAST seen before"
  SEEN="$SEEN $LAST"
  entry_file fip.bin || fail "$1: fip.bin is not the new build's"
}
SEEN=$K1
cp -p "$TMP/u-boot.bin" "$TMP/u-boot.orig"
printf 'X' | dd of="$TMP/u-boot.bin" bs=1 seek=100 conv=notrunc status=none
touch -r "$TMP/u-boot.orig" "$TMP/u-boot.bin"  # same size, same mtime: the ctime moved
rebuilds bl33-edited-in-place
memoised
compiler "$TMP/bin/fake-gcc" "fake-gcc 13.1.0"
rebuilds cross-compiler-upgraded
memoised
touch -r "$TMP/bin/gcc" "$TMP/gcc.mtime"
sed -i.orig 's/12\.2\.0/12.3.0/' "$TMP/bin/gcc"  # a new file, same size; then the old mtime
touch -r "$TMP/gcc.mtime" "$TMP/bin/gcc"
rebuilds host-compiler-upgraded
memoised
HILT_TFA_FLAGS="PLAT=qemu DEBUG=0" rebuilds tfa-flags
memoised
echo 'Checksums-Sha256: 0' >>"$HILT_TFA_DSC"
rebuilds dsc-changed
memoised
echo '# an edit' >>"$RECIPE"
rebuilds recipe-edited
echo "PASS"
