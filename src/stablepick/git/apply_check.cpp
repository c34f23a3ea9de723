#include "stablepick/git/apply_check.hpp"

#include <set>
#include <string_view>

#include "stablepick/git/libgit2.hpp"

namespace stablepick::git {
namespace {

template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

// Whether `git apply` (and so `git am`) would take the diff on `tree`: every file to change
// is there (and every file to add is not), and each hunk's old lines — context and removed —
// are found, in order, in the file as the tree has it (at any offset, as git apply allows).
// Reads only the touched files, where reading the whole tree into an index costs far more.
bool applies_as_is(const Repository& repo, git_diff* diff, git_tree* tree) {
    size_t deltas = git_diff_num_deltas(diff);
    for (size_t d = 0; d < deltas; ++d) {
        const git_diff_delta* delta = git_diff_get_delta(diff, d);
        git_tree_entry* raw = nullptr;
        bool present = git_tree_entry_bypath(&raw, tree, delta->old_file.path) == 0;
        Owned<git_tree_entry, git_tree_entry_free> entry(raw);
        if (delta->status == GIT_DELTA_ADDED) {
            if (git_tree_entry_bypath(&raw, tree, delta->new_file.path) == 0) {
                git_tree_entry_free(raw);
                return false;
            }
            continue;
        }
        if (!present) return false;
        if (git_oid_equal(git_tree_entry_id(entry.get()), &delta->old_file.id))
            continue;  // same file
        if (delta->status == GIT_DELTA_DELETED || (delta->flags & GIT_DIFF_FLAG_BINARY))
            return false;
        git_blob* blob_raw = nullptr;
        if (git_blob_lookup(&blob_raw, repo.get(), git_tree_entry_id(entry.get())) != 0)
            return false;
        BlobPtr blob(blob_raw);
        std::string_view content(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                                 static_cast<size_t>(git_blob_rawsize(blob.get())));
        git_patch* patch_raw = nullptr;
        if (git_patch_from_diff(&patch_raw, diff, d) != 0 || !patch_raw) return false;
        PatchPtr patch(patch_raw);
        size_t from = 0;
        for (size_t h = 0; h < git_patch_num_hunks(patch.get()); ++h) {
            std::string old_text;
            int lines = git_patch_num_lines_in_hunk(patch.get(), h);
            for (int l = 0; l < lines; ++l) {
                const git_diff_line* line = nullptr;
                git_patch_get_line_in_hunk(&line, patch.get(), h, static_cast<size_t>(l));
                if (line->origin == GIT_DIFF_LINE_CONTEXT || line->origin == GIT_DIFF_LINE_DELETION)
                    old_text.append(line->content, line->content_len);
            }
            if (old_text.empty()) continue;
            // At the start of a line: search from there, and accept a match at a line start.
            size_t at = from;
            while (true) {
                at = content.find(old_text, at);
                if (at == std::string_view::npos) return false;
                if (at == 0 || content[at - 1] == '\n') break;
                ++at;
            }
            from = at + old_text.size();
        }
    }
    return true;
}

// Whether a merge result leaves every path the diff touches as `tree` has it: the patch's
// change is already there (or, for a revert, was never there), and applying it changes nothing.
bool changes_nothing(git_diff* diff, git_index* merged, git_tree* tree) {
    auto same = [&](const char* path) {
        const git_index_entry* in_index = git_index_get_bypath(merged, path, 0);
        git_tree_entry* raw = nullptr;
        bool in_tree = git_tree_entry_bypath(&raw, tree, path) == 0;
        Owned<git_tree_entry, git_tree_entry_free> entry(raw);
        if (!in_index || !in_tree) return !in_index && !in_tree;
        return git_oid_equal(&in_index->id, git_tree_entry_id(entry.get())) &&
               in_index->mode == static_cast<uint32_t>(git_tree_entry_filemode(entry.get()));
    };
    for (size_t d = 0; d < git_diff_num_deltas(diff); ++d) {
        const git_diff_delta* delta = git_diff_get_delta(diff, d);
        if (!same(delta->old_file.path) || !same(delta->new_file.path)) return false;
    }
    return true;
}

}  // namespace

struct CommitChange::Parts {
    const Repository* repo = nullptr;
    CommitPtr commit;
    DiffPtr diff;
};

CommitChange::CommitChange(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
CommitChange::CommitChange(CommitChange&&) noexcept = default;
CommitChange& CommitChange::operator=(CommitChange&&) noexcept = default;
CommitChange::~CommitChange() = default;

Result<CommitChange> CommitChange::read(const Repository& repo, const ObjectId& oid) {
    auto commit = lookup_commit(repo, oid);
    if (!commit) return std::unexpected(commit.error());
    TreePtr old_tree, new_tree;
    if (git_commit_parentcount(commit->get()) > 0) {
        git_commit* parent_raw = nullptr;
        if (int rc = git_commit_parent(&parent_raw, commit->get(), 0); rc != 0)
            return std::unexpected(last_error(rc, "read parent"));
        CommitPtr parent(parent_raw);
        git_tree* raw = nullptr;
        git_commit_tree(&raw, parent.get());
        old_tree.reset(raw);
    }
    git_tree* raw = nullptr;
    git_commit_tree(&raw, commit->get());
    new_tree.reset(raw);
    git_diff* diff_raw = nullptr;
    if (int rc =
            git_diff_tree_to_tree(&diff_raw, repo.get(), old_tree.get(), new_tree.get(), nullptr);
        rc != 0)
        return std::unexpected(last_error(rc, "diff"));
    auto parts = std::make_unique<Parts>();
    parts->repo = &repo;
    parts->commit = std::move(*commit);
    parts->diff.reset(diff_raw);
    return CommitChange(std::move(parts));
}

Result<ApplyCheck> CommitChange::apply_to(const ObjectId& onto) const {
    const Repository& repo = *parts_->repo;
    auto tip = lookup_commit(repo, onto);
    if (!tip) return std::unexpected(tip.error());
    ApplyCheck out;
    git_tree* tree_raw = nullptr;
    git_commit_tree(&tree_raw, tip->get());
    TreePtr tree(tree_raw);
    if (applies_as_is(repo, parts_->diff.get(), tree.get())) {
        out.outcome = ApplyOutcome::kClean;
        return out;
    }
    git_index* merged_raw = nullptr;
    git_cherrypick_options cp = GIT_CHERRYPICK_OPTIONS_INIT;
    int rc = git_cherrypick_commit(&merged_raw, repo.get(), parts_->commit.get(), tip->get(), 0,
                                   &cp.merge_opts);
    Owned<git_index, git_index_free> merged(merged_raw);
    if (rc != 0) {  // e.g. a blob a partial clone lacks: say so, and go on
        out.outcome = ApplyOutcome::kUnknown;
        out.error = last_error(rc, "cherry-pick in memory").message;
    } else if (!git_index_has_conflicts(merged.get())) {
        out.outcome = changes_nothing(parts_->diff.get(), merged.get(), tree.get())
                          ? ApplyOutcome::kNoChanges
                          : ApplyOutcome::kThreeWay;
    } else {
        out.outcome = ApplyOutcome::kConflict;
        git_index_conflict_iterator* it_raw = nullptr;
        git_index_conflict_iterator_new(&it_raw, merged.get());
        Owned<git_index_conflict_iterator, git_index_conflict_iterator_free> it(it_raw);
        const git_index_entry *ancestor, *ours, *theirs;
        std::set<std::string> paths;
        while (git_index_conflict_next(&ancestor, &ours, &theirs, it.get()) == 0)
            paths.insert(ours ? ours->path : theirs ? theirs->path : ancestor->path);
        out.conflicts.assign(paths.begin(), paths.end());
    }
    return out;
}

}  // namespace stablepick::git
