#include "stablepick/git/walk.hpp"

#include <fmt/format.h>

namespace stablepick::git {

bool same_id(const git_oid& a, const git_oid& b) {
    return git_oid_equal(&a, &b) != 0;
}

std::string id_key(const git_oid& oid) {
    return std::string(reinterpret_cast<const char*>(oid.id), GIT_OID_RAWSZ);
}

Status visit_commits(const Repository& repo, const RevisionWalk& walk,
                     const std::function<void(const git_oid&)>& visit) {
    git_revwalk* raw = nullptr;
    if (int rc = git_revwalk_new(&raw, repo.get()); rc != 0)
        return std::unexpected(last_error(rc, "walk history"));
    RevwalkPtr walker(raw);
    if (walk.first_parent) git_revwalk_simplify_first_parent(walker.get());
    Status first = {};
    auto keep = [&](int rc, std::string_view doing) {
        if (rc != 0 && first) first = std::unexpected(last_error(rc, doing));
    };
    for (auto& p : walk.push)
        keep(git_revwalk_push(walker.get(), &p), fmt::format("walk from '{}'", to_hex(p)));
    for (auto& h : walk.hide)
        keep(git_revwalk_hide(walker.get(), &h), fmt::format("hide '{}' from a walk", to_hex(h)));
    git_oid oid;
    int rc = 0;
    while ((rc = git_revwalk_next(&oid, walker.get())) == 0) visit(oid);
    if (rc != GIT_ITEROVER && first) {
        auto err = last_error(rc, "walk history");
        err.code = ErrorCode::kCorrupt;
        first = std::unexpected(err);
    }
    return first;
}

Result<std::vector<git_oid>> walk_branch(const Repository& repo, const std::string& branch,
                                         const git_oid& tip, const std::vector<git_oid>& hide) {
    git_revwalk* raw = nullptr;
    int rc = git_revwalk_new(&raw, repo.get());
    if (rc != 0) return std::unexpected(last_error(rc, "walk history"));
    RevwalkPtr walker(raw);
    // Oldest first, parents before children: the same order on every run.
    git_revwalk_sorting(walker.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);
    rc = git_revwalk_push(walker.get(), &tip);
    if (rc != 0) return std::unexpected(last_error(rc, fmt::format("walk from '{}'", to_hex(tip))));
    for (auto& h : hide) {
        rc = git_revwalk_hide(walker.get(), &h);
        if (rc != 0)
            return std::unexpected(last_error(rc, fmt::format("walk history at '{}'", to_hex(h))));
    }
    std::vector<git_oid> out;
    git_oid oid;
    while ((rc = git_revwalk_next(&oid, walker.get())) == 0) out.push_back(oid);
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
                                                              const git_oid& tip,
                                                              const std::optional<git_oid>& stop) {
    std::vector<MergeCommits> brought;
    git_oid at = tip;
    while (!(stop && git_oid_equal(&at, &*stop))) {
        auto commit = repo.lookup_commit(at);
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
            std::vector<git_oid> side;
            git_oid oid;
            while (git_revwalk_next(&oid, w.get()) == 0) side.push_back(oid);
            brought.push_back({at, std::move(side)});
        }
        at = first;
    }
    return brought;
}

Result<std::vector<git_oid>> walk_from_head(const Repository& repo, std::string_view what) {
    git_revwalk* raw = nullptr;
    if (int rc = git_revwalk_new(&raw, repo.get()); rc != 0)
        return std::unexpected(last_error(rc, fmt::format("walk {}", what)));
    RevwalkPtr walk(raw);
    git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    if (int rc = git_revwalk_push_head(walk.get()); rc != 0)
        return std::unexpected(
            last_error(rc, fmt::format("read {} '{}'", what, repo.git_dir().string())));
    std::vector<git_oid> oids;
    git_oid oid;
    while (git_revwalk_next(&oid, walk.get()) == 0) oids.push_back(oid);
    return oids;
}

Result<std::optional<std::string>> top_level_file(const Repository& repo, const git_oid& commit,
                                                  const std::string& name) {
    auto c = repo.lookup_commit(commit);
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
