#include "stablepick/git/hunks.hpp"

#include "stablepick/git/libgit2.hpp"

namespace stablepick::git {

Result<CommitHunks> first_parent_hunks(const Repository& repo, const ObjectId& oid,
                                       int context_lines) {
    CommitHunks out;
    auto commit = lookup_commit(repo, oid);
    if (!commit) return std::unexpected(commit.error());
    if (git_commit_parentcount(commit->get()) == 0) return out;
    git_commit* parent_raw = nullptr;
    if (int rc = git_commit_parent(&parent_raw, commit->get(), 0); rc != 0)
        return std::unexpected(last_error(rc, "read parent"));
    CommitPtr parent(parent_raw);
    git_tree *old_raw = nullptr, *new_raw = nullptr;
    git_commit_tree(&old_raw, parent.get());
    git_commit_tree(&new_raw, commit->get());
    TreePtr old_tree(old_raw), new_tree(new_raw);
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    opts.context_lines = static_cast<uint32_t>(context_lines);
    git_diff* diff_raw = nullptr;
    if (int rc =
            git_diff_tree_to_tree(&diff_raw, repo.get(), old_tree.get(), new_tree.get(), &opts);
        rc != 0)
        return std::unexpected(last_error(rc, "diff"));
    DiffPtr diff(diff_raw);
    out.parent = to_hex(from_git(*git_commit_id(parent.get())));
    struct Walk {
        std::vector<FileHunks>* files;
        std::vector<const git_diff_delta*> deltas;  // the diff's own, one per file
    } walk{&out.files, {}};
    git_diff_foreach(
        diff.get(),
        [](const git_diff_delta* delta, float, void* payload) {
            auto* w = static_cast<Walk*>(payload);
            w->files->push_back(
                {delta->old_file.path, delta->status == GIT_DELTA_ADDED, false, {}});
            w->deltas.push_back(delta);
            return 0;
        },
        nullptr,
        [](const git_diff_delta*, const git_diff_hunk* hunk, void* payload) {
            auto* w = static_cast<Walk*>(payload);
            w->files->back().hunks.push_back(
                {std::string(hunk->header, hunk->header_len), hunk->old_start, hunk->old_lines});
            return 0;
        },
        nullptr, &walk);
    // Whether a file is binary is learned as its content is read, after its file callback.
    for (size_t i = 0; i < walk.deltas.size(); ++i)
        out.files[i].binary = (walk.deltas[i]->flags & GIT_DIFF_FLAG_BINARY) != 0;
    return out;
}

}  // namespace stablepick::git
