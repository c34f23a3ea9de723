#pragma once
// libgit2 as git/'s sources use it: its handles behind RAII, ids to and from ObjectId, its
// errors as Errors. Included only inside git/ (scripts/check-layering holds to that), so the
// rest of stablepick never compiles <git2.h>.
#include <git2.h>

#include <cstring>
#include <memory>
#include <string_view>

#include "stablepick/core/error.hpp"
#include "stablepick/git/object_id.hpp"
#include "stablepick/git/repository.hpp"

namespace stablepick::git {

static_assert(sizeof(git_oid::id) == ObjectId::kSize, "libgit2 built for another hash");

// Initialises libgit2 once per process and shuts it down at exit.
void ensure_libgit2();

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using CommitPtr = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using DiffPtr = std::unique_ptr<git_diff, Deleter<git_diff, git_diff_free>>;
using PatchPtr = std::unique_ptr<git_patch, Deleter<git_patch, git_patch_free>>;
using RevwalkPtr = std::unique_ptr<git_revwalk, Deleter<git_revwalk, git_revwalk_free>>;
using ReferencePtr = std::unique_ptr<git_reference, Deleter<git_reference, git_reference_free>>;
using ObjectPtr = std::unique_ptr<git_object, Deleter<git_object, git_object_free>>;
using BlobPtr = std::unique_ptr<git_blob, Deleter<git_blob, git_blob_free>>;

inline git_oid to_git(const ObjectId& id) {
    git_oid oid;
    std::memcpy(oid.id, id.bytes().data(), ObjectId::kSize);
    return oid;
}

inline ObjectId from_git(const git_oid& oid) {
    std::array<unsigned char, ObjectId::kSize> bytes;
    std::memcpy(bytes.data(), oid.id, ObjectId::kSize);
    return ObjectId(bytes);
}

// The error libgit2 left for this thread, as an Error naming what was being done.
Error last_error(int rc, std::string_view doing);

// The commit `id` names; kCorrupt when it is missing (callers reached it from a ref or a walk),
// else the error libgit2 gives.
Result<CommitPtr> lookup_commit(const Repository& repo, const ObjectId& id);

}  // namespace stablepick::git
