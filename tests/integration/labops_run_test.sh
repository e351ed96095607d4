#!/bin/bash
# hilt run on the simulated lab with the lab-operations pieces wired in:
# every run folder gets report.html and result.json "regressions"; the runs
# land in <state-dir>/history.sqlite (hilt history --lab shows them); a
# slower boot is flagged slow-stage, a failure after a pass new-failure; a
# corrupt history is a warning, not a lost run; --bisect maps verdicts to
# git bisect's codes; hilt repro stops at the first failure and keeps it.
set -u
: "${HILT:?set HILT to the hilt binary}" "${HILT_SOURCE_DIR:?}"
SRC=$HILT_SOURCE_DIR
export HILT_SIM=${HILT_SIM:-$(dirname "$HILT")/hilt-sim}
"$HILT" run --help 2>/dev/null | grep -q -- --bisect || { echo "skipped: this hilt has no run --bisect"; exit 77; }
[ -x "$HILT_SIM" ] || { echo "skipped: $HILT_SIM not built"; exit 77; }
for tool in mkimage fiptool python3; do
  command -v $tool >/dev/null || { echo "skipped: $tool not installed (ci/setup-deps)"; exit 77; }
done
TMP=$(mktemp -d /tmp/hilt-labops.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export HILT_STATE_DIR=$TMP/state HILT_SIM_SPEEDUP=40
unset HILT_SIM_FAULT HILT_STANDIN_ARGS HILT_STANDINS
LAB=$SRC/lab/sim-standins.yaml  # stand-in firmware: fast, and HILT_STANDINS fails its build
SUITE=$SRC/suites/bpi-r4-sd-boot.yaml
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
run() {  # run NAME WANT_RC ARGS...
  local name=$1 want=$2
  shift 2
  "$HILT" run --lab "$LAB" --suite "$SUITE" --out "$TMP/$name" "$@" >"$TMP/$name.out" 2>&1
  local rc=$?
  [ $rc -eq "$want" ] || { fail "$name: exit $rc, expected $want"; tail -5 "$TMP/$name.out"; }
}
field() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$TMP/$1/result.json" "$2"; }

for i in 1 2 3; do run base$i 0 --firmware v1 --regression-min-samples 3; done
[ -s "$TMP/base1/report.html" ] || fail "no report.html in the run folder"
grep -q 'class="bar pass"' "$TMP/base1/report.html" || fail "report.html has no timeline"
[ "$(field base1 'r["regressions"]')" = "[]" ] || fail "result.json lacks an empty regressions list"

# Five times slower: every stage's time jumps far beyond the baseline.
HILT_SIM_SPEEDUP=8 run slow 0 --firmware v2 --regression-min-samples 3
[ "$(field slow 'any(g["kind"] == "slow-stage" for g in r["regressions"])')" = True ] \
  || fail "a 5x slower boot was not flagged slow-stage: $(field slow 'r["regressions"]')"
grep -q "regression (slow-stage)" "$TMP/slow.out" || fail "slow-stage not printed"

HILT_SIM_FAULT=dram-fail run bad 1 --firmware v3
[ "$(field bad '[g["kind"] for g in r["regressions"]]')" = "['new-failure']" ] \
  || fail "failure after a pass not flagged new-failure: $(field bad 'r["regressions"]')"
grep -q 'new-failure' "$TMP/bad/report.html" || fail "report.html lacks the new-failure flag"

"$HILT" history --lab "$LAB" --json >"$TMP/h.json" || fail "hilt history --lab"
python3 - "$TMP/h.json" <<'PY' || fail "history content"
import json, sys
runs = json.load(open(sys.argv[1]))
assert [r['verdict'] for r in runs] == ['fail', 'pass', 'pass', 'pass', 'pass'], [r['verdict'] for r in runs]
assert runs[0]['firmware'] == 'v3' and runs[0]['failed_stage'] == 'dram'
assert all(len(r['stages']) == 6 for r in runs)
PY

# A corrupt history loses nothing but itself.
head -c 4096 /dev/urandom >"$TMP/corrupt.sqlite"
run corrupt 0 --db "$TMP/corrupt.sqlite"
[ "$(field corrupt 'r["verdict"]')" = pass ] || fail "corrupt history: verdict lost"
field corrupt 'r["warnings"][0]' | grep -q "history not updated" || fail "corrupt history: no warning in result.json"
[ -s "$TMP/corrupt/report.html" ] || fail "corrupt history: no report.html"

# git bisect run's codes.
run bisect-good 0 --bisect --no-history
HILT_SIM_FAULT=dram-fail run bisect-bad 1 --bisect --no-history
HILT_STANDINS=/bin/false run bisect-build 125 --bisect --no-history
HILT_SIM=/bin/false run bisect-lab 128 --bisect --no-history

# repro: three passes, then a series that fails on the first boot.
"$HILT" repro --lab "$LAB" --suite "$SUITE" --runs 3 --out "$TMP/repro-ok" >"$TMP/repro-ok.out" 2>&1 \
  || fail "repro of a good board: exit $?"
grep -q 'flake rate: 0.0% (0 of 3), 95% Wilson interval \[0.0%, 56.1%\]' "$TMP/repro-ok.out" \
  || fail "repro: no flake rate line: $(cat "$TMP/repro-ok.out")"
grep -q '^  dram ' "$TMP/repro-ok.out" || fail "repro: no stage spread"
[ -z "$(ls "$TMP/repro-ok")" ] || fail "repro: passing run folders were kept"
HILT_SIM_FAULT=dram-fail "$HILT" repro --lab "$LAB" --suite "$SUITE" --runs 5 --out "$TMP/repro-bad" \
  >"$TMP/repro-bad.out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "repro of a failing board: exit $rc, expected 1"
grep -q 'flake rate: 100.0% (1 of 1)' "$TMP/repro-bad.out" || fail "repro: wrong rate: $(cat "$TMP/repro-bad.out")"
[ -s "$TMP/repro-bad/run-001/result.json" ] || fail "repro: the failing run's folder was not kept"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "labops_run_test: all checks passed"
