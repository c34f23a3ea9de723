#!/usr/bin/env bash
# Reviewing the 100 newest main commits of systemd v255 against four stable branches with the
# offline voters, mails included, against two baselines measured in the same run: `git show
# --pretty=email --stat -p` of the same commits (what `git format-patch` writes for them) and `review` without
# targets (the ballot alone). Prints each run and the medians.
# Usage: bench/review-targets.sh <systemd-stable.git> <store.sqlite> [runs=5] [stablepick binary]
set -euo pipefail
repo=$1 store=$2 runs=${3:-5} bin=${4:-build/stablepick}
ids=$(git --git-dir="$repo" rev-list --no-merges -n 100 v255)
targets=(v254-stable v253-stable v252-stable v251-stable)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
t() { local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
fp=() ballot=() full=()
for i in $(seq "$runs"); do
  # (the mirror lacks three blobs; git show stops at them, so they are left out)
  fp+=("$(t git --git-dir="$repo" show --pretty=email --stat -p $ids -- . ':!hwdb.d/ma-large.txt' \
          ':!hwdb/ma-large.txt' ':!src/libsystemd-terminal/unifont.hex')")
  ballot+=("$(t "$bin" -q -C "$repo" --db "$store" review $ids)")
  rm -rf "$out/mails"
  full+=("$(t "$bin" -q -C "$repo" --db "$store" review $ids --target "${targets[@]}" --format mbox --out "$out/mails")")
  echo "run $i: git-show-email ${fp[-1]} s, review ${ballot[-1]} s, review --target x4 --format mbox ${full[-1]} s"
done
echo "median: git show --pretty=email $(printf '%s\n' "${fp[@]}" | median) s," \
     "review $(printf '%s\n' "${ballot[@]}" | median) s," \
     "review --target x4 --format mbox $(printf '%s\n' "${full[@]}" | median) s;" \
     "$(ls "$out/mails" | wc -l) mails"
