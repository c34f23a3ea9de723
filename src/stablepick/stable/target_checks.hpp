#pragma once
// Per-target-branch checks of one main-branch commit: is it already there, is the branch even
// affected by the bug, does the code it touches exist there, does it apply, what must come
// with it — and, once per commit, its series, its follow-up fixes and reverts upstream, and
// whether it opted out of automatic selection.
//
// Everything is read from the repository through git/ (libgit2, and `git blame` for the origin
// of lines) and from the store through store/; nothing touches a work tree.
//
// Not thread safe: one TargetChecker per thread.
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "stablepick/core/config.hpp"
#include "stablepick/git/repository.hpp"
#include "stablepick/history/commit_history.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick::git {
class CommitChange;
}  // namespace stablepick::git

namespace stablepick::stable {

struct TargetBranch {
    std::string name;  // "v254-stable"
    git::ObjectId tip{};
    std::string version;           // from the name, for "[PATCH AUTOSEL 254-253]": "254", "6.6"
    std::string base;              // the newest tag on the branch ("v254.5"), or its tip's short id
    git::ObjectId branch_point{};  // merge base with the main branch
};

// The targets named, newest version first. kNotFound for a branch that does not exist,
// kInvalidInput for one that is not a stable branch of this main (not recorded as one in the
// store by index, or no common history with main).
// The version a stable branch's name carries ("linux-6.6.y": "6.6", "v254-stable": "254"), as
// AUTOSEL's subjects and stable-queue's directories name trees; the name when it has none.
std::string branch_version(const std::string& name);

Result<std::vector<TargetBranch>> resolve_targets(const git::Repository& repo, Store& store,
                                                  const std::string& main_branch,
                                                  const std::vector<std::string>& names);

struct CommitRef {
    std::string id;
    std::string subject;
};

struct TreeCheck {
    std::string branch;
    // Already there: "marker <stable id>" or "patch-id <stable id>"; empty when not.
    std::string already_there;
    // Affected: false when the bug's origin is not in the branch (a revert: when the commit it
    // reverts is not); the reason says why.
    bool affected = true;
    std::string affected_reason;
    // Code exists: touched files (and hunk functions) missing in the branch.
    std::vector<std::string> missing_files, missing_functions;
    // Applies: "clean" (a plain apply, as git am does), "3-way" (applies with a merge, as
    // git am -3 does), "no changes" (the merge leaves the branch as it is: git am -3 says
    // "No changes -- Patch already applied"), "conflict" (files listed) or "unknown" (the
    // repository lacks an object; the error is in `conflicts`).
    std::string applies;
    std::vector<std::string> conflicts;
    // Prerequisites: main commits after the branch point whose lines the patch touches and
    // that the branch lacks.
    std::vector<CommitRef> prerequisites;

    // Worth sending to this branch: not there, affected, and applies.
    bool applicable() const {
        return already_there.empty() && affected && (applies == "clean" || applies == "3-way");
    }
};

// A merge that brought at most this many commits onto the main branch is a series (a pull
// request, a patch series applied as a branch); a bigger one is a subsystem pull.
inline constexpr size_t kSeriesMergeMax = 20;

struct CommitChecks {
    std::string id;
    std::vector<CommitRef> series;      // other patches of the same series or merge
    std::vector<CommitRef> follow_ups;  // later main commits with Fixes: this one
    std::vector<CommitRef> reverts;     // later main commits reverting it
    std::string opt_out;                // why it must not be auto-selected; empty when it may
    std::vector<TreeCheck> trees;       // one per target, in target order
};

struct CheckOptions {
    std::vector<std::string> opt_out_paths;  // glob patterns (fnmatch) of paths never auto-selected
    // stable-queue's ignore_list: paths selected only with an explicit Cc: stable.
    std::vector<std::string> ignore_paths;
};

class TargetChecker {
  public:
    TargetChecker(const git::Repository& repo, Store& store, const CommitHistory& history,
                  std::vector<TargetBranch> targets, CheckOptions options);
    // Does the costly part of check() for these commits on every core: tries each on every
    // target (in-memory apply and merge) and, where `deep[i]`, blames the lines that conflict
    // (blame runs `git`). Optional: check() does what was not prepared itself.
    void prepare(const std::vector<size_t>& corpus_indexes, const std::vector<bool>& deep);
    // `deep`: where the patch conflicts, blame the conflicting lines to tell "not affected"
    // from "needs prerequisites"; otherwise those two are left undecided for such targets
    // (affected by default, no prerequisites listed).
    Result<CommitChecks> check(size_t history_index, bool deep = true);
    const std::vector<TargetBranch>& targets() const { return targets_; }

  private:
    Result<bool> in_target(const std::string& id, size_t target);
    std::string backported_to(const std::string& id, const std::string& branch);
    struct Applied {
        std::string status;  // as TreeCheck::applies
        std::vector<std::string> conflicts;
    };
    struct Origins {
        std::vector<std::string>
            commits;  // that last changed the touched lines, after the oldest branch point
        bool older_lines = false;            // some touched lines are older than every branch point
        std::set<std::string> blamed;        // the files whose lines were looked up
        std::vector<Applied> applied;        // per target, when prepared
        std::vector<std::string> functions;  // "path:function" of each hunk
        std::vector<std::string> paths;      // old paths the commit changes
    };
    // The hunks' functions and old paths, and where the touched lines of the files in `blame`
    // came from.
    static Result<Origins> line_origins(const git::Repository& repo, const git::ObjectId& commit,
                                        const std::string& oldest_branch_point,
                                        const std::set<std::string>& blame);
    // How `change` goes onto the tree of commit `onto`; an error when `onto` cannot be read.
    static Result<Applied> apply_to(const git::CommitChange& change, const git::ObjectId& onto);
    // How the commit applies to each target, in target order (empty when it can't be read).
    std::vector<Applied> apply_everywhere(const git::Repository& repo,
                                          const git::ObjectId& commit) const;
    std::map<size_t, Result<Origins>> prepared_;

    const git::Repository& repo_;
    Store& store_;
    const CommitHistory& history_;
    std::vector<TargetBranch> targets_;
    CheckOptions options_;
    std::map<std::string, bool> in_oldest_cache_;
    std::vector<std::vector<size_t>> fixed_by_;  // history index -> commits whose Fixes: name it
    // Blame looks no further back than the oldest target's branch point; each target's commits
    // that the oldest branch point lacks are listed, so "is X in the branch" is a lookup.
    std::string oldest_branch_point_;
    int64_t oldest_branch_point_time_ = 0;
    std::vector<std::pair<std::string, size_t>> reverts_;  // reverted id (maybe short), revert
    std::unordered_map<size_t, size_t> reverted_by_;       // revert -> the main commit it reverts
    std::vector<std::unordered_set<std::string>> newer_than_oldest_;  // per target
};

}  // namespace stablepick::stable
