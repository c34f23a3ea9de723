#include "stablepick/queue/export.hpp"

#include <fmt/format.h>

#include <set>

#include "stablepick/git/commit_patch.hpp"
#include "stablepick/git/range.hpp"
#include "stablepick/stable/target_checks.hpp"
#include "stablepick/store/candidate_records.hpp"
#include "stablepick/util/atomic_file.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick::queue {

std::string patch_slug(const std::string& subject) {
    std::string out;
    for (unsigned char ch : subject) {
        if (std::isalnum(ch))
            out += static_cast<char>(std::tolower(ch));
        else if (!out.empty() && out.back() != '-')
            out += '-';
        if (out.size() >= 64) break;
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out.empty() ? "patch" : out;
}

Result<QueueExport> export_queue(Store& store, const git::Repository& repo, const std::string& tree,
                                 const std::string& signer, const std::string& state) {
    auto kind = store::branch_kind(store, tree);
    if (!kind) return std::unexpected(kind.error());
    if (*kind != BranchKind::kStable)
        return fail(*kind ? ErrorCode::kInvalidInput : ErrorCode::kNotFound,
                    fmt::format("'{}' is not a stable branch the store knows", tree));
    auto commits = store::commits_to_export(store, tree, state);
    if (!commits) return std::unexpected(commits.error());
    QueueExport out;
    out.directory = "queue-" + stable::branch_version(tree);
    out.script = fmt::format(
        "#!/bin/sh\n# The {} queue of {}, in the order the main branch took the commits.\n"
        "# Run it in a work tree of {}.\nset -e\n",
        state, tree, tree);
    std::set<std::string> names;
    for (auto& c : *commits) {
        auto oid = git::from_hex(c.commit);
        if (!oid)
            return fail(ErrorCode::kCorrupt,
                        fmt::format("bad commit id '{}' in the store", c.commit));
        auto patch = git::commit_patch(repo, *oid);
        if (!patch) return std::unexpected(patch.error());
        std::string author = fmt::format("{} <{}>", c.author_name, c.author_email);
        std::string body = c.body;
        while (!body.empty() && body.front() == '\n') body.erase(0, 1);
        while (!body.empty() && body.back() == '\n') body.pop_back();
        std::string name = patch_slug(c.subject);
        for (int n = 2; !names.insert(name).second; ++n)
            name = fmt::format("{}-{}", patch_slug(c.subject), n);
        name += ".patch";
        std::string text = fmt::format(
            "From {} Mon Sep 17 00:00:00 2001\nFrom: {}\nDate: {}\nSubject: {}\n\nFrom: {}\n\n"
            "[ Upstream commit {} ]\n\n{}{}Signed-off-by: {}\n---\n{}\n{}",
            c.commit, author, util::format_rfc2822(c.author_time), c.subject, author, c.commit,
            body, body.empty() ? "" : "\n", signer, patch->stat, patch->patch);
        out.series += name + "\n";
        out.script += fmt::format("git cherry-pick -x {}  # {}\n", c.commit, c.subject);
        out.patches.push_back({c.commit, name, std::move(text)});
    }
    return out;
}

Status write_export(const std::filesystem::path& out, const QueueExport& queue) {
    auto dir = out / queue.directory;
    if (auto st = util::make_directory(out); !st) return st;
    if (auto st = util::make_directory(dir); !st) return st;
    for (auto& p : queue.patches)
        if (auto st = util::write_file_atomically(dir / p.file_name, p.text); !st) return st;
    // The series last: until it is written, quilt sees the earlier queue.
    if (auto st = util::write_file_atomically(dir / "series", queue.series); !st) return st;
    return util::write_file_atomically(out / (queue.directory + ".sh"), queue.script);
}

}  // namespace stablepick::queue
