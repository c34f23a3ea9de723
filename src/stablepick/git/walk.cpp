#include "stablepick/git/walk.hpp"

#include <fmt/format.h>

#include "stablepick/git/libgit2.hpp"

namespace stablepick::git {

std::string id_key(const ObjectId& id) {
    return std::string(reinterpret_cast<const char*>(id.bytes().data()), ObjectId::kSize);
}

Status visit_commits(const Repository& repo, const RevisionWalk& walk,
                     const std::function<void(const ObjectId&)>& visit) {
    git_revwalk* raw = nullptr;
    if (int rc = git_revwalk_new(&raw, repo.get()); rc != 0)
        return std::unexpected(last_error(rc, "walk history"));
    RevwalkPtr walker(raw);
    if (walk.first_parent) git_revwalk_simplify_first_parent(walker.get());
    Status first = {};
    auto keep = [&](int rc, std::string_view doing) {
        if (rc != 0 && first) first = std::unexpected(last_error(rc, doing));
    };
    for (auto& p : walk.push) {
        git_oid oid = to_git(p);
        keep(git_revwalk_push(walker.get(), &oid), fmt::format("walk from '{}'", to_hex(p)));
    }
    for (auto& h : walk.hide) {
        git_oid oid = to_git(h);
        keep(git_revwalk_hide(walker.get(), &oid), fmt::format("hide '{}' from a walk", to_hex(h)));
    }
    git_oid oid;
    int rc = 0;
    while ((rc = git_revwalk_next(&oid, walker.get())) == 0) visit(from_git(oid));
    if (rc != GIT_ITEROVER && first) {
        auto err = last_error(rc, "walk history");
        err.code = ErrorCode::kCorrupt;
        first = std::unexpected(err);
    }
    return first;
}

Result<std::vector<ObjectId>> walk_branch(const Repository& repo, const std::string& branch,
                                          const ObjectId& tip, const std::vector<ObjectId>& hide) {
    git_revwalk* raw = nullptr;
    int rc = git_revwalk_new(&raw, repo.get());
    if (rc != 0) return std::unexpected(last_error(rc, "walk history"));
    RevwalkPtr walker(raw);
    // Oldest first, parents before children: the same order on every run.
    git_revwalk_sorting(walker.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);
    git_oid tip_oid = to_git(tip);
    rc = git_revwalk_push(walker.get(), &tip_oid);
    if (rc != 0) return std::unexpected(last_error(rc, fmt::format("walk from '{}'", to_hex(tip))));
    for (auto& h : hide) {
        git_oid hide_oid = to_git(h);
        rc = git_revwalk_hide(walker.get(), &hide_oid);
        if (rc != 0)
            return std::unexpected(last_error(rc, fmt::format("walk history at '{}'", to_hex(h))));
    }
    std::vector<ObjectId> out;
    git_oid oid;
    while ((rc = git_revwalk_next(&oid, walker.get())) == 0) out.push_back(from_git(oid));
    if (rc != GIT_ITEROVER) {
        // libgit2 does not say which object failed; the last one read is the best clue.
        std::string after =
            out.empty() ? "" : fmt::format(" after commit '{}'", to_hex(out.back()));
        auto err = last_error(rc, fmt::format("walk the history of branch '{}'{}", branch, after));
        err.code = ErrorCode::kCorrupt;
        return std::unexpected(err);
    }
    return out;
}

Result<std::vector<MergeCommits>> merges_on_first_parent_line(const Repository& repo,
                                                              const ObjectId& tip,
                                                              const std::optional<ObjectId>& stop) {
    std::vector<MergeCommits> brought;
    ObjectId at = tip;
    while (!(stop && at == *stop)) {
        auto commit = lookup_commit(repo, at);
        if (!commit) break;  // a shallow history ends here
        unsigned parents = git_commit_parentcount(commit->get());
        if (parents == 0) break;
        git_oid first = *git_commit_parent_id(commit->get(), 0);
        if (parents > 1) {
            git_revwalk* raw = nullptr;
            if (int rc = git_revwalk_new(&raw, repo.get()); rc != 0)
                return std::unexpected(last_error(rc, "walk merges"));
            RevwalkPtr w(raw);
            for (unsigned p = 1; p < parents; ++p)
                git_revwalk_push(w.get(), git_commit_parent_id(commit->get(), p));
            git_revwalk_hide(w.get(), &first);
            std::vector<ObjectId> side;
            git_oid oid;
            while (git_revwalk_next(&oid, w.get()) == 0) side.push_back(from_git(oid));
            brought.push_back({at, std::move(side)});
        }
        at = from_git(first);
    }
    return brought;
}

Result<std::vector<ObjectId>> walk_from_head(const Repository& repo, std::string_view what) {
    git_revwalk* raw = nullptr;
    if (int rc = git_revwalk_new(&raw, repo.get()); rc != 0)
        return std::unexpected(last_error(rc, fmt::format("walk {}", what)));
    RevwalkPtr walk(raw);
    git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    if (int rc = git_revwalk_push_head(walk.get()); rc != 0)
        return std::unexpected(
            last_error(rc, fmt::format("read {} '{}'", what, repo.git_dir().string())));
    std::vector<ObjectId> oids;
    git_oid oid;
    while (git_revwalk_next(&oid, walk.get()) == 0) oids.push_back(from_git(oid));
    return oids;
}

Result<std::optional<std::string>> top_level_file(const Repository& repo, const ObjectId& commit,
                                                  const std::string& name) {
    auto c = lookup_commit(repo, commit);
    if (!c) return std::unexpected(c.error());
    git_tree* tree_raw = nullptr;
    if (git_commit_tree(&tree_raw, c->get()) != 0) return std::nullopt;
    TreePtr tree(tree_raw);
    const git_tree_entry* entry = git_tree_entry_byname(tree.get(), name.c_str());
    if (!entry) return std::nullopt;
    git_blob* blob = nullptr;
    if (git_blob_lookup(&blob, repo.get(), git_tree_entry_id(entry)) != 0) return std::nullopt;
    BlobPtr holder(blob);
    return std::string(static_cast<const char*>(git_blob_rawcontent(blob)),
                       static_cast<size_t>(git_blob_rawsize(blob)));
}

}  // namespace stablepick::git
