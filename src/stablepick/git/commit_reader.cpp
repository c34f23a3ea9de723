#include "stablepick/git/commit_reader.hpp"

#include <fmt/format.h>
#include <strings.h>

#include "stablepick/git/libgit2.hpp"
#include "stablepick/text/diff_parse.hpp"
#include "stablepick/text/message.hpp"
#include "stablepick/util/compress.hpp"

namespace stablepick::git {
namespace {

int print_to_string(const git_diff_delta*, const git_diff_hunk*, const git_diff_line* line,
                    void* payload) {
    auto* out = static_cast<std::string*>(payload);
    if (line->origin == GIT_DIFF_LINE_CONTEXT || line->origin == GIT_DIFF_LINE_ADDITION ||
        line->origin == GIT_DIFF_LINE_DELETION)
        out->push_back(line->origin);
    out->append(line->content, line->content_len);
    return 0;
}

}  // namespace

Result<ReadCommit> CommitReader::read(const ObjectId& oid) {
    std::vector<Result<ReadCommit>> out(1,
                                        Result<ReadCommit>(fail(ErrorCode::kInternal, "not read")));
    read_all(std::span<const ObjectId>(&oid, 1), out);
    return std::move(out[0]);
}

void CommitReader::read_all(std::span<const ObjectId> oids, std::span<Result<ReadCommit>> out) {
    bool use_git = config_.index.diff_reader == "git";
    size_t queued = 0;
    for (size_t i = 0; i < oids.size(); ++i) {
        std::optional<std::string> patch;
        if (use_git && git_.available()) {
            while (queued < oids.size() && git_.pending() < GitPatchStream::kWindow)
                git_.queue(to_hex(oids[queued++]));
            patch = git_.next();
        }
        out[i] = read_with(oids[i], use_git ? &patch : nullptr);
    }
}

Result<ReadCommit> CommitReader::read_with(const ObjectId& oid,
                                           const std::optional<std::string>* patch) {
    auto commit = lookup_commit(repo_, oid);
    if (!commit) return std::unexpected(commit.error());
    git_commit* c = commit->get();
    ReadCommit out;
    Commit& rec = out.commit;
    rec.id = to_hex(oid);
    const git_signature* author = git_commit_author(c);
    const git_signature* committer = git_commit_committer(c);
    rec.author_name = to_valid_utf8(author->name ? author->name : "");
    rec.author_email = to_valid_utf8(author->email ? author->email : "");
    rec.author_time = author->when.time;
    rec.committer_name = to_valid_utf8(committer->name ? committer->name : "");
    rec.committer_email = to_valid_utf8(committer->email ? committer->email : "");
    rec.commit_time = committer->when.time;
    rec.parent_count = static_cast<int>(git_commit_parentcount(c));
    const char* message = git_commit_message_raw(c);
    std::string raw_message = message ? message : "";
    // git writes an "encoding" header when a message is not UTF-8; honour the common one.
    if (const char* enc = git_commit_message_encoding(c);
        enc && (strcasecmp(enc, "ISO-8859-1") == 0 || strcasecmp(enc, "latin1") == 0 ||
                strcasecmp(enc, "latin-1") == 0 || strcasecmp(enc, "ISO8859-1") == 0))
        raw_message = latin1_to_utf8(raw_message);
    parse_message(raw_message, config_.trailers, rec);
    if (rec.parent_count > 1) return out;
    if (patch && *patch) {
        finish_diff(**patch, {}, out);
        return out;
    }

    git_tree* tree_raw = nullptr;
    int rc = git_commit_tree(&tree_raw, c);
    if (rc != 0)
        return std::unexpected(last_error(rc, fmt::format("read the tree of commit '{}'", rec.id)));
    TreePtr tree(tree_raw);
    TreePtr parent_tree;
    if (rec.parent_count == 1) {
        git_commit* parent = nullptr;
        rc = git_commit_parent(&parent, c, 0);
        if (rc != 0)
            return std::unexpected(
                last_error(rc, fmt::format("read the parent of commit '{}'", rec.id)));
        CommitPtr parent_holder(parent);
        git_tree* pt = nullptr;
        rc = git_commit_tree(&pt, parent);
        if (rc != 0)
            return std::unexpected(
                last_error(rc, fmt::format("read the parent tree of commit '{}'", rec.id)));
        parent_tree.reset(pt);
    }
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    opts.context_lines = 3;
    git_diff* diff_raw = nullptr;
    rc = git_diff_tree_to_tree(&diff_raw, repo_.get(), parent_tree.get(), tree.get(), &opts);
    if (rc != 0) return std::unexpected(last_error(rc, fmt::format("diff commit '{}'", rec.id)));
    DiffPtr diff(diff_raw);

    // Patch text file by file: a blob that cannot be read costs that file's diff only.
    std::string text;
    std::vector<FileChange> skipped_files;
    size_t n = git_diff_num_deltas(diff.get());
    for (size_t i = 0; i < n; ++i) {
        git_patch* patch_raw = nullptr;
        rc = git_patch_from_diff(&patch_raw, diff.get(), i);
        const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
        if (rc != 0) {
            const git_error* e = git_error_last();
            FileChange f;
            f.path = delta->new_file.path ? delta->new_file.path : "";
            f.old_path = delta->old_file.path ? delta->old_file.path : f.path;
            f.status = delta->status == GIT_DELTA_ADDED     ? 'A'
                       : delta->status == GIT_DELTA_DELETED ? 'D'
                                                            : 'M';
            f.skipped = true;
            std::string reason = rc == GIT_ENOTFOUND ? "blob missing" : "blob unreadable";
            if (e && e->message) reason += fmt::format(" ({})", e->message);
            out.skipped.emplace_back(f.path, reason);
            skipped_files.push_back(std::move(f));
            git_error_clear();
            continue;
        }
        PatchPtr patch(patch_raw);
        git_patch_print(patch.get(), print_to_string, &text);
    }
    finish_diff(text, std::move(skipped_files), out);
    return out;
}

void CommitReader::finish_diff(std::string_view text, std::vector<FileChange> skipped_files,
                               ReadCommit& out) const {
    Commit& rec = out.commit;
    ParsedDiff parsed = parse_unified_diff(text);
    rec.files = std::move(parsed.files);
    for (auto& f : skipped_files) rec.files.push_back(std::move(f));
    rec.hunks = std::move(parsed.hunks);
    rec.patch_id = std::move(parsed.patch_id);
    rec.diff_bytes = static_cast<int64_t>(text.size());
    if (static_cast<int64_t>(text.size()) > config_.index.max_diff_bytes) {
        text = text.substr(0, static_cast<size_t>(config_.index.max_diff_bytes));
        // Cut at a line end so the stored diff stays readable.
        if (auto nl = text.rfind('\n'); nl != std::string_view::npos) text = text.substr(0, nl + 1);
        rec.diff_truncated = true;
    }
    rec.diff = to_valid_utf8(text);
    if (!rec.diff.empty()) out.compressed_diff = util::zstd_compress(rec.diff, 1);
}

}  // namespace stablepick::git
