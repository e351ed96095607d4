# shellcheck shell=bash
# Shell functions (sourced, not run) that derive apt entries from this
# machine's own Debian source entry (its mirror, its keyring), so that no
# mirror is named in hilt: used by ci/setup-deps (bookworm-backports) and by
# lab/recipes/qemu-virt-firmware.sh (`apt-get source` through a private list).

# The machine's Debian codename ("bookworm"), from /etc/os-release.
debian_codename() {
  local codename=
  if [[ -r /etc/os-release ]]; then
    codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
  fi
  [[ -n $codename ]] || return 1
  printf '%s\n' "$codename"
}

# Prints "URI|Signed-By" of the first enabled entry whose suite is SUITE
# (default: the machine's codename), from deb822 .sources files or one-line
# .list files. SKIP names a file to ignore (one this script wrote).
debian_source() {
  local suite=${1:-$(debian_codename)} skip=${2:-} f
  [[ -n $suite ]] || return 1
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f && $f != "$skip" ]] || continue
    awk -v RS= -v suite="$suite" '
      {
        if ($0 ~ /(^|\n)Enabled:[ \t]*no/) next
        found = 0; uri = ""; key = ""
        n = split($0, lines, "\n")
        for (i = 1; i <= n; i++) {
          if (lines[i] ~ /^Suites:/) {
            s = lines[i]; sub(/^Suites:[ \t]*/, "", s)
            m = split(s, words, /[ \t]+/)
            for (j = 1; j <= m; j++) if (words[j] == suite) found = 1
          }
          if (lines[i] ~ /^URIs:/)      { sub(/^URIs:[ \t]*/, "", lines[i]); split(lines[i], u, /[ \t]+/); uri = u[1] }
          if (lines[i] ~ /^Signed-By:/) { sub(/^Signed-By:[ \t]*/, "", lines[i]); key = lines[i] }
        }
        if (found && uri != "") { print uri "|" key; exit }
      }' "$f"
  done | head -n 1 | grep . && return 0
  local lists=()
  [[ -f /etc/apt/sources.list ]] && lists+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list; do [[ -f $f ]] && lists+=("$f"); done
  ((${#lists[@]})) || return 1
  awk -v suite="$suite" '$1 == "deb" || $1 == "deb-src" {
         uri = ""; key = ""
         for (i = 2; i <= NF; i++) {
           if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) { if ($i ~ /signed-by=/) { key = $i; sub(/.*signed-by=/, "", key) } i++ }
                             if ($i ~ /signed-by=/) { key = $i; sub(/.*signed-by=/, "", key); sub(/\]$/, "", key) } continue }
           if (uri == "") { uri = $i; continue }
           if ($i == suite) { print uri "|" key; exit }
           break
         }
       }' "${lists[@]}" | head -n 1 | grep .
}

# Downloads the Debian source package PACKAGE (its .dsc, tarballs and
# patches) into DEST with `apt-get source --download-only`, through a
# private deb-src list and private apt state under STATE: the machine's apt
# configuration and lists are never touched, and no root is needed.
# Returns 0, or 3 when the archive cannot be reached, 1 otherwise.
apt_fetch_source() {
  local package=$1 dest=$2 state=$3 entry uri key suite opts
  command -v apt-get >/dev/null || { echo "apt-get not found: not a Debian machine" >&2; return 1; }
  command -v dpkg-source >/dev/null || { echo "dpkg-source not found (Debian: apt-get install dpkg-dev)" >&2; return 1; }
  suite=$(debian_codename) || { echo "cannot tell this machine's Debian codename from /etc/os-release" >&2; return 1; }
  entry=$(debian_source "$suite") || { echo "no apt entry for '$suite' found to derive a deb-src entry from" >&2; return 1; }
  uri=${entry%%|*} key=${entry#*|}
  mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$dest" || return 1
  printf 'deb-src %s%s %s main\n' "${key:+[signed-by=$key] }" "$uri" "$suite" >"$state/sources.list"
  opts=(-q -o "Dir::Etc::SourceList=$state/sources.list" -o Dir::Etc::SourceParts=-
        -o "Dir::State::Lists=$state/lists" -o "Dir::Cache=$state/cache"
        -o Debug::NoLocking=1 -o APT::Sandbox::User=root -o Acquire::Retries=2
        -o Acquire::http::Timeout=30)
  if ! apt-get "${opts[@]}" update >"$state/update.log" 2>&1 ||
     grep -qE '^(W|E): (Failed to fetch|Some index files failed)' "$state/update.log"; then
    cat "$state/update.log" >&2
    echo "cannot reach the Debian archive $uri (deb-src $suite) to fetch $package" >&2
    return 3
  fi
  if ! (cd "$dest" && apt-get "${opts[@]}" source --download-only "$package") >"$state/source.log" 2>&1; then
    cat "$state/source.log" >&2
    if grep -q 'Failed to fetch\|Could not resolve\|Unable to connect' "$state/source.log"; then return 3; fi
    return 1
  fi
}
