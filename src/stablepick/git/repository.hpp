#pragma once
// libgit2 behind RAII. A Repository belongs to one thread; open one per thread to read in
// parallel (libgit2 allows that).
#include <git2.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/core/error.hpp"

namespace stablepick::git {

// Initialises libgit2 once per process and shuts it down at exit.
void ensure_libgit2();

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using RepositoryPtr = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using CommitPtr = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using DiffPtr = std::unique_ptr<git_diff, Deleter<git_diff, git_diff_free>>;
using PatchPtr = std::unique_ptr<git_patch, Deleter<git_patch, git_patch_free>>;
using RevwalkPtr = std::unique_ptr<git_revwalk, Deleter<git_revwalk, git_revwalk_free>>;
using ReferencePtr = std::unique_ptr<git_reference, Deleter<git_reference, git_reference_free>>;
using ObjectPtr = std::unique_ptr<git_object, Deleter<git_object, git_object_free>>;
using BlobPtr = std::unique_ptr<git_blob, Deleter<git_blob, git_blob_free>>;

std::string to_hex(const git_oid& oid);
std::optional<git_oid> from_hex(std::string_view hex);  // full 40-hex ids only

// The error libgit2 left for this thread, as an Error naming what was being done.
Error last_error(int rc, std::string_view doing);

struct Branch {
    std::string name;  // short name: "main", "v255-stable" (remote branches without "origin/")
    git_oid tip;
};

class Repository {
  public:
    // Opens the repository at or above `path` (a work tree, a .git directory or a bare one).
    static Result<Repository> open(const std::filesystem::path& path);
    // Opens the same repository again, for another thread.
    Result<Repository> reopen() const;

    git_repository* get() const { return repo_.get(); }
    const std::filesystem::path& git_dir() const { return git_dir_; }

    // Local branches, then remote-tracking ones whose short name is not taken locally.
    Result<std::vector<Branch>> branches() const;
    // A branch, tag or commit id to a commit id; kNotFound names the ref.
    Result<git_oid> resolve_commit(std::string_view spec) const;
    Result<CommitPtr> lookup_commit(const git_oid& oid) const;
    // Whether `ancestor` is reachable from `descendant` (true when equal).
    Result<bool> is_ancestor(const git_oid& ancestor, const git_oid& descendant) const;

  private:
    Repository(RepositoryPtr repo, std::filesystem::path git_dir)
        : repo_(std::move(repo)), git_dir_(std::move(git_dir)) {}
    RepositoryPtr repo_;
    std::filesystem::path git_dir_;
};

}  // namespace stablepick::git
