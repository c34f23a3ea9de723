#include "stablepick/git/lookup.hpp"

#include <fmt/format.h>

#include "stablepick/git/libgit2.hpp"

namespace stablepick::git {

Result<std::string> commit_message(const Repository& repo, const ObjectId& oid) {
    auto commit = lookup_commit(repo, oid);
    if (!commit) return std::unexpected(commit.error());
    return std::string(git_commit_message(commit->get()));
}

std::string remote_url(const Repository& repo, std::string_view name) {
    git_remote* remote = nullptr;
    if (git_remote_lookup(&remote, repo.get(), std::string(name).c_str()) != 0) return {};
    std::string url = git_remote_url(remote) ? git_remote_url(remote) : "";
    git_remote_free(remote);
    return url;
}

Result<std::vector<DirectoryFile>> files_in_directory(const Repository& repo, std::string_view ref,
                                                      std::string_view dir,
                                                      std::string_view name_prefix) {
    git_object* raw = nullptr;
    std::string spec = fmt::format("{}:{}", ref, dir);
    if (git_revparse_single(&raw, repo.get(), spec.c_str()) != 0 ||
        git_object_type(raw) != GIT_OBJECT_TREE) {
        if (raw) git_object_free(raw);
        return fail(ErrorCode::kNotFound, fmt::format("no {}/ directory on '{}'", dir, ref));
    }
    ObjectPtr holder(raw);
    auto* tree = reinterpret_cast<git_tree*>(raw);
    std::vector<DirectoryFile> files;
    for (size_t i = 0; i < git_tree_entrycount(tree); ++i) {
        const git_tree_entry* e = git_tree_entry_byindex(tree, i);
        std::string name = git_tree_entry_name(e);
        if (!name.starts_with(name_prefix) || git_tree_entry_type(e) != GIT_OBJECT_BLOB) continue;
        git_blob* blob = nullptr;
        if (git_blob_lookup(&blob, repo.get(), git_tree_entry_id(e)) != 0) {
            files.push_back({std::move(name), std::nullopt});
            continue;
        }
        BlobPtr blob_holder(blob);
        files.push_back(
            {std::move(name), std::string(static_cast<const char*>(git_blob_rawcontent(blob)),
                                          static_cast<size_t>(git_blob_rawsize(blob)))});
    }
    return files;
}

Result<std::vector<TreeFile>> files_at_commit(const Repository& repo, const ObjectId& commit,
                                              const std::vector<std::string>& paths,
                                              std::string_view what) {
    git_commit* commit_raw = nullptr;
    git_oid commit_oid = to_git(commit);
    if (int rc = git_commit_lookup(&commit_raw, repo.get(), &commit_oid); rc != 0)
        return std::unexpected(last_error(rc, fmt::format("read {}", what)));
    CommitPtr holder(commit_raw);
    git_tree* tree_raw = nullptr;
    git_commit_tree(&tree_raw, commit_raw);
    TreePtr tree(tree_raw);
    std::vector<TreeFile> out;
    for (auto& path : paths) {
        TreeFile& file = out.emplace_back();
        file.path = path;
        git_tree_entry* entry_raw = nullptr;
        if (git_tree_entry_bypath(&entry_raw, tree.get(), path.c_str()) != 0) continue;
        std::unique_ptr<git_tree_entry, Deleter<git_tree_entry, git_tree_entry_free>> entry(
            entry_raw);
        file.present = true;
        git_blob* blob = nullptr;
        if (git_blob_lookup(&blob, repo.get(), git_tree_entry_id(entry.get())) != 0) continue;
        BlobPtr blob_holder(blob);
        file.content.emplace(static_cast<const char*>(git_blob_rawcontent(blob)),
                             static_cast<size_t>(git_blob_rawsize(blob)));
    }
    return out;
}

}  // namespace stablepick::git
