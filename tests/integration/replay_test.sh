#!/bin/bash
# hilt replay end to end: verdicts and exit codes on good, slow and hostile
# logs, the reports it writes (result.json read back by Python's strict JSON
# parser, junit.xml by xmllint, console.log decoded by an independent Python
# reader), and clear exit-2 errors for a missing log and a broken suite.
set -u
: "${HILT:?set HILT to the hilt binary}" "${HILT_SOURCE_DIR:?}"
HILT=$(cd "$(dirname "$HILT")" && pwd)/$(basename "$HILT")  # the test changes folders
SRC=$HILT_SOURCE_DIR
DATA=$SRC/tests/data/replay
SUITE=$SRC/suites/bpi-r4-sd-boot.yaml
command -v xmllint >/dev/null || { echo "skipped: xmllint not installed"; exit 77; }
command -v python3 >/dev/null || { echo "skipped: python3 not installed"; exit 77; }
[ -f "$SUITE" ] || { echo "skipped: $SUITE not found"; exit 77; }
"$HILT" replay --help >/dev/null 2>&1 || { echo "skipped: this hilt has no replay command"; exit 77; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# replay WANT_RC NAME ARGS...: runs hilt replay --out $TMP/NAME, checks the rc.
replay() {
  local want=$1 name=$2
  shift 2
  "$HILT" replay --suite "$SUITE" --out "$TMP/$name" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "$name: exit $rc, expected $want"
    cat "$TMP/$name.out" "$TMP/$name.err"
    return 1
  fi
}

# field NAME EXPR: a Python expression over r = result.json of run NAME.
field() {
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
    "$TMP/$1/result.json" "$2"
}
expect_field() {
  local got
  got=$(field "$1" "$2") || { fail "$1: cannot read $2"; return; }
  [ "$got" = "$3" ] || fail "$1: $2 is '$got', expected '$3'"
}

# Every run folder: strict JSON, well-formed XML, a console.log in the format.
check_reports() {
  local dir=$TMP/$1
  python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8", errors="strict"))' \
    "$dir/result.json" || fail "$1: result.json is not valid JSON"
  xmllint --noout "$dir/junit.xml" || fail "$1: junit.xml is not well-formed"
  [ -f "$dir/console.log" ] || fail "$1: no console.log"
  python3 "$SRC/tests/integration/console_log_decode.py" --check "$dir/console.log" \
    || fail "$1: console.log is not in the format"
}

# --- good boots -------------------------------------------------------------
replay 0 good-raw "$DATA/good.raw" && {
  check_reports good-raw
  expect_field good-raw 'r["verdict"]' pass
  expect_field good-raw 'r["timed"]' False
  expect_field good-raw 'r["facts"]["dram_mb"]' 4096
  expect_field good-raw 'r["facts"]["uboot_version"]' 2024.04
  expect_field good-raw '[s["name"] for s in r["stages"]]' "['bootrom', 'bl2', 'dram', 'bl31', 'uboot', 'prompt']"
  expect_field good-raw 'set(s["status"] for s in r["stages"])' "{'pass'}"
  grep -q "verdict: PASS" "$TMP/good-raw.out" || fail "good-raw: no PASS in the summary"
  # The console.log it wrote holds the same bytes (CR before LF dropped).
  python3 "$SRC/tests/integration/console_log_decode.py" "$TMP/good-raw/console.log" >"$TMP/decoded"
  python3 -c 'import sys; a=open(sys.argv[1],"rb").read().replace(b"\r\n",b"\n"); b=open(sys.argv[2],"rb").read(); sys.exit(a!=b)' \
    "$DATA/good.raw" "$TMP/decoded" || fail "good-raw: console.log does not decode to the raw bytes"
}

replay 0 good-timed "$DATA/good.console.log" && {
  check_reports good-timed
  expect_field good-timed 'r["timed"]' True
  expect_field good-timed 'r["stages"][0]["t"]' 0.41
  expect_field good-timed 'r["stages"][1]["duration"]' 0.11
  expect_field good-timed 'r["stages"][0]["budget"]' 5.0
  # Replaying a run folder's own console.log into that folder works.
  replay 0 good-timed "$TMP/good-timed/console.log"
  cmp -s "$DATA/good.console.log" "$TMP/good-timed/console.log" \
    || fail "good-timed: console.log not reproduced byte for byte"
}

# --- a budget overrun: fails timed, passes untimed ---------------------------
replay 1 slow "$DATA/slow-bl2.console.log" && {
  check_reports slow
  expect_field slow 'r["verdict"]' fail
  expect_field slow 'r["failed_stage"]' bl2
  grep -q "verdict: FAIL at bl2" "$TMP/slow.out" || fail "slow: summary lacks 'FAIL at bl2'"
}
replay 0 slow-raw --format raw "$DATA/slow-bl2.console.log" && expect_field slow-raw 'r["timed"]' False

# --- the checker's corpus: the verdicts a live run gives -------------------
corpus_expect() {  # the expected failed stage, "pass", or "" when unknown
  case $1 in
    seed-good.log | good-with-version.log | noisy-good.log) echo pass ;;
    dram-0mb.log | reset-loop.log) echo dram ;;
    fip-without-bl33.log | sd-crc-bl2.log) echo bl31 ;;
    hang-in-uboot.log | sd-no-voltage-uboot.log) echo prompt ;;
  esac
}
for log in "$SRC"/tests/data/logs/*.log; do
  [ -f "$log" ] || continue
  base=$(basename "$log")
  name=corpus-$base
  want=$(corpus_expect "$base")
  "$HILT" replay --suite "$SUITE" --out "$TMP/$name" "$log" >"$TMP/$name.out" 2>"$TMP/$name.err"
  rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    fail "$name: exit $rc"
    cat "$TMP/$name.err"
    continue
  fi
  check_reports "$name"
  if [ "$want" = pass ]; then
    [ "$rc" -eq 0 ] || fail "$name: exit $rc, expected 0"
  elif [ -n "$want" ]; then
    [ "$rc" -eq 1 ] || fail "$name: exit $rc, expected 1"
    expect_field "$name" 'r["failed_stage"]' "$want"
  fi
done

# --- hostile and empty input: a fail at bootrom, never a crash ---------------
python3 -c 'import random,sys; random.seed(20240402); sys.stdout.buffer.write(random.randbytes(1<<20))' >"$TMP/random.bin"
head -c $((4 << 20)) /dev/zero >"$TMP/nul.bin"
head -c $((16 << 20)) /dev/zero | tr '\0' 'x' >"$TMP/longline.bin"
: >"$TMP/empty.log"
for input in random nul longline empty; do
  file=$TMP/$input.bin
  [ "$input" = empty ] && file=$TMP/empty.log
  replay 1 "$input" "$file" || continue
  check_reports "$input"
  expect_field "$input" 'r["failed_stage"]' bootrom
  expect_field "$input" 'r["reason"].startswith("end of log before stage bootrom")' True
done
# The random bytes survive console.log exactly (but CR before LF).
python3 "$SRC/tests/integration/console_log_decode.py" "$TMP/random/console.log" >"$TMP/random.decoded"
python3 -c 'import sys; a=open(sys.argv[1],"rb").read().replace(b"\r\n",b"\n"); b=open(sys.argv[2],"rb").read(); sys.exit(a!=b)' \
  "$TMP/random.bin" "$TMP/random.decoded" || fail "random: console.log does not decode to the input"
# And a replay of that console.log reaches the same verdict.
replay 1 random-again "$TMP/random/console.log" && expect_field random-again 'r["failed_stage"]' bootrom

# --- bad input: exit 2 with a message naming the problem --------------------
"$HILT" replay --suite "$SUITE" --out "$TMP/missing" "$TMP/no-such.log" >/dev/null 2>"$TMP/missing.err"
rc=$?
[ "$rc" -eq 2 ] || fail "missing log: exit $rc, expected 2"
grep -q "no-such.log" "$TMP/missing.err" || fail "missing log: message does not name it: $(cat "$TMP/missing.err")"

"$HILT" replay --suite "$DATA/broken-suite.yaml" --out "$TMP/broken" "$DATA/good.raw" >/dev/null 2>"$TMP/broken.err"
rc=$?
[ "$rc" -eq 2 ] || fail "broken suite: exit $rc, expected 2"
grep -q "broken-suite.yaml:5:" "$TMP/broken.err" || fail "broken suite: no file:line in: $(cat "$TMP/broken.err")"

"$HILT" replay --suite "$SUITE" --out "$TMP/dir" "$TMP" >/dev/null 2>"$TMP/dir.err"
rc=$?
[ "$rc" -eq 2 ] || fail "folder as log: exit $rc, expected 2"

# --- default output folder ---------------------------------------------------
mkdir "$TMP/cwd"
(cd "$TMP/cwd" && "$HILT" replay --suite "$SUITE" "$DATA/good.raw" >"$TMP/cwd.out" 2>&1) || fail "default out: failed"
ls -d "$TMP"/cwd/replay-bpi-r4-sd-boot-*/result.json >/dev/null 2>&1 || fail "default out: no replay-bpi-r4-sd-boot-*/result.json"
grep -q "reports: replay-bpi-r4-sd-boot-" "$TMP/cwd.out" || fail "default out: folder not printed"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "replay: all checks passed"
