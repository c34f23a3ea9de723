#pragma once
// Reads one commit from a repository into a stablepick Commit: message, trailers, markers,
// files, hunks, diff and patch id. One CommitReader per thread (it owns its Repository).
#include <optional>
#include <span>

#include "stablepick/core/commit.hpp"
#include "stablepick/core/config.hpp"
#include "stablepick/git/patch_stream.hpp"
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
    CommitReader(Repository repo, const Config& config)
        : repo_(std::move(repo)), config_(config), git_(repo_.git_dir()) {}

    // Reads `oid`. Merges are read too (parent_count > 1) but get no diff: stablepick
    // records non-merge commits and a caller skips them. The patch comes from git when
    // config.index.diff_reader is "git" and git can show it, else from libgit2.
    Result<ReadCommit> read(const ObjectId& oid);
    // Reads `oids` into `out` (same length), with git working ahead of the parsing.
    void read_all(std::span<const ObjectId> oids, std::span<Result<ReadCommit>> out);
    // False when diffs were wanted from git but git could not be started.
    bool git_available() const { return config_.index.diff_reader != "git" || git_.available(); }

  private:
    Result<ReadCommit> read_with(const ObjectId& oid, const std::optional<std::string>* patch);
    // Parses `text` into files, hunks and patch id, and stores it capped and compressed.
    void finish_diff(std::string_view text, std::vector<FileChange> skipped_files,
                     ReadCommit& out) const;
    Repository repo_;
    const Config& config_;
    GitPatchStream git_;
};

}  // namespace stablepick::git
