#pragma once
// Resolving a commit id as people write it — abbreviated, ambiguous or wrong, often with the
// subject beside it ("Fixes: 1234abcd (\"mm: fix\")") — to one full commit, as the kernel's
// scripts/git-resolve.sh does. From the store (fast) or from the repository.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/core/error.hpp"
#include "stablepick/git/repository.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick {

struct ResolveQuery {
    std::string id;       // hex prefix, lower case; may be empty with a subject and force
    std::string subject;  // optional; "..." matches any text
    bool force = false;   // fall back to a search by subject alone
};

struct ResolveCandidate {
    std::string id;
    std::string subject;
    int64_t time = 0;  // committer date
};

struct ResolveOutcome {
    // Exactly one: resolved. Several: ambiguous (the candidates). None: not found.
    std::vector<ResolveCandidate> candidates;
    bool by_subject_only = false;  // found by --force's subject search, the id was wrong
};

// Splits what a user pasted: `1234abcd`, `1234abcd ("subject")`, `Fixes: 1234abcd ("s")`,
// with an optional separate subject argument. kInvalidInput when no id or subject is there.
Result<ResolveQuery> parse_resolve_input(const std::string& text, const std::string& subject,
                                         bool force);

// Whether `subject` matches `pattern`, where "..." stands for any text and surrounding quotes
// and whitespace are ignored.
bool subject_matches(const std::string& pattern, const std::string& subject);

Result<ResolveOutcome> resolve_in_store(Store& store, const ResolveQuery& query);
Result<ResolveOutcome> resolve_in_repository(const git::Repository& repo,
                                             const ResolveQuery& query);

}  // namespace stablepick
