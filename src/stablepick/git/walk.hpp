#pragma once
// Walking history: a branch's commits in an order that is the same on every run, the commits
// each merge brought onto a first-parent line, every commit from HEAD, and the commits of a
// walk that starts from some commits and hides what others reach.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/git/repository.hpp"

namespace stablepick::git {

// The id's raw bytes: a key half the size of to_hex's, for sets of many commits.
std::string id_key(const ObjectId& oid);

// The commits reachable from `tip` but from none of `hide`, oldest first with parents before
// children. `branch` names the branch in errors; a walk that breaks off (a missing or corrupt
// object) is kCorrupt and names the last commit it read.
Result<std::vector<ObjectId>> walk_branch(const Repository& repo, const std::string& branch,
                                          const ObjectId& tip, const std::vector<ObjectId>& hide);

struct MergeCommits {
    ObjectId merge;
    std::vector<ObjectId> commits;  // what its other parents reach and its first parent doesn't
};

// The merges on the first-parent line from `tip` back to `stop` (not included), newest first.
// Without `stop` the whole line, which also ends at a root or where a shallow history does.
Result<std::vector<MergeCommits>> merges_on_first_parent_line(const Repository& repo,
                                                              const ObjectId& tip,
                                                              const std::optional<ObjectId>& stop);

// Every commit reachable from HEAD, parents before children. Errors name `what` is walked:
// "cannot walk <what>: ...", "cannot read <what> '<git-dir>': ...".
Result<std::vector<ObjectId>> walk_from_head(const Repository& repo, std::string_view what);

// The commits reachable from any of `push` and from none of `hide` (`git rev-list push ^hide`).
struct RevisionWalk {
    std::vector<ObjectId> push;
    std::vector<ObjectId> hide;
    bool first_parent = false;  // follow only first parents (`--first-parent`)
};

// Calls `visit` for every commit of `walk`, in libgit2's unsorted order: the cheapest when only
// the set matters; with first_parent, the line from the newest commit back to its root, so the
// last commit visited is the root. Best effort, for callers that take what can be read: an id
// in push or hide that is not a readable commit is left out of the walk (hiding it hides
// nothing), and a walk that breaks off ends there. The Status tells the first such failure,
// once the walk has gone as far as it could.
Status visit_commits(const Repository& repo, const RevisionWalk& walk,
                     const std::function<void(const ObjectId&)>& visit);

// The content of the file `name` at the top of commit `commit`'s tree; nullopt when there is
// no such file or its blob cannot be read. An error when the commit cannot be read.
Result<std::optional<std::string>> top_level_file(const Repository& repo, const ObjectId& commit,
                                                  const std::string& name);

}  // namespace stablepick::git
