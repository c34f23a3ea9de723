#include "stablepick/git/branch_history.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "stablepick/git/libgit2.hpp"
#include "stablepick/text/message.hpp"

namespace stablepick::git {
namespace {

// A marker's id, maybe abbreviated, as the commit it names; nullopt when it names none.
std::optional<ObjectId> commit_named(const Repository& repo, const std::string& id) {
    if (id.size() == GIT_OID_HEXSZ) return from_hex(id);
    git_oid prefix;
    if (git_oid_fromstrn(&prefix, id.c_str(), id.size()) != 0) return std::nullopt;
    git_object* obj = nullptr;
    if (git_object_lookup_prefix(&obj, repo.get(), &prefix, id.size(), GIT_OBJECT_COMMIT) != 0)
        return std::nullopt;
    ObjectPtr holder(obj);
    return from_git(*git_object_id(obj));
}

}  // namespace

Result<MainHistory> MainHistory::read(const Repository& repo, const Branch& main) {
    git_revwalk* raw = nullptr;
    if (int rc = git_revwalk_new(&raw, repo.get()); rc != 0)
        return std::unexpected(last_error(rc, "walk history"));
    RevwalkPtr walk(raw);
    git_oid tip = to_git(main.tip);
    if (int rc = git_revwalk_push(walk.get(), &tip); rc != 0)
        return std::unexpected(last_error(rc, fmt::format("walk from '{}'", to_hex(main.tip))));
    MainHistory out;
    git_oid oid;
    int rc = 0;
    while ((rc = git_revwalk_next(&oid, walk.get())) == 0) out.sorted_.push_back(from_git(oid));
    if (rc != GIT_ITEROVER) {
        std::string after = out.sorted_.empty()
                                ? ""
                                : fmt::format(" after commit '{}'", to_hex(out.sorted_.back()));
        auto err =
            last_error(rc, fmt::format("walk the history of branch '{}'{}", main.name, after));
        err.code = ErrorCode::kCorrupt;
        return std::unexpected(err);
    }
    std::ranges::sort(out.sorted_);
    return out;
}

bool MainHistory::contains(const ObjectId& oid) const {
    return std::ranges::binary_search(sorted_, oid);
}

Result<TagIndex> TagIndex::read(const Repository& repo) {
    struct Ctx {
        git_repository* repo;
        std::vector<TagAt>* out;
    };
    TagIndex index;
    Ctx ctx{repo.get(), &index.tags_};
    int rc = git_tag_foreach(
        repo.get(),
        [](const char* name, git_oid* oid, void* payload) -> int {
            auto* c = static_cast<Ctx*>(payload);
            std::string_view full(name);
            if (full.starts_with("refs/tags/")) full.remove_prefix(10);
            git_object* obj = nullptr;
            if (git_object_lookup(&obj, c->repo, oid, GIT_OBJECT_ANY) != 0) return 0;
            ObjectPtr holder(obj);
            git_object* peeled = nullptr;
            if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0) return 0;
            ObjectPtr peeled_holder(peeled);
            c->out->push_back({from_git(*git_object_id(peeled)), std::string(full)});
            return 0;
        },
        &ctx);
    if (rc != 0 && rc != GIT_ENOTFOUND) return std::unexpected(last_error(rc, "list tags"));
    std::ranges::sort(index.tags_, [](const TagAt& a, const TagAt& b) {
        return a.commit != b.commit ? a.commit < b.commit : a.name < b.name;
    });
    return index;
}

std::vector<std::string> TagIndex::at(const ObjectId& commit) const {
    std::vector<std::string> out;
    auto it = std::ranges::lower_bound(tags_, commit, {}, &TagAt::commit);
    for (; it != tags_.end() && it->commit == commit; ++it) out.push_back(it->name);
    return out;
}

Result<BranchHistory> read_branch_history(const Repository& repo, const MainHistory& main,
                                          const TagIndex& tags, const Branch& branch, int sample) {
    BranchHistory h;
    std::vector<ObjectId> own;  // newest first
    ObjectId at = branch.tip;
    bool first = true;
    while (true) {
        if (main.contains(at)) {
            h.shares_history = true;
            h.fork = at;
            break;
        }
        auto commit = lookup_commit(repo, at);
        if (!commit) {
            auto err = commit.error();
            err.code = ErrorCode::kCorrupt;
            err.message =
                fmt::format("cannot read the history of branch '{}': {}", branch.name, err.message);
            return std::unexpected(err);
        }
        if (first) h.tip_time = git_commit_time(commit->get());
        first = false;
        unsigned parents = git_commit_parentcount(commit->get());
        if (parents <= 1) own.push_back(at);
        for (auto& name : tags.at(at)) h.tags.push_back(name);
        if (parents == 0) break;  // a root: the line never met the main branch
        at = from_git(*git_commit_parent_id(commit->get(), 0));
    }
    if (first)
        if (auto t = commit_time(repo, branch.tip)) h.tip_time = *t;
    h.own_commits = static_cast<int64_t>(own.size());
    // Spread along the whole line: the newest commits of a branch may pick main commits the
    // repository does not have yet (a mirror whose main branch stopped earlier).
    size_t n = own.size(), k = std::min<size_t>(n, static_cast<size_t>(std::max(0, sample)));
    for (size_t i = 0; i < k; ++i) {
        auto commit = lookup_commit(repo, own[i * n / k]);
        if (!commit) continue;
        const char* message = git_commit_message(commit->get());
        ++h.sampled;
        auto markers = find_backport_markers(message ? message : "");
        if (markers.empty()) continue;
        ++h.marked;
        for (auto& m : markers) {
            auto named = commit_named(repo, m.id);
            if (named && main.contains(*named)) {
                ++h.backports;
                break;
            }
        }
    }
    return h;
}

Result<int64_t> commit_time(const Repository& repo, const ObjectId& commit) {
    auto c = lookup_commit(repo, commit);
    if (!c) return std::unexpected(c.error());
    return static_cast<int64_t>(git_commit_time(c->get()));
}

}  // namespace stablepick::git
