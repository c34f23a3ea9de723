#!/usr/bin/env bash
# Two stablepick binaries timed in pairs, alternating in the same window so the machine's load
# falls on both alike: review of the 100 newest v255 commits, the same against four stable
# trees, and similar of the newest one. Each run gets a fresh copy of its binary's trained store
# (copy not timed). Prints each run and the medians of wall time, user+sys CPU and peak memory.
#
# Usage: bench/paired-runs.sh BEFORE AFTER <systemd-stable.git> STORE_BEFORE STORE_AFTER [runs=5]
set -euo pipefail
before=$1 after=$2 repo=$3 store_before=$4 store_after=$5 runs=${6:-5}
ids=$(git --git-dir="$repo" rev-list --no-merges -n 100 v255)
newest=$(echo "$ids" | head -1)
targets=(v255-stable v254-stable v253-stable v252-stable)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A wall cpu mem
# timed NAME BINARY STORE ARGS...: one run on a fresh copy; appends to NAME's figures.
timed() {
  local name=$1 bin=$2 store=$3
  shift 3
  cp "$store" "$work/copy.sqlite"
  rm -f "$work/copy.sqlite-wal" "$work/copy.sqlite-shm"
  local t
  # shellcheck disable=SC2068
  t=$(/usr/bin/time -f "%e %U %S %M" "$bin" -q -C "$repo" --db "$work/copy.sqlite" "$@" 2>&1 > /dev/null | tail -1)
  read -r e u s m <<< "$t"
  wall[$name]+="$e "
  cpu[$name]+="$(echo "$u + $s" | bc) "
  mem[$name]+="$((m / 1024)) "
}
for i in $(seq "$runs"); do
  for side in before after; do
    bin=${!side}
    store_var="store_$side"
    store=${!store_var}
    # shellcheck disable=SC2086
    timed "review-$side" "$bin" "$store" review $ids --format json
    # shellcheck disable=SC2086
    timed "targets-$side" "$bin" "$store" review $ids --target "${targets[@]}" --format json
    timed "similar-$side" "$bin" "$store" similar "$newest" -k 10 --json
  done
  echo "run $i done" >&2
done
for what in review targets similar; do
  for side in before after; do
    n="$what-$side"
    printf '%-16s wall %s s  cpu %s s  peak %s MB   (wall: %s)\n' "$n" \
      "$(tr ' ' '\n' <<< "${wall[$n]}" | grep . | median)" \
      "$(tr ' ' '\n' <<< "${cpu[$n]}" | grep . | median)" \
      "$(tr ' ' '\n' <<< "${mem[$n]}" | grep . | median)" "${wall[$n]}"
  done
done
