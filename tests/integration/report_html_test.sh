#!/bin/bash
# report.html end to end: hilt replay writes it beside result.json; its
# structure (timeline bars sized by the stage times of result.json, the
# failed stage marked, markers in the console), escaping of hostile board
# output, a 100 MB console log giving a small page; then headless Chromium
# renders it: the DOM it builds has the timeline rects with the expected
# widths, and its screenshot has the bar colour's pixels.
set -u
: "${HILT:?set HILT to the hilt binary}" "${HILT_SOURCE_DIR:?}"
SRC=$HILT_SOURCE_DIR
DATA=$SRC/tests/data/replay
SUITE=$SRC/suites/bpi-r4-sd-boot.yaml
command -v python3 >/dev/null || { echo "skipped: python3 not installed"; exit 77; }
[ -f "$SUITE" ] || { echo "skipped: $SUITE not found"; exit 77; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

replay() {  # WANT_RC NAME ARGS...
  local want=$1 name=$2
  shift 2
  "$HILT" replay --suite "$SUITE" --out "$TMP/$name" "$@" >"$TMP/$name.out" 2>&1
  local rc=$?
  [ "$rc" -eq "$want" ] || { fail "$name: exit $rc, expected $want"; cat "$TMP/$name.out"; }
  [ -s "$TMP/$name/report.html" ] || fail "$name: no report.html"
}

# check.py MODE DIR: structural checks with Python's HTML parser.
cat >"$TMP/check.py" <<'PY'
import html.parser, json, sys
mode, d = sys.argv[1], sys.argv[2]
page = open(d + '/report.html', 'rb').read()
text = page.decode('utf-8')  # strict: must be valid UTF-8
result = json.load(open(d + '/result.json'))

class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.bars, self.markers, self.failures = [], [], 0, 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        cls = a.get('class') or ''
        if tag == 'rect' and cls.startswith('bar '):
            self.bars.append((cls.split()[1], float(a['width']), float(a['data-start']), float(a['data-end'])))
        if tag == 'span' and 'marker' in cls.split():
            self.markers += 1
        if tag == 'span' and 'failure' in cls.split():
            self.failures += 1
p = P()
p.feed(text)
def check(cond, what):
    if not cond:
        print('FAIL:', mode, what)
        sys.exit(1)
check('script' not in p.tags and 'img' not in p.tags and 'iframe' not in p.tags, 'no active content')
check(text.count('://') == text.count('xmlns="http://www.w3.org/2000/svg"') <= 1,
      'no network references besides the SVG namespace')
check(text.find('class="verdict') < text.find('<svg') or '<svg' not in text, 'verdict first')
if mode in ('good', 'slow'):
    stages = [s for s in result['stages'] if s['t'] is not None]
    passed = [b for b in p.bars if b[0] == 'pass']
    check(len(passed) == sum(1 for s in result['stages'] if s['status'] == 'pass'), 'one pass bar per passed stage')
    check(p.markers == len(stages), 'a console marker per matched stage (%d vs %d)' % (p.markers, len(stages)))
    # Widths follow durations: same px per second for every bar wider than the minimum.
    widest = max(p.bars, key=lambda b: b[1])
    px = widest[1] / (widest[3] - widest[2])
    check(all(abs(b[1] - max(2, (b[3] - b[2]) * px)) < 0.02 for b in p.bars),
          'bar widths proportional to durations')
    for s, b in zip(stages, passed):
        check(abs((b[3] - b[2]) - s['duration']) < 2e-6, 'bar of %s spans its duration' % s['name'])
if mode == 'slow':
    check(any(b[0] == 'fail' for b in p.bars), 'the failed stage has a fail bar')
    check('FAIL at ' + result['failed_stage'] in text, 'verdict names the failed stage')
if mode == 'hostile':
    check('&lt;script&gt;' in text, 'board text escaped')
    check('\ufffd' in text, 'invalid UTF-8 replaced')
if mode == 'big':
    check(len(page) < 1 << 20, 'small page (%d bytes)' % len(page))
    check('lines cut here' in text, 'cut notice')
print('ok', mode, len(page), 'bytes,', len(p.bars), 'bars')
PY

replay 0 good --format timed "$DATA/good.console.log"
python3 "$TMP/check.py" good "$TMP/good" || fail "good report"
replay 1 slow --format timed "$DATA/slow-bl2.console.log"
python3 "$TMP/check.py" slow "$TMP/slow" || fail "slow report"

# Hostile bytes: markup, a terminal title escape, invalid UTF-8, NULs.
python3 - "$DATA/good.raw" "$TMP/hostile.raw" <<'PY'
import sys
good = open(sys.argv[1], 'rb').read()
hostile = b'<script>alert(1)</script>\x1b]0;pwn\x07 \xff\xfe\xc0\xbc \x00\x00</pre><img src=x onerror=alert(2)>\r\n'
open(sys.argv[2], 'wb').write(hostile + good)
PY
replay 0 hostile --format raw "$TMP/hostile.raw"
python3 "$TMP/check.py" hostile "$TMP/hostile" || fail "hostile report"

# 100 MB of console output before the boot completes: the page stays small.
# (20 MB under the sanitizers, which make the replay ten times slower.)
MB=100
if ldd "$HILT" 2>/dev/null | grep -q libasan; then MB=20; fi
python3 - "$DATA/good.raw" "$TMP/big.raw" "$MB" <<'PY'
import sys
good = open(sys.argv[1], 'rb').read().split(b'\n')
line = b'noise ' + b'x' * 93 + b'\n'
with open(sys.argv[2], 'wb') as f:
    f.write(b'\n'.join(good[:3]) + b'\n')
    block = line * 10000
    for _ in range(int(sys.argv[3])):
        f.write(block)
    f.write(b'\n'.join(good[3:]))
PY
replay 0 big --format raw "$TMP/big.raw"
python3 "$TMP/check.py" big "$TMP/big" || fail "big report"

# --- headless Chromium ------------------------------------------------------
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
  echo "note: chromium not installed (apt-get install chromium); browser checks skipped"
  [ "$failures" -eq 0 ] || exit 1
  echo "skipped: structural checks passed, but chromium is not installed for the rendering check"
  exit 77
fi
chrome() {
  local profile
  profile=$(mktemp -d "$TMP/profile.XXXX")
  timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" "$@" 2>>"$TMP/chromium.err"
}
chrome --dump-dom "file://$TMP/slow/report.html" >"$TMP/dom.html" || fail "chromium --dump-dom failed"
python3 - "$TMP/dom.html" "$TMP/slow/result.json" <<'PY' || fail "rendered DOM"
import json, re, sys
dom = open(sys.argv[1], encoding='utf-8').read()
r = json.load(open(sys.argv[2]))
bars = re.findall(r'<rect class="bar (pass|fail)"[^>]*width="([0-9.]+)"[^>]*data-start="([0-9.]+)" data-end="([0-9.]+)"', dom)
assert bars, 'no timeline bars in the DOM Chromium built'
_, w0, s0, e0 = max(bars, key=lambda b: float(b[1]))
px = float(w0) / (float(e0) - float(s0))
assert all(abs(float(w) - max(2, (float(e) - float(s)) * px)) < 0.02 for _, w, s, e in bars), bars
assert any(k == 'fail' for k, *_ in bars), 'failed stage not drawn'
print('dom ok:', len(bars), 'bars')
PY
chrome --screenshot="$TMP/shot.png" --window-size=1000,900 --hide-scrollbars \
  "file://$TMP/good/report.html" >/dev/null || fail "chromium --screenshot failed"
if [ -s "$TMP/shot.png" ]; then
  # Only the timeline's pass bars have this colour (the banner is darker):
  # the screenshot must hold about their area, 14 px high each.
  want=$(python3 -c 'import re,sys; print(int(sum(float(w) * 14 for w in re.findall(r"class=\"bar pass\"[^>]*width=\"([0-9.]+)\"", open(sys.argv[1]).read()))))' "$TMP/good/report.html")
  read -r w h green < <(python3 "$SRC/tests/integration/png_colour.py" "$TMP/shot.png" '#2e7d32' 6)
  echo "screenshot ${w}x${h}: $green pixels of the bar colour, bars cover about $want"
  [ "${green:-0}" -ge $((want * 8 / 10)) ] && [ "${green:-0}" -le $((want * 12 / 10 + 400)) ] \
    || fail "screenshot: ${green:-0} pixels of the bar colour, expected about $want"
else
  fail "no screenshot"
  cat "$TMP/chromium.err"
fi

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "report_html_test: all checks passed"
