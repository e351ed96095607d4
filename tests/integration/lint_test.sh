#!/usr/bin/env bash
# hilt lint: the shipped suites are good (exit 0, "ok (N stages, M tests)");
# every suite in tests/data/suites/bad fails with exit 2, at the position its
# first line names, with a message containing the text after it
# ("# error: LINE:COL: text"); RE2's linear
# matching lets ReDoS-style patterns through, while a huge repetition is
# rejected.
set -u
: "${HILT:?HILT must name the hilt binary}" "${HILT_SOURCE_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# Runs lint; sets rc, out, err.
lint() {
  "$HILT" lint "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  out=$(cat "$tmp/out")
  err=$(cat "$tmp/err")
}

suites="$HILT_SOURCE_DIR/suites"
lint "$suites/bpi-r4-sd-boot.yaml" "$suites/uboot-commands.yaml"
[ "$rc" -eq 0 ] || fail "shipped suites: exit $rc, stderr: $err"
grep -qxF "$suites/bpi-r4-sd-boot.yaml: ok (6 stages, 0 tests)" <<<"$out" || fail "boot suite summary: $out"
grep -qxF "$suites/uboot-commands.yaml: ok (6 stages, 5 tests)" <<<"$out" || fail "commands suite summary: $out"
[ -z "$err" ] || fail "shipped suites wrote to stderr: $err"

for bad in "$HILT_SOURCE_DIR"/tests/data/suites/bad/*.yaml; do
  want=$(head -n1 "$bad" | sed -n 's/^# error: //p')
  [ -n "$want" ] || { fail "$bad has no '# error:' line"; continue; }
  lint "$bad"
  [ "$rc" -eq 2 ] || fail "$bad: exit $rc, want 2"
  pos=${want%%: *}    # LINE:COL
  text=${want#*: }    # a fragment of the message
  line=$(grep -F "$bad:$pos: " <<<"$err")
  [ -n "$line" ] && grep -qF -- "$text" <<<"$line" ||
    fail "$bad: want '$bad:$pos: ...$text...' in stderr, got: $err"
done

# One bad file among good ones: the good one still says ok, exit is 2.
lint "$suites/bpi-r4-sd-boot.yaml" "$HILT_SOURCE_DIR/tests/data/suites/bad/lookahead.yaml"
[ "$rc" -eq 2 ] || fail "good+bad: exit $rc, want 2"
grep -q "bpi-r4-sd-boot.yaml: ok" <<<"$out" || fail "good+bad: good file not reported ok"

# Missing files, directories, and files that are not suites: exit 2.
lint "$tmp/missing.yaml"
[ "$rc" -eq 2 ] && grep -q "missing.yaml" <<<"$err" || fail "missing file: exit $rc, $err"
lint "$tmp"
[ "$rc" -eq 2 ] && grep -q "is a directory" <<<"$err" || fail "directory: exit $rc, $err"
printf 'board: bpi-r4\nconsole: {type: serial}\n' >"$tmp/other.yaml"
lint "$tmp/other.yaml"
[ "$rc" -eq 2 ] && grep -q "neither a suite" <<<"$err" || fail "unknown document: exit $rc, $err"
# Lab configs are linted by their own loader: the shipped ones pass, and a
# mistake in one is reported at its position.
lint "$HILT_SOURCE_DIR/lab/sim.yaml"
[ "$rc" -eq 0 ] || fail "lab/sim.yaml: exit $rc, $err"
printf 'boards:\n  b1:\n    type: bpi-r4\n    colour: red\n' >"$tmp/lab.yaml"
lint "$tmp/lab.yaml"
[ "$rc" -eq 2 ] && grep -q "lab.yaml:4:5: unknown key 'colour'" <<<"$err" || fail "bad lab config: exit $rc, $err"
# --lab takes one value per flag: the suites after it stay suites (CLI11
# once let `--lab A SUITE` read SUITE as a lab config), in either order.
cp "$HILT_SOURCE_DIR/lab/sim.yaml" "$tmp/lab-a.yaml"
cp "$HILT_SOURCE_DIR/lab/sim-standins.yaml" "$tmp/lab-b.yaml"
lint --lab "$tmp/lab-a.yaml" --lab "$tmp/lab-b.yaml" "$suites/bpi-r4-sd-boot.yaml" "$suites/uboot-commands.yaml"
[ "$rc" -eq 0 ] || fail "two --lab and two suites: exit $rc, $err"
grep -q "lab-a.yaml: ok (lab config" <<<"$out" && grep -q "lab-b.yaml: ok (lab config" <<<"$out" ||
  fail "two --lab: both labs linted as labs: $out"
grep -qxF "$suites/bpi-r4-sd-boot.yaml: ok (6 stages, 0 tests)" <<<"$out" &&
  grep -qxF "$suites/uboot-commands.yaml: ok (6 stages, 5 tests)" <<<"$out" ||
  fail "two --lab: suites after them linted as suites: $out"
lint "$suites/uboot-commands.yaml" --lab "$tmp/lab-a.yaml" "$suites/bpi-r4-sd-boot.yaml"
[ "$rc" -eq 0 ] && grep -qxF "$suites/bpi-r4-sd-boot.yaml: ok (6 stages, 0 tests)" <<<"$out" ||
  fail "suite, --lab, suite: exit $rc, $out $err"
# A suite given as --lab is still judged as a lab config: exit 2.
lint --lab "$suites/bpi-r4-sd-boot.yaml"
[ "$rc" -eq 2 ] || fail "a suite as --lab: exit $rc, want 2"
head -c 4096 /dev/urandom >"$tmp/noise.yaml"
lint "$tmp/noise.yaml"
[ "$rc" -eq 2 ] || fail "random bytes: exit $rc, want 2"
lint
[ "$rc" -eq 2 ] || fail "no files: exit $rc, want 2"

# RE2 is linear: the classic catastrophic-backtracking pattern is fine ...
cat >"$tmp/redos.yaml" <<'YAML'
suite: redos
fail: ['(a+)+$', '(x|x|xx)*y']
stages: [{name: prompt, expect: '(a|aa)+b'}]
YAML
lint "$tmp/redos.yaml"
[ "$rc" -eq 0 ] || fail "ReDoS-style patterns: exit $rc, $err"
# ... while a huge counted repetition is a clear error, quickly.
cat >"$tmp/huge.yaml" <<'YAML'
suite: huge
stages: [{name: prompt, expect: '((a{1000}){1000}){1000}'}]
YAML
start=$(date +%s)
lint "$tmp/huge.yaml"
[ "$rc" -eq 2 ] && grep -q "huge.yaml:2:37: .*invalid repetition size" <<<"$err" || fail "huge repetition: exit $rc, $err"
[ $(( $(date +%s) - start )) -lt 5 ] || fail "huge repetition took too long"

# --help says what lint does.
"$HILT" lint --help | grep -q "file:line:column" || fail "lint --help"

if [ "$failures" -gt 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "lint_test: all passed"
