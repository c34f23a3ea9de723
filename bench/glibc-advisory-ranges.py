#!/usr/bin/env python3
"""Compares `stablepick cve ranges` with glibc's advisories, branch by branch.

Usage: bench/glibc-advisory-ranges.py STABLEPICK GLIBC_GIT_DIR STORE

For every advisories/GLIBC-SA-* file on master: the master Fix-Commit (the one on master) is
given to `cve ranges` with the advisory's Vulnerable-Commit, and every Fix-Commit line
(`<sha> (2.39-31)`) is compared with the line stablepick reports for the branch holding that
commit: same commit, same version. Lines stablepick reports as fixed that the advisory does not
list are counted too. Prints every disagreement with what is needed to explain it.
"""
import json
import re
import subprocess
import sys

binary, gitdir, store = sys.argv[1:4]


def git(*args):
    return subprocess.run(["git", "-C", gitdir, *args], capture_output=True, text=True).stdout


def on_master(sha):
    return subprocess.run(["git", "-C", gitdir, "merge-base", "--is-ancestor", sha, "master"]).returncode == 0


names = [n for n in git("ls-tree", "--name-only", "master", "advisories/").split() if "GLIBC-SA" in n]
agree = total = extra = 0
problems = []
for name in sorted(names):
    text = git("show", f"master:{name}")
    cve = (re.findall(r"^CVE-Id:\s*(\S+)", text, re.M) or ["?"])[0]
    vulns = re.findall(r"^Vulnerable-Commit:\s*([0-9a-f]{40})\s*\(([^)]*)\)", text, re.M)
    fixes = re.findall(r"^Fix-Commit:\s*([0-9a-f]{40})\s*\(([^)]*)\)", text, re.M)
    master_fixes = [(s, v) for s, v in fixes if on_master(s)]
    if not master_fixes:
        # Only stable fixes listed (no master release had the bug): start from the master
        # commit they were cherry-picked from.
        picked = {m for s, _ in fixes
                  for m in re.findall(r"cherry picked from commit ([0-9a-f]{40})", git("log", "-1", "--format=%B", s))}
        master_fixes = [(m, "") for m in sorted(picked) if on_master(m)]
    if not master_fixes:
        problems.append(f"{name} {cve}: no Fix-Commit on master; {len(fixes)} line(s) not compared")
        total += len(fixes)
        continue
    # Several master fixes (a fix and its follow-up): each is asked, the lines are pooled.
    result = {"lines": [], "not_affected": []}
    failed = False
    for fix, _ in master_fixes:
        cmd = [binary, "-q", "-C", gitdir, "--db", store, "cve", "ranges", fix, "--json"]
        for s, _ in vulns:
            cmd += ["--vulnerable", s]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            problems.append(f"{name} {cve}: cve ranges failed: {run.stderr.strip()}")
            failed = True
            break
        one = json.loads(run.stdout)
        result["lines"] += one["lines"]
        result["not_affected"] += one["not_affected"]
    if failed:
        total += len(fixes)
        continue
    by_sha = {l["fixed_sha"]: l for l in result["lines"] if l["fixed_sha"]}
    listed = set()
    mine = 0
    for sha, version in fixes:
        total += 1
        listed.add(sha)
        line = by_sha.get(sha)
        if line and line["fixed_version"] == version:
            agree += 1
            mine += 1
        elif line:
            problems.append(f"{name} {cve}: {sha[:12]} on {line['branch']}: advisory says {version}, "
                            f"stablepick {line['fixed_version']}")
        else:
            where = [l for l in result["lines"] + result["not_affected"]]
            branch = git("branch", "--contains", sha, "--list", "release/*", "master").split()
            hint = "; ".join(f"{l['branch']}: {l['note'] or 'fixed by ' + l['fixed_sha'][:12]}"
                             for l in where if l["branch"] in branch)
            problems.append(f"{name} {cve}: {sha[:12]} ({version}) not reported; on {' '.join(branch) or '?'}"
                            f"{' — ' + hint if hint else ''}")
    for l in result["lines"]:
        if l["fixed_sha"] and l["fixed_sha"] not in listed:
            extra += 1
            problems.append(f"{name} {cve}: stablepick also reports {l['branch']} fixed by "
                            f"{l['fixed_sha'][:12]} ({l['fixed_version']}), not in the advisory")
    for s, v in vulns:
        mainline = next(l for l in result["lines"] if l["main"])
        if not on_master(s):
            print(f"{name} {cve}: Vulnerable-Commit {s[:12]} ({v}) is a stable-branch commit")
            continue
        note = "same" if mainline["vulnerable_version"] == v else f"stablepick {mainline['vulnerable_version']}"
        print(f"{name} {cve}: Vulnerable-Commit {s[:12]} advisory ({v}) / {note}")
    print(f"{name} {cve}: {mine}/{len(fixes)} Fix-Commit lines agree")
print(f"\nFix-Commit lines agreeing: {agree} of {total}; fixed lines reported beyond the advisories: {extra}")
for p in problems:
    print("  " + p)
