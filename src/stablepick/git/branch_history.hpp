#pragma once
// What a branch's history says it is, read cheaply enough for a repository with hundreds of
// branches (glibc has 345): the commits it has of its own, a sample of them checked for
// backport markers that name main-branch commits, and the tags on them. The policy that turns
// these facts into "stable branch or not" is ingest/branch_choice.
//
// Cost: one walk of the main branch (its ids, kept sorted), then per branch a first-parent
// walk of its own commits and the messages of at most `sample` of them. No diff is read.
//
// Thread compatible: a MainHistory may be shared by readers; each call uses one Repository.
#include <cstdint>
#include <string>
#include <vector>

#include "stablepick/git/repository.hpp"

namespace stablepick::git {

// Every commit reachable from the main branch's tip, for membership tests.
class MainHistory {
  public:
    // kCorrupt, naming the branch and the last commit read, when the walk breaks off.
    static Result<MainHistory> read(const Repository& repo, const Branch& main);
    bool contains(const ObjectId& oid) const;
    size_t size() const { return sorted_.size(); }

  private:
    std::vector<ObjectId> sorted_;
};

// Every tag with the commit it names (annotated tags peeled); tags of other objects are left
// out. Sorted by commit, for lookups.
struct TagAt {
    ObjectId commit;
    std::string name;  // short: "v6.6.74"
};
class TagIndex {
  public:
    static Result<TagIndex> read(const Repository& repo);
    // The names of the tags on `commit`.
    std::vector<std::string> at(const ObjectId& commit) const;
    const std::vector<TagAt>& all() const { return tags_; }

  private:
    std::vector<TagAt> tags_;
};

struct BranchHistory {
    // Whether its first-parent line reaches a main-branch commit (false for an unrelated
    // history, or one that meets main only through a merge's other parent).
    bool shares_history = false;
    ObjectId fork{};                // that main commit
    int64_t own_commits = 0;        // non-merge commits on the first-parent line before it
    int sampled = 0;                // own commits whose messages were read
    int marked = 0;                 // of those, with a backport marker
    int backports = 0;              // of those, with a marker that names a main-branch commit
    std::vector<std::string> tags;  // names of the tags on its own first-parent commits
    int64_t tip_time = 0;           // committer time of the tip
};

// Reads the facts of `branch`: its own first-parent commits back to where it meets `main`,
// and `sample` of them, spread evenly from the oldest to the newest, checked for markers
// ("(cherry picked from commit X)", "[ upstream commit X ]", "commit X upstream.").
// kCorrupt when a commit on the line cannot be read.
Result<BranchHistory> read_branch_history(const Repository& repo, const MainHistory& main,
                                          const TagIndex& tags, const Branch& branch, int sample);

// The committer time of a commit (seconds since the epoch).
Result<int64_t> commit_time(const Repository& repo, const ObjectId& commit);

}  // namespace stablepick::git
