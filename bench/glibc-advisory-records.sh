#!/usr/bin/env bash
# Writes the CVE record and announcement of every glibc advisory with `cve record`, validated
# against the CVE JSON schema, and counts how many validate.
# Usage: bench/glibc-advisory-records.sh STABLEPICK GLIBC_GIT_DIR STORE SCHEMA OUT_DIR
set -uo pipefail
bin=$1 git_dir=$2 store=$3 schema=$4 out=$5
mkdir -p "$out"
config="$out/stablepick.toml"
cat > "$config" <<TOML
[cve]
product = "glibc"
vendor = "GNU"
repo_url = "https://sourceware.org/git/glibc.git"
commit_url = "https://sourceware.org/git/?p=glibc.git;a=commit;h={sha}"
cna_name = "glibc security team"
TOML
ok=0 total=0 skipped=0
for name in $(git -C "$git_dir" ls-tree --name-only master advisories/ | grep GLIBC-SA); do
  text=$(git -C "$git_dir" show "master:$name")
  id=$(sed -n 's/^CVE-Id: *\(CVE-[0-9-]*\).*/\1/p' <<< "$text" | head -1)
  fix="" vulnerable=()
  for sha in $(sed -n 's/^Fix-Commit: *\([0-9a-f]\{40\}\).*/\1/p' <<< "$text"); do
    if git -C "$git_dir" merge-base --is-ancestor "$sha" master; then fix=$sha; break; fi
  done
  if [ -z "$fix" ]; then
    # Only stable fixes listed (no master release had the bug): the master commit they were
    # cherry-picked from.
    for sha in $(sed -n 's/^Fix-Commit: *\([0-9a-f]\{40\}\).*/\1/p' <<< "$text"); do
      picked=$(git -C "$git_dir" log -1 --format=%B "$sha" |
               sed -n 's/.*cherry picked from commit \([0-9a-f]\{40\}\).*/\1/p' | head -1)
      if [ -n "$picked" ] && git -C "$git_dir" merge-base --is-ancestor "$picked" master; then
        fix=$picked; break
      fi
    done
  fi
  for sha in $(sed -n 's/^Vulnerable-Commit: *\([0-9a-f]\{40\}\).*/\1/p' <<< "$text"); do
    vulnerable+=(--vulnerable "$sha")
  done
  if [ -z "$fix" ]; then
    echo "$name $id: no fix on master, no record"; skipped=$((skipped + 1)); continue
  fi
  total=$((total + 1))
  if "$bin" -q --config "$config" -C "$git_dir" --db "$store" cve record "$fix" --cve "$id" \
       "${vulnerable[@]}" --schema "$schema" --out "$out" 2> "$out/$id.err"; then
    ok=$((ok + 1)); echo "$name $id: valid"
  else
    echo "$name $id: FAILED: $(grep -v 'not checked' "$out/$id.err" | head -3)"
  fi
done
echo "records validating against $(basename "$schema"): $ok of $total ($skipped advisories without a master fix)"
