# shellcheck shell=bash
# Shell functions (sourced) that let a recipe skip hashing its inputs when
# none of them changed, as make and git do: a file's stamp is its size,
# inode, device, mtime and ctime, all from one `stat` process, and a memo
# maps the stamps of every input to the cache key that hashing them gave.
# Any stamp that differs (an edit, a new file put in place, a package
# upgrade, `touch -r` back to the old mtime: the ctime still moves) misses
# the memo, and the recipe hashes everything again.
#
# A stamp only vouches for a file that has not changed within the clock's
# granularity of the moment it was taken (timestamps move in ~4 ms steps,
# 1-2 s on some file systems): as git does for "racily clean" entries, a
# memo is only written when every stamped file last changed more than
# STAMP_SETTLE_S seconds before.
#
# Paths must not hold tabs or newlines (the lines are split on them); a
# path that does stamps as empty, which never hits and is never memoised.

STAMP_SETTLE_S=2
declare -gA STAMP=()

# stamp_files SCRATCH FILE...: stamps each FILE into STAMP[path] ("size
# inode dev mtime ctime", following symlinks); a file that cannot be
# stat'ed gets none. One process for all, through the file SCRATCH rather
# than $(...), which would fork a subshell first.
stamp_files() {
  local scratch=$1 line
  shift
  stat -L --printf '%n\t%s %i %d %.9Y %.9Z\n' -- "$@" >"$scratch" 2>/dev/null || true
  while IFS= read -r line; do
    [[ $line == *$'\t'* ]] && STAMP[${line%%$'\t'*}]=${line#*$'\t'}
  done <"$scratch"
}

# Appends "path stamp;" for each FILE to the variable named VAR; returns 1
# if any FILE has no stamp.
stamp_append() {
  local -n into=$1
  local f rc=0
  shift
  for f in "$@"; do
    [[ -n ${STAMP[$f]:-} && $f != *$'\n'* && $f != *$'\t'* ]] || rc=1
    into+="$f ${STAMP[$f]:-?};"
  done
  return "$rc"
}

# True if none of FILE... changed within the last STAMP_SETTLE_S seconds.
stamps_settled() {
  local f fields now=${EPOCHREALTIME%[.,]*}
  for f in "$@"; do
    read -r -a fields <<<"${STAMP[$f]:-}"
    [[ ${#fields[@]} -eq 5 ]] || return 1
    (( ${fields[3]%.*} + STAMP_SETTLE_S < now && ${fields[4]%.*} + STAMP_SETTLE_S < now )) || return 1
  done
}

# shellcheck disable=SC2034 # MEMO_KEY is the caller's
# memo_get MEMO STAMPS: sets MEMO_KEY to the key memoised
# for STAMPS (one line) and returns 0, or returns 1.
memo_get() {
  local line
  MEMO_KEY=''
  [[ -f $1 ]] || return 1
  while IFS= read -r line; do
    if [[ ${line#*$'\t'} == "$2" ]]; then
      MEMO_KEY=${line%%$'\t'*}
      return 0
    fi
  done <"$1"
  return 1
}

# memo_put MEMO STAMPS KEY: STAMPS -> KEY first, then up to 15 older
# entries for other stamps. Written whole and renamed into place, so a
# concurrent reader sees the old memo or the new one.
memo_put() {
  local memo=$1 stamps=$2 key=$3 line n=1 tmp=$1.tmp.$$
  {
    printf '%s\t%s\n' "$key" "$stamps"
    if [[ -f $memo ]]; then
      while IFS= read -r line && ((n < 16)); do
        [[ ${line#*$'\t'} == "$stamps" ]] && continue
        printf '%s\n' "$line"
        n=$((n + 1))
      done <"$memo"
    fi
  } >"$tmp" || { rm -f "$tmp"; return 0; }
  mv -f "$tmp" "$memo"
}

# copy_text FROM TO SIZE: copies a text file of SIZE bytes with shell
# built-ins (no process); returns 1, having written nothing, if what was
# read is not SIZE bytes (a NUL byte, which the shell cannot hold).
copy_text() {
  local LC_ALL=C text=
  IFS= read -r -d '' text <"$1" || true
  [[ ${#text} -eq $3 ]] || return 1
  printf '%s' "$text" >"$2"
}
