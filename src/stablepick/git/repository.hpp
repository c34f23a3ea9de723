#pragma once
// libgit2 behind RAII. A Repository belongs to one thread; open one per thread to read in
// parallel (libgit2 allows that).
//
// libgit2's own types stay inside git/ (git/libgit2.hpp): this header names only the handle
// git/'s sources reach through get().
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/core/error.hpp"
#include "stablepick/git/object_id.hpp"

struct git_repository;  // libgit2's, as <git2.h> declares it

namespace stablepick::git {

struct Branch {
    std::string name;  // short name: "main", "v255-stable" (remote branches without "origin/")
    ObjectId tip;
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
    Result<ObjectId> resolve_commit(std::string_view spec) const;
    // An error when `id` is not a commit that can be read: kCorrupt when it is missing (the
    // caller reached it from a ref, a walk or the store), else what libgit2 said.
    Status check_commit(const ObjectId& id) const;
    // Whether `ancestor` is reachable from `descendant` (true when equal).
    Result<bool> is_ancestor(const ObjectId& ancestor, const ObjectId& descendant) const;

  private:
    // Defined where libgit2 is, so that this header needs none of it.
    struct RepositoryFree {
        void operator()(git_repository* repo) const;
    };
    using RepositoryPtr = std::unique_ptr<git_repository, RepositoryFree>;

    Repository(RepositoryPtr repo, std::filesystem::path git_dir)
        : repo_(std::move(repo)), git_dir_(std::move(git_dir)) {}
    RepositoryPtr repo_;
    std::filesystem::path git_dir_;
};

}  // namespace stablepick::git
