#!/usr/bin/env bash
# Full index of a repository against the raw cost of reading every diff with git, on the same
# machine in the same run. Prints each run and the medians.
#
#   bench/index-vs-git.sh REPO [RUNS] [MAIN-BRANCH] [EXCLUDED-PATH...]
#
# EXCLUDED-PATH: paths whose blobs a partial clone lacks; `git log -p` stops at a missing blob,
# so git reads the history without them (stablepick reads them and counts the skips).
# Embedding is left out (--no-embed): it is measured on its own (docs/BENCHMARKS.md).
set -euo pipefail
repo=$1
runs=${2:-3}
main=${3:-main}
shift $(( $# < 3 ? $# : 3 ))
bin=${STABLEPICK:-$(dirname "$0")/../build/stablepick}
pathspec=(-- .)
for p in "$@"; do pathspec+=(":!$p"); done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for i in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" -o "$tmp/git.$i" git -C "$repo" log -p --no-merges --no-renames "$main" "${pathspec[@]}" > /dev/null
  rm -f "$tmp/store.sqlite"*
  /usr/bin/time -f "%e %M" -o "$tmp/sp.$i" "$bin" -q -C "$repo" --db "$tmp/store.sqlite" index --no-embed > /dev/null 2>&1
  /usr/bin/time -f "%e %M" -o "$tmp/noop.$i" "$bin" -q -C "$repo" --db "$tmp/store.sqlite" index --no-embed > /dev/null 2>&1
  echo "run $i: git log -p $(cut -d' ' -f1 "$tmp/git.$i") s; stablepick index $(cut -d' ' -f1 "$tmp/sp.$i") s, $(cut -d' ' -f2 "$tmp/sp.$i") KB peak; second run $(cut -d' ' -f1 "$tmp/noop.$i") s"
done
g=$(cat "$tmp"/git.* | cut -d' ' -f1 | median)
s=$(cat "$tmp"/sp.* | cut -d' ' -f1 | median)
m=$(cat "$tmp"/sp.* | cut -d' ' -f2 | median)
n=$(cat "$tmp"/noop.* | cut -d' ' -f1 | median)
echo "median: git log -p ${g} s; stablepick index ${s} s (ratio $(awk -v a="$s" -v b="$g" 'BEGIN{printf "%.2f", a/b}')), peak ${m} KB; nothing-new run ${n} s"
