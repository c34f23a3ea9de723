#pragma once
// Reads one commit from a repository into a stablepick Commit: message, trailers, markers,
// files, hunks, diff and patch id. One CommitReader per thread (it owns its Repository).
#include <optional>

#include "stablepick/core/commit.hpp"
#include "stablepick/core/config.hpp"
#include "stablepick/git/repository.hpp"

namespace stablepick::git {

struct ReadCommit {
    Commit commit;
    std::string compressed_diff;  // zstd of commit.diff, made here to keep the writer free
    // Files whose blob could not be read (missing from a partial clone, or corrupt):
    // (path, reason). The commit is still recorded; these files have no diff.
    std::vector<std::pair<std::string, std::string>> skipped;
};

class CommitReader {
public:
    CommitReader(Repository repo, const Config& config) : repo_(std::move(repo)), config_(config) {}

    // Reads `oid`. Merges are read too (parent_count > 1) but get no diff: stablepick
    // records non-merge commits and a caller skips them.
    Result<ReadCommit> read(const git_oid& oid);

private:
    Repository repo_;
    const Config& config_;
};

}  // namespace stablepick::git
