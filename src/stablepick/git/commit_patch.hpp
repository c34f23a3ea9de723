#pragma once
// A commit's change as `git format-patch` shows it: the diffstat, then the patch (binary
// changes included), read with libgit2.
#include <string>

#include "stablepick/git/repository.hpp"

namespace stablepick::git {

struct CommitPatch {
    std::string stat;   // " path | 3 ++-\n 1 file changed, ..."
    std::string patch;  // "diff --git a/... b/...\n..."
};

Result<CommitPatch> commit_patch(const Repository& repo, const ObjectId& commit);

}  // namespace stablepick::git
