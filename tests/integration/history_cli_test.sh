#!/bin/bash
# hilt history: the table and --json over a history database, filters by
# board, suite, days and limit, hostile names kept off the terminal, and
# clear errors (exit 2 missing, exit 3 corrupt). The rows are written by
# Python's sqlite3 following the schema documented in harness/runner/history.h
# (hilt run writes them the same way; history_test.cc covers the writer).
set -u
: "${HILT:?set HILT to the hilt binary}"
command -v python3 >/dev/null || { echo "skipped: python3 not installed"; exit 77; }
"$HILT" history --help >/dev/null 2>&1 || { echo "skipped: this hilt has no history command"; exit 77; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
DB=$TMP/history.sqlite

python3 - "$DB" <<'PY'
import sqlite3, sys, time, json
db = sqlite3.connect(sys.argv[1])
db.executescript('''
CREATE TABLE runs(id INTEGER PRIMARY KEY AUTOINCREMENT, started_at INTEGER NOT NULL,
  board TEXT NOT NULL, suite TEXT NOT NULL, firmware TEXT NOT NULL DEFAULT '',
  verdict TEXT NOT NULL, failed_stage TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '',
  total REAL, run_dir TEXT NOT NULL DEFAULT '', regressions TEXT NOT NULL DEFAULT '[]');
CREATE TABLE stage_times(run_id INTEGER NOT NULL, position INTEGER NOT NULL, stage TEXT NOT NULL,
  status TEXT NOT NULL, t REAL, duration REAL, PRIMARY KEY(run_id, position));
PRAGMA user_version=1;
''')
now = int(time.time())
rows = [(now - 10 * 86400, 'r4-a', 'boot', 'v1', 'pass', '', 2.4, '[]'),
        (now - 3600, 'r4-a', 'boot', 'v2', 'fail', 'bl31', 1.1,
         json.dumps([{'kind': 'new-failure', 'stage': 'bl31', 'message': 'm', 'previous_run_id': 1}])),
        (now - 60, 'r4-b\x1b]0;pwn\x07', 'boot', '', 'pass', '', 2.5, '[]')]
for at, board, suite, fw, verdict, failed, total, regs in rows:
    cur = db.execute('INSERT INTO runs(started_at, board, suite, firmware, verdict, failed_stage, total, regressions) VALUES(?,?,?,?,?,?,?,?)',
                     (at, board, suite, fw, verdict, failed, total, regs))
    db.execute('INSERT INTO stage_times VALUES(?,?,?,?,?,?)', (cur.lastrowid, 0, 'bl2', 'pass', 0.5, 0.5))
db.commit()
PY

"$HILT" history --db "$DB" >"$TMP/table" 2>&1 || fail "table: exit $?"
grep -q 'r4-a .*boot .*v2 .*fail .*bl31' "$TMP/table" || fail "table lacks the failed run"
grep -q 'new-failure bl31' "$TMP/table" || fail "table lacks the regression flag"
grep -q 'bl2=0.500' "$TMP/table" || fail "table lacks per-stage times"
if grep -q $'\x1b' "$TMP/table"; then fail "a control byte of a board name reached the terminal"; fi

"$HILT" history --db "$DB" --json >"$TMP/all.json" || fail "--json: exit $?"
python3 - "$TMP/all.json" <<'PY' || fail "--json content"
import json, sys
runs = json.load(open(sys.argv[1]))
assert len(runs) == 3, runs
assert [r['id'] for r in runs] == [3, 2, 1], 'newest first'
assert runs[1]['failed_stage'] == 'bl31' and runs[1]['regressions'][0]['kind'] == 'new-failure'
assert runs[0]['stages'][0] == {'name': 'bl2', 'status': 'pass', 't': 0.5, 'duration': 0.5}
PY
n() { "$HILT" history --db "$DB" --json "$@" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
[ "$(n --board r4-a)" = 2 ] || fail "--board filter"
[ "$(n --days 1)" = 2 ] || fail "--days filter"
[ "$(n --suite nope)" = 0 ] || fail "--suite filter"
[ "$(n --limit 1)" = 1 ] || fail "--limit"

"$HILT" history --db "$TMP/none.sqlite" >/dev/null 2>"$TMP/err"; rc=$?
[ $rc -eq 2 ] || fail "missing database: exit $rc, expected 2"
grep -q "does not exist" "$TMP/err" || fail "missing database: unclear error: $(cat "$TMP/err")"
head -c 8192 /dev/urandom >"$TMP/corrupt.sqlite"
"$HILT" history --db "$TMP/corrupt.sqlite" >/dev/null 2>"$TMP/err"; rc=$?
[ $rc -eq 3 ] || fail "corrupt database: exit $rc, expected 3"
grep -q "corrupt.sqlite" "$TMP/err" || fail "corrupt database: error does not name the file"
env -u HILT_STATE_DIR "$HILT" history >/dev/null 2>"$TMP/err"; rc=$?
[ $rc -eq 2 ] || fail "no --db: exit $rc, expected 2"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "history_cli_test: all checks passed"
