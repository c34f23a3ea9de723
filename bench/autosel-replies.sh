#!/usr/bin/env bash
# AUTOSEL's proposals on the kernel's subsystem lists, the replies to them, and what the stable
# ChangeLogs say was released: per tree and year of the proposal.
#
# Usage: bench/autosel-replies.sh STABLEPICK WORKDIR CHANGELOGS ARCHIVE...
#   WORKDIR     a scratch directory (its store.sqlite is made anew)
#   CHANGELOGS  a directory of kernel.org ChangeLog-X.Y.Z files (codeurjc/linux-bugs'
#               lts-finder/cache)
#   ARCHIVE     public-inbox git archives of the lists (bare git directories)
#
# A (commit, tree) pair counts once, at its first proposal (AUTOSEL re-sends). "Judged" pairs
# are those the ChangeLogs can answer for: the tree has ChangeLogs, and the proposal came at
# least 30 days before the tree's last ChangeLog entry (time to be reviewed and released).
set -euo pipefail
bin=$1 work=$2 changelogs=$3
shift 3
mkdir -p "$work"
db=$work/store.sqlite
if [ -z "${REUSE_STORE:-}" ]; then  # REUSE_STORE=1: only the tables, from the store made before
  rm -f "$db" "$db"-wal "$db"-shm
  echo "## import replies"
  echo '```'
  "$bin" -q --db "$db" import replies "$@" | tee "$work/replies.txt"
  echo '```'
  # Idempotence: the second run adds nothing (its counts are all "already stored").
  "$bin" -q --db "$db" import replies --json "$@" > "$work/replies-again.json"
  "$bin" -q --db "$db" import changelog --json "$changelogs" > "$work/changelog.json" 2> /dev/null
  echo
fi

pairs="
WITH pt AS (
  SELECT p.commit_sha AS c, t.tree AS tree, MIN(p.time) AS time
  FROM list_proposals p JOIN list_proposal_trees t ON t.message_id = p.message_id
  GROUP BY p.commit_sha, t.tree),
said AS (
  SELECT r.commit_sha AS c, rt.tree AS tree, COUNT(*) AS replies,
         SUM(r.kind = 'objection') AS objections
  FROM list_replies r JOIN list_reply_trees rt ON rt.message_id = r.message_id
  GROUP BY r.commit_sha, rt.tree),
cov AS (SELECT branch, MAX(stable_time) AS last FROM backports GROUP BY branch),
rows AS (
  SELECT pt.tree, CAST(strftime('%Y', pt.time, 'unixepoch') AS INTEGER) AS year,
    COALESCE(said.replies, 0) AS replies, COALESCE(said.objections, 0) > 0 AS objected,
    cov.last IS NOT NULL AND pt.time <= cov.last - 30 * 86400 AS judged,
    EXISTS (SELECT 1 FROM backports b WHERE b.branch = pt.tree
            AND (b.main_sha = pt.c OR (length(pt.c) < 40 AND b.main_sha LIKE pt.c || '%')))
      AS released
  FROM pt LEFT JOIN said ON said.c = pt.c AND said.tree = pt.tree
  LEFT JOIN cov ON cov.branch = pt.tree)"
# A share the ChangeLogs cannot judge is "–", not 0 %.
share="CASE WHEN SUM(judged) = 0 THEN '–' ELSE
  printf('%.1f %%', 100.0 * SUM(released AND judged) / SUM(judged)) END"
oshare="CASE WHEN SUM(judged AND objected) = 0 THEN '–' ELSE
  printf('%.1f %%', 100.0 * SUM(released AND judged AND objected) / SUM(judged AND objected)) END"
cols="COUNT(*) AS proposals, SUM(replies) AS replies, SUM(objected) AS objected,
  SUM(judged) AS judged, $share AS released, SUM(judged AND objected) AS objected_judged,
  $oshare AS objected_released"
version="CAST(substr(tree, 7, instr(substr(tree, 7), '.') - 1) AS INTEGER) * 1000 +
  CAST(substr(tree, 7 + instr(substr(tree, 7), '.'), length(tree) - 8 - instr(substr(tree, 7), '.')) AS INTEGER)"

echo "## Per tree and year, the trees the ChangeLogs cover"
sqlite3 -markdown "$db" "$pairs SELECT tree, year, $cols FROM rows
  WHERE tree IN (SELECT branch FROM cov) GROUP BY tree, year ORDER BY $version, year"
echo
echo "## Per tree and year, the other trees"
sqlite3 -markdown "$db" "$pairs SELECT tree, year, $cols FROM rows
  WHERE tree NOT IN (SELECT branch FROM cov) GROUP BY tree, year ORDER BY $version, year"
echo
echo "## Per tree"
sqlite3 -markdown "$db" "$pairs SELECT tree, $cols FROM rows GROUP BY tree ORDER BY $version"
echo
echo "## Per year"
sqlite3 -markdown "$db" "$pairs SELECT year, $cols FROM rows GROUP BY year ORDER BY year"
echo
echo "## All"
sqlite3 -markdown "$db" "$pairs SELECT $cols FROM rows"
echo
echo "## Replies by kind (replies to AUTOSEL proposals)"
sqlite3 -markdown "$db" "SELECT kind, COUNT(*) AS replies FROM list_replies GROUP BY kind
  ORDER BY replies DESC"
