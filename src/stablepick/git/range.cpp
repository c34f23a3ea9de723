#include "stablepick/git/range.hpp"

#include <fmt/format.h>

#include "stablepick/git/libgit2.hpp"

namespace stablepick::git {

Result<std::vector<RangeCommit>> commits_in_range(const Repository& repo,
                                                  const std::string& range) {
    git_revwalk* raw = nullptr;
    if (int rc = git_revwalk_new(&raw, repo.get()); rc != 0)
        return std::unexpected(last_error(rc, "walk history"));
    RevwalkPtr walk(raw);
    git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    if (int rc = git_revwalk_push_range(walk.get(), range.c_str()); rc != 0)
        return fail(ErrorCode::kNotFound,
                    fmt::format("bad range '{}': {}", range, last_error(rc, "walk").message));
    std::vector<RangeCommit> out;
    git_oid oid;
    while (git_revwalk_next(&oid, walk.get()) == 0) {
        auto commit = lookup_commit(repo, from_git(oid));
        if (!commit) continue;
        out.push_back({to_hex(from_git(oid)), git_commit_parentcount(commit->get()) > 1});
    }
    return out;
}

Result<ObjectId> merge_base(const Repository& repo, const ObjectId& commit, const ObjectId& onto) {
    git_oid base, one = to_git(commit), two = to_git(onto);
    if (int rc = git_merge_base(&base, repo.get(), &one, &two); rc != 0)
        return fail(ErrorCode::kNotFound,
                    fmt::format("{} shares no history with {}: {}", to_hex(commit).substr(0, 12),
                                to_hex(onto).substr(0, 12), last_error(rc, "merge base").message));
    return from_git(base);
}

std::string file_at(const Repository& repo, const std::string& ref, const std::string& path) {
    git_object* raw = nullptr;
    std::string spec = ref + ":" + path;
    if (git_revparse_single(&raw, repo.get(), spec.c_str()) != 0) return {};
    ObjectPtr obj(raw);
    if (git_object_type(obj.get()) != GIT_OBJECT_BLOB) return {};
    auto* blob = reinterpret_cast<git_blob*>(obj.get());
    return std::string(static_cast<const char*>(git_blob_rawcontent(blob)),
                       static_cast<size_t>(git_blob_rawsize(blob)));
}

std::string branch_holding(const Repository& repo, const ObjectId& oid, const std::string& except) {
    auto branches = repo.branches();
    if (!branches) return "";
    for (auto& b : *branches)
        if (b.name != except && b.tip == oid) return b.name;
    for (auto& b : *branches)
        if (b.name != except)
            if (auto in = repo.is_ancestor(oid, b.tip); in && *in) return b.name;
    return "";
}

}  // namespace stablepick::git
