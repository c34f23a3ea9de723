#pragma once
// Finding commits in a repository by what people write of them: an id prefix, or every commit
// reachable from a ref for a caller to match subjects against.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/git/repository.hpp"

namespace stablepick::git {

struct CommitSummary {
    std::string id;       // full id
    std::string subject;  // the summary line
    int64_t time = 0;     // committer date
};

// The commit `oid` names; nullopt when it cannot be read as a commit.
std::optional<CommitSummary> commit_summary(const Repository& repo, const ObjectId& oid);

// Calls `visit` for every commit reachable from any ref, in libgit2's default walk order.
Status each_reachable_commit(const Repository& repo,
                             const std::function<void(const ObjectId&)>& visit);

// The commits whose id starts with `prefix` (lower-case hex): one lookup when the prefix
// names one object, else (too short, or ambiguous) every reachable commit is compared.
// Empty, not an error, when none matches.
Result<std::vector<CommitSummary>> commits_with_prefix(const Repository& repo,
                                                       std::string_view prefix);

}  // namespace stablepick::git
