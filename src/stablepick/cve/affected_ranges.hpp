#pragma once
// Which releases a bug was in and which fix them, on every line of development: the main
// branch and each stable branch (the kernel CNA's `dyad`). The bug came in with the fix's
// Fixes: targets (or the commits given), or with a backport of one of them on a stable branch;
// it left with the fix or the fix's backport, unless that backport was reverted.
//
// Versions are named the way the project names them: `tags` names a commit by the first
// release tag of its line that contains it ("6.6.74", kernel); `describe` names a stable
// commit by the nearest tag before it and the distance ("2.39-31", glibc) and a main commit
// by the first release that contains it ("2.40").
//
// Reads the repository and the store; thread compatible (one call per Repository).
#include <optional>
#include <string>
#include <vector>

#include "stablepick/core/config.hpp"
#include "stablepick/core/error.hpp"
#include "stablepick/git/repository.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick::cve {

enum class VersionScheme { kAuto, kTags, kDescribe };

struct RangesOptions {
    std::vector<std::string> vulnerable;  // commits that brought the bug in; default: Fixes:
    // Origins the imported CVE lists name (.vulnerable files, Vulnerable-Commit lines): used
    // when `vulnerable` is empty; those that are not ancestors of the fix are left out.
    std::vector<std::string> listed_vulnerable;
    VersionScheme scheme = VersionScheme::kAuto;
    // The fixes are a CVE's list (fixes_of): a backport stands for the main commit it carries,
    // and a fix made on a stable branch alone fixes that branch. Otherwise every fix must be a
    // main-branch commit.
    bool listed_fixes = false;
};

// One line of development. An empty vulnerable_sha: the bug's origin is unknown ("0" in a
// dyad line). An empty fixed_sha: not fixed on this line ("0:0").
struct LineRange {
    std::string branch;  // "master", "release/2.39/master", "linux-6.6.y"
    bool main = false;
    std::string vulnerable_version, vulnerable_sha;
    std::string fixed_version, fixed_sha;
    std::string note;  // why it is so: "fix never backported", "backport abc123 reverted by …"
};

struct AffectedRanges {
    std::string fix_sha;  // full id on the main branch: the first main-branch fix
    // Every fix used: the main-branch fixes oldest first, then fixes made on one stable branch.
    std::vector<std::string> fixes;
    std::vector<std::string> vulnerable;  // main-branch origins used (may be empty)
    std::vector<LineRange> lines;         // main first, then stable branches oldest first
    std::vector<LineRange> not_affected;  // stable branches that never had the bug, with why
    std::vector<std::string> files;       // program files the fix touches
    // The main line's first commit (its first-parent root): where a bug of unknown origin
    // may have begun, as bippy writes the first Linux commit for one. Set when a line's origin
    // is unknown.
    std::string root_sha;
    VersionScheme scheme = VersionScheme::kTags;  // the scheme used (never kAuto)
};

// "vulnerable_version:vulnerable_sha:fixed_version:fixed_sha", "0" for each unknown part.
std::string dyad_line(const LineRange& line);

// The fix commits of a CVE the store knows (from `import vulns|cve-list|advisories`), every one
// of them, in id order. kNotFound for an id the store doesn't know or none of whose fixes is a
// main-branch commit in it or the backport of one; kInvalidInput for a rejected id.
Result<std::vector<std::string>> fixes_of(Store& store, const std::string& cve_id);

// The commits the imported CVE lists name as having brought in `cve_id`'s bug.
Result<std::vector<std::string>> listed_vulnerable_of(Store& store, const std::string& cve_id);

// `lines` in dyad's order: fixed lines by the version that fixed them, then the lines never
// fixed.
std::vector<LineRange> dyad_order(std::vector<LineRange> lines);

// The ranges of a bug fixed by `fixes` (one commit, or every fix of a CVE with
// options.listed_fixes). Each line is fixed by the first fix it got: the main line by the
// oldest main-branch fix, a stable line by the first unreverted backport of any of them or by
// a listed fix made on that branch. kNotFound: a fix is not a commit, or not on the main branch
// (none is, for a CVE's list). kInvalidInput: a vulnerable commit that is not an ancestor of a
// fix.
Result<AffectedRanges> affected_ranges(git::Repository& repo, Store& store, const Config& config,
                                       const std::vector<std::string>& fixes,
                                       const RangesOptions& options);

}  // namespace stablepick::cve
