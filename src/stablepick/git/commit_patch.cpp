#include "stablepick/git/commit_patch.hpp"

#include "stablepick/git/libgit2.hpp"

namespace stablepick::git {

Result<CommitPatch> commit_patch(const Repository& repo, const ObjectId& oid) {
    auto commit = lookup_commit(repo, oid);
    if (!commit) return std::unexpected(commit.error());
    std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>> old_tree, new_tree;
    git_tree* raw = nullptr;
    if (git_commit_parentcount(commit->get()) > 0) {
        git_commit* parent = nullptr;
        if (int rc = git_commit_parent(&parent, commit->get(), 0); rc != 0)
            return std::unexpected(last_error(rc, "read parent"));
        git_commit_tree(&raw, parent);
        git_commit_free(parent);
        old_tree.reset(raw);
    }
    if (int rc = git_commit_tree(&raw, commit->get()); rc != 0)
        return std::unexpected(last_error(rc, "read tree"));
    new_tree.reset(raw);
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    opts.flags |= GIT_DIFF_SHOW_BINARY;
    git_diff* diff_raw = nullptr;
    if (int rc =
            git_diff_tree_to_tree(&diff_raw, repo.get(), old_tree.get(), new_tree.get(), &opts);
        rc != 0)
        return std::unexpected(last_error(rc, "diff"));
    std::unique_ptr<git_diff, Deleter<git_diff, git_diff_free>> diff(diff_raw);
    git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
    find.flags = GIT_DIFF_FIND_RENAMES;
    git_diff_find_similar(diff.get(), &find);
    CommitPatch out;
    git_buf buf = GIT_BUF_INIT;
    if (int rc = git_diff_to_buf(&buf, diff.get(), GIT_DIFF_FORMAT_PATCH); rc != 0)
        return std::unexpected(last_error(rc, "format the patch"));
    out.patch.assign(buf.ptr, buf.size);
    git_buf_dispose(&buf);
    git_diff_stats* stats = nullptr;
    if (git_diff_get_stats(&stats, diff.get()) == 0) {
        if (git_diff_stats_to_buf(&buf, stats,
                                  static_cast<git_diff_stats_format_t>(
                                      GIT_DIFF_STATS_FULL | GIT_DIFF_STATS_INCLUDE_SUMMARY),
                                  72) == 0)
            out.stat.assign(buf.ptr, buf.size);
        git_buf_dispose(&buf);
        git_diff_stats_free(stats);
    }
    return out;
}

}  // namespace stablepick::git
