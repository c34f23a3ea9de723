#pragma once
// Walking history: a branch's commits in an order that is the same on every run, the commits
// each merge brought onto a first-parent line, and every commit from HEAD.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/git/repository.hpp"

namespace stablepick::git {

bool same_id(const git_oid& a, const git_oid& b);

// The commits reachable from `tip` but from none of `hide`, oldest first with parents before
// children. `branch` names the branch in errors; a walk that breaks off (a missing or corrupt
// object) is kCorrupt and names the last commit it read.
Result<std::vector<git_oid>> walk_branch(const Repository& repo, const std::string& branch,
                                         const git_oid& tip, const std::vector<git_oid>& hide);

struct MergeCommits {
    git_oid merge;
    std::vector<git_oid> commits;  // what its other parents reach and its first parent doesn't
};

// The merges on the first-parent line from `tip` back to `stop` (not included), newest first.
// Without `stop` the whole line, which also ends at a root or where a shallow history does.
Result<std::vector<MergeCommits>> merges_on_first_parent_line(const Repository& repo,
                                                              const git_oid& tip,
                                                              const std::optional<git_oid>& stop);

// Every commit reachable from HEAD, parents before children. Errors name `what` is walked:
// "cannot walk <what>: ...", "cannot read <what> '<git-dir>': ...".
Result<std::vector<git_oid>> walk_from_head(const Repository& repo, std::string_view what);

// The content of the file `name` at the top of commit `commit`'s tree; nullopt when there is
// no such file or its blob cannot be read. An error when the commit cannot be read.
Result<std::optional<std::string>> top_level_file(const Repository& repo, const git_oid& commit,
                                                  const std::string& name);

}  // namespace stablepick::git
