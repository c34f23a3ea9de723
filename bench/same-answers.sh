#!/usr/bin/env bash
# Do two stablepick binaries give the same answers? Builds a store with each (index, train),
# then runs the commands a change must not alter, each on a fresh copy of its own binary's
# trained store, and compares the outputs with only timing fields dropped (JSON keys "seconds",
# the clock in the mails' Message-Ids, the In-Reply-To and References that name them, and Date).
#
# Usage: bench/same-answers.sh BEFORE AFTER WORKDIR SYSTEMD_GIT [TIP_ARCHIVE CHANGELOG_DIR... -- VULNS]
#   SYSTEMD_GIT    a bare mirror of systemd/systemd-stable
#   TIP_ARCHIVE    the public-inbox archive of linux-tip-commits (a bare git directory)
#   CHANGELOG_DIR  linux-bugs' lts-finder/cache and lts-finder/results, extracted
#   VULNS          a checkout of the kernel CNA's vulns repository (branch master)
# Prints one line per compared output, "same" or "DIFFERENT" (and keeps both in WORKDIR);
# exits 1 when anything differs.
set -euo pipefail
before=$1 after=$2 work=$3 sd=$4
shift 4
tip="" changelogs=() vulns=""
if [ $# -gt 0 ]; then
  tip=$1
  shift
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do changelogs+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  vulns=${1:-}
fi
mkdir -p "$work"
status=0
# Drops what differs from run to run: timings, and the clock in Message-Ids and Date headers.
normalise() {
  sed -E -e 's/"seconds": ?[0-9.e+-]+/"seconds": 0/g' \
         -e 's/<[0-9]+\.([0-9a-f]+-[a-z]+@)/<T.\1/g' \
         -e 's/^Date: .*/Date: -/' "$1"
}
compare() {
  local what=$1 a=$2 b=$3
  [ ${#names[@]} -eq 2 ] || return 0
  if cmp -s <(normalise "$a") <(normalise "$b"); then
    echo "same       $what"
  else
    echo "DIFFERENT  $what ($a, $b)"
    status=1
  fi
}
# produce OUT COMMAND...: runs the command into OUT unless an earlier run already made it (so
# a rerun with a new AFTER binary only runs the new half: delete WORKDIR to start over).
produce() {
  local out=$1
  shift
  [ -s "$out" ] && return 0
  "$@" > "$out.part" && mv "$out.part" "$out"
}
# A fresh copy of STORE, so no command sees what another one recorded.
fresh() {
  local store=$1
  rm -f "$work/copy.sqlite" "$work/copy.sqlite-wal" "$work/copy.sqlite-shm"
  cp "$store" "$work/copy.sqlite"
  echo "$work/copy.sqlite"
}

names=(before after)
[ -x "$after" ] || names=(before)  # "-": only the before half, to compare later
for name in "${names[@]}"; do
  bin=${!name}
  s="$work/sd-$name.sqlite"
  if [ ! -e "$s.trained" ]; then
    rm -f "$s" "$s-wal" "$s-shm"
    echo "== $name: index and train systemd-stable" >&2
    "$bin" -q -C "$sd" --db "$s" index > /dev/null
    "$bin" -q -C "$sd" --db "$s" train > /dev/null
    touch "$s.trained"
  fi
  echo "== $name: eval, review --target (json, mbox)" >&2
  produce "$work/sd-eval-$name.json" "$bin" -q -C "$sd" --db "$(fresh "$s")" \
    eval --split 2022-01-01 --until 2024-03-01 --json
  produce "$work/sd-review-$name.json" "$bin" -q -C "$sd" --db "$(fresh "$s")" \
    review v254..v255 --target v254-stable v253-stable --format json
  produce "$work/sd-review-$name.mbox" "$bin" -q -C "$sd" --db "$(fresh "$s")" \
    review v254..v255 --target v254-stable v253-stable --format mbox
  produce "$work/sd-labels-$name.txt" sqlite3 "$s" \
    "SELECT main_sha, branch, stable_sha, method FROM backports ORDER BY 1, 2, 3"
done
compare "systemd: backport labels after index" "$work/sd-labels-before.txt" "$work/sd-labels-after.txt"
compare "systemd: eval --split 2022-01-01 --until 2024-03-01 --json" "$work/sd-eval-before.json" "$work/sd-eval-after.json"
compare "systemd: review v254..v255 --target v254-stable v253-stable --format json" "$work/sd-review-before.json" "$work/sd-review-after.json"
compare "systemd: the same with --format mbox" "$work/sd-review-before.mbox" "$work/sd-review-after.mbox"

if [ -n "$tip" ]; then
  for name in "${names[@]}"; do
    bin=${!name}
    s="$work/tip-$name.sqlite"
    if [ ! -e "$s.trained" ]; then
      rm -f "$s" "$s-wal" "$s-shm"
      echo "== $name: import the tip archive, its ChangeLogs and CVEs; embed and train" >&2
      "$bin" -q --db "$s" import mbox "$tip" > /dev/null
      "$bin" -q --db "$s" import changelog "${changelogs[@]}" > /dev/null
      [ -n "$vulns" ] && "$bin" -q --db "$s" import vulns "$vulns" > /dev/null
      "$bin" -q --db "$s" embed > /dev/null
      cp "$s" "$s.cve"
      "$bin" -q --db "$s" train > /dev/null
      [ -n "$vulns" ] && "$bin" -q --db "$s.cve" train --label cve > /dev/null
      touch "$s.trained"
    fi
    echo "== $name: eval, cve classify" >&2
    produce "$work/tip-eval-$name.json" "$bin" -q --db "$(fresh "$s")" \
      eval --split 2022-01-01 --until 2023-12-31 --json
    if [ -n "$vulns" ]; then
      until_epoch=$(date -u -d 2026-01-01 +%s)
      ids=$(sqlite3 "$s.cve" "SELECT sha FROM commits WHERE parent_count <= 1 AND commit_time < $until_epoch ORDER BY commit_time DESC LIMIT 1000")
      # shellcheck disable=SC2086
      produce "$work/tip-classify-$name.json" "$bin" -q --db "$(fresh "$s.cve")" cve classify --json $ids
    fi
  done
  compare "kernel tip: eval --split 2022-01-01 --until 2023-12-31 --json" "$work/tip-eval-before.json" "$work/tip-eval-after.json"
  [ -n "$vulns" ] && compare "kernel tip: cve classify --json of 1,000 commits" "$work/tip-classify-before.json" "$work/tip-classify-after.json"
fi
exit $status
