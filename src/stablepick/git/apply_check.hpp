#pragma once
// Whether a commit's change goes onto another branch, as `git am` and `git am -3` would take
// it, all in memory: nothing touches a work tree or an index on disk.
//
// Not thread safe: a CommitChange belongs with its Repository's thread.
#include <memory>
#include <string>
#include <vector>

#include "stablepick/git/repository.hpp"

namespace stablepick::git {

enum class ApplyOutcome {
    kClean,      // the patch applies as it is (git apply, git am)
    kThreeWay,   // it applies with a 3-way merge (git am -3)
    kNoChanges,  // the 3-way merge leaves the tree as it is (git am -3: "No changes -- Patch
                 // already applied")
    kConflict,   // the 3-way merge conflicts
    kUnknown,    // the merge could not be tried: the repository lacks an object (a partial clone)
};

struct ApplyCheck {
    ApplyOutcome outcome = ApplyOutcome::kUnknown;
    std::vector<std::string> conflicts;  // kConflict: the conflicting paths, sorted, each once
    std::string error;                   // kUnknown: why
};

// The change a commit makes to its first parent (to an empty tree for a root commit), read
// once to be tried on several trees.
class CommitChange {
  public:
    // Errors: the commit or its first parent cannot be read, or they cannot be diffed.
    static Result<CommitChange> read(const Repository& repo, const ObjectId& commit);
    CommitChange(CommitChange&&) noexcept;
    CommitChange& operator=(CommitChange&&) noexcept;
    ~CommitChange();

    // How the change goes onto the tree of commit `onto`: as it is when every file it changes
    // is there and each hunk's old lines are found in order (at any offset, as git apply
    // allows), else by cherry-picking it in memory. An error only when `onto` cannot be read.
    Result<ApplyCheck> apply_to(const ObjectId& onto) const;

  private:
    struct Parts;
    explicit CommitChange(std::unique_ptr<Parts> parts);
    std::unique_ptr<Parts> parts_;
};

}  // namespace stablepick::git
