#include "stablepick/ingest/public_inbox.hpp"

#include <fmt/format.h>

#include <vector>

namespace stablepick {

Status for_each_public_inbox_mail(const git::Repository& archive,
                                  const std::function<void(int64_t)>& total,
                                  const std::function<bool(std::string_view)>& visit) {
    git_revwalk* raw = nullptr;
    if (int rc = git_revwalk_new(&raw, archive.get()); rc != 0)
        return std::unexpected(git::last_error(rc, "walk the archive"));
    git::RevwalkPtr walk(raw);
    git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    if (int rc = git_revwalk_push_head(walk.get()); rc != 0)
        return std::unexpected(git::last_error(rc, fmt::format("read the archive '{}'", archive.git_dir().string())));
    std::vector<git_oid> oids;
    git_oid oid;
    while (git_revwalk_next(&oid, walk.get()) == 0) oids.push_back(oid);
    total(static_cast<int64_t>(oids.size()));
    for (auto& id : oids) {
        auto commit = archive.lookup_commit(id);
        if (!commit) return std::unexpected(commit.error());
        git_tree* tree_raw = nullptr;
        std::string text;
        if (git_commit_tree(&tree_raw, commit->get()) == 0) {
            git::TreePtr tree(tree_raw);
            if (const git_tree_entry* entry = git_tree_entry_byname(tree.get(), "m")) {
                git_blob* blob = nullptr;
                if (git_blob_lookup(&blob, archive.get(), git_tree_entry_id(entry)) == 0) {
                    git::BlobPtr holder(blob);
                    text.assign(static_cast<const char*>(git_blob_rawcontent(blob)),
                                static_cast<size_t>(git_blob_rawsize(blob)));
                }
            }
        }
        if (!visit(text)) break;
    }
    return {};
}

}  // namespace stablepick
