#include "stablepick/git/commit_search.hpp"

#include "stablepick/git/libgit2.hpp"

namespace stablepick::git {

std::optional<CommitSummary> commit_summary(const Repository& repo, const ObjectId& oid) {
    auto c = lookup_commit(repo, oid);
    if (!c) return std::nullopt;
    const char* summary = git_commit_summary(c->get());
    return CommitSummary{to_hex(oid), summary ? summary : "", git_commit_time(c->get())};
}

Status each_reachable_commit(const Repository& repo,
                             const std::function<void(const ObjectId&)>& visit) {
    git_revwalk* raw = nullptr;
    if (int rc = git_revwalk_new(&raw, repo.get()); rc != 0)
        return std::unexpected(last_error(rc, "walk history"));
    RevwalkPtr walk(raw);
    git_revwalk_push_glob(walk.get(), "refs/*");
    git_oid oid;
    while (git_revwalk_next(&oid, walk.get()) == 0) visit(from_git(oid));
    return {};
}

Result<std::vector<CommitSummary>> commits_with_prefix(const Repository& repo,
                                                       std::string_view prefix) {
    std::vector<CommitSummary> found;
    git_object* obj = nullptr;
    git_oid prefix_oid;
    int rc = GIT_EAMBIGUOUS;  // too short to look up: enumerate
    if (prefix.size() >= GIT_OID_MINPREFIXLEN &&
        git_oid_fromstrn(&prefix_oid, prefix.data(), prefix.size()) == 0)
        rc = git_object_lookup_prefix(&obj, repo.get(), &prefix_oid, prefix.size(),
                                      GIT_OBJECT_COMMIT);
    if (rc == 0) {
        ObjectPtr holder(obj);
        if (auto c = commit_summary(repo, from_git(*git_object_id(obj)))) found.push_back(*c);
    } else if (rc == GIT_EAMBIGUOUS) {
        auto r = each_reachable_commit(repo, [&](const ObjectId& oid) {
            if (to_hex(oid).starts_with(prefix))
                if (auto c = commit_summary(repo, oid)) found.push_back(*c);
        });
        if (!r) return std::unexpected(r.error());
    }
    return found;
}

}  // namespace stablepick::git
