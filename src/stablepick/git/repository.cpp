#include "stablepick/git/repository.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "stablepick/git/libgit2.hpp"

namespace stablepick::git {

void ensure_libgit2() {
    static std::once_flag once;
    std::call_once(once, [] {
        git_libgit2_init();
        // stablepick only reads; skipping hash verification of every object read is what
        // git itself does by default, and doubles the speed of a full walk.
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
        // A history walk diffs each tree against its parent's: big trees (a source root
        // with hundreds of entries) must stay cached, or every diff re-inflates them.
        git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, size_t{1} << 20);
        // Walking oldest first, a commit's old blobs are its parent's new ones: keep them.
        git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_BLOB, size_t{256} << 10);
        // The bound is per open repository, and the index and the tree checks open one per
        // thread: at 512 MiB each, `review --target` over a release grew to 1.25 GB. 64 MiB
        // still holds every tree of a kernel-sized snapshot that a diff touches.
        git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, ssize_t{64} << 20);
        std::atexit([] { git_libgit2_shutdown(); });
    });
}

void Repository::RepositoryFree::operator()(git_repository* repo) const {
    git_repository_free(repo);
}

Error last_error(int rc, std::string_view doing) {
    const git_error* e = git_error_last();
    std::string msg = e && e->message ? e->message : "unknown error";
    ErrorCode code = ErrorCode::kInternal;
    if (rc == GIT_ENOTFOUND)
        code = ErrorCode::kNotFound;
    else if (rc == GIT_EAMBIGUOUS)
        code = ErrorCode::kAmbiguous;
    else if (e && (e->klass == GIT_ERROR_ODB || e->klass == GIT_ERROR_ZLIB ||
                   e->klass == GIT_ERROR_OBJECT || e->klass == GIT_ERROR_INVALID))
        code = ErrorCode::kCorrupt;
    else if (e && e->klass == GIT_ERROR_OS)
        code = ErrorCode::kIo;
    return Error{code, fmt::format("cannot {}: {}", doing, msg)};
}

Result<Repository> Repository::open(const std::filesystem::path& path) {
    ensure_libgit2();
    git_repository* raw = nullptr;
    int rc = git_repository_open_ext(&raw, path.c_str(), 0, nullptr);
    if (rc != 0) {
        std::error_code ec;
        if (!std::filesystem::exists(path, ec))
            return fail(
                ErrorCode::kNotFound,
                fmt::format("cannot open repository '{}': no such directory", path.string()));
        return fail(
            ErrorCode::kNotFound,
            fmt::format("cannot open repository '{}': not a git repository", path.string()));
    }
    RepositoryPtr repo(raw);
    std::filesystem::path git_dir = git_repository_path(raw);
    return Repository(std::move(repo), git_dir.lexically_normal());
}

Result<Repository> Repository::reopen() const {
    git_repository* raw = nullptr;
    int rc = git_repository_open_bare(&raw, git_dir_.c_str());
    if (rc != 0)
        return std::unexpected(
            last_error(rc, fmt::format("open repository '{}'", git_dir_.string())));
    return Repository(RepositoryPtr(raw), git_dir_);
}

Result<std::vector<Branch>> Repository::branches() const {
    git_branch_iterator* it = nullptr;
    int rc = git_branch_iterator_new(&it, repo_.get(), GIT_BRANCH_ALL);
    if (rc != 0) return std::unexpected(last_error(rc, "list branches"));
    std::vector<Branch> local, remote;
    git_reference* ref = nullptr;
    git_branch_t type;
    while (git_branch_next(&ref, &type, it) == 0) {
        ReferencePtr holder(ref);
        const char* name = nullptr;
        if (git_branch_name(&name, ref) != 0 || !name) continue;
        git_reference* resolved = nullptr;
        if (git_reference_resolve(&resolved, ref) != 0) continue;
        ReferencePtr resolved_holder(resolved);
        const git_oid* oid = git_reference_target(resolved);
        if (!oid) continue;
        std::string short_name = name;
        if (type == GIT_BRANCH_REMOTE) {
            auto slash = short_name.find('/');
            if (slash == std::string::npos) continue;
            short_name = short_name.substr(slash + 1);
            if (short_name == "HEAD") continue;
            remote.push_back({short_name, from_git(*oid)});
        } else {
            local.push_back({short_name, from_git(*oid)});
        }
    }
    git_branch_iterator_free(it);
    for (auto& r : remote)
        if (std::ranges::none_of(local, [&](const Branch& b) { return b.name == r.name; }))
            local.push_back(r);
    std::ranges::sort(local, {}, &Branch::name);
    return local;
}

Result<ObjectId> Repository::resolve_commit(std::string_view spec) const {
    git_object* obj = nullptr;
    std::string s(spec);
    int rc = git_revparse_single(&obj, repo_.get(), s.c_str());
    if (rc != 0) {
        if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC)
            return fail(ErrorCode::kNotFound, fmt::format("unknown revision '{}'", spec));
        return std::unexpected(last_error(rc, fmt::format("resolve '{}'", spec)));
    }
    ObjectPtr holder(obj);
    git_object* peeled = nullptr;
    rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
    if (rc != 0) return fail(ErrorCode::kNotFound, fmt::format("'{}' is not a commit", spec));
    ObjectPtr peeled_holder(peeled);
    return from_git(*git_object_id(peeled));
}

Result<CommitPtr> lookup_commit(const Repository& repo, const ObjectId& id) {
    git_commit* c = nullptr;
    git_oid oid = to_git(id);
    int rc = git_commit_lookup(&c, repo.get(), &oid);
    if (rc != 0) {
        auto err = last_error(rc, fmt::format("read commit '{}'", to_hex(id)));
        if (rc == GIT_ENOTFOUND) err.code = ErrorCode::kCorrupt;  // reachable but missing
        return std::unexpected(err);
    }
    return CommitPtr(c);
}

Status Repository::check_commit(const ObjectId& id) const {
    auto commit = lookup_commit(*this, id);
    if (!commit) return std::unexpected(commit.error());
    return {};
}

Result<bool> Repository::is_ancestor(const ObjectId& ancestor, const ObjectId& descendant) const {
    if (ancestor == descendant) return true;
    git_oid a = to_git(ancestor), d = to_git(descendant);
    int rc = git_graph_descendant_of(repo_.get(), &d, &a);
    if (rc < 0) return std::unexpected(last_error(rc, "compare commits"));
    return rc == 1;
}

}  // namespace stablepick::git
