#include "stablepick/review/patch_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "stablepick/ingest/mail.hpp"
#include "stablepick/store/commit_reads.hpp"
#include "stablepick/util/compress.hpp"

namespace stablepick::review {
namespace {

// An id for a patch that has none, made from its text: 40 hex digits no commit of a real
// history has (it starts with "00000000").
std::string patch_id_for(std::string_view text) {
    size_t h1 = std::hash<std::string_view>{}(text);
    size_t h2 = std::hash<std::string>{}(std::string(text) + "#");
    return fmt::format("00000000{:016x}{:016x}", h1, h2);
}

}  // namespace

Result<PatchReview> review_patch(Store& store, const Config& config, std::string_view mail,
                                 size_t precedents) {
    Commit commit = commit_from_patch(mail, config.trailers);
    if (commit.diff.empty() || commit.subject.empty())
        return fail(ErrorCode::kInvalidInput, "the mail holds no patch (a subject and a diff)");
    if (commit.id.empty()) commit.id = patch_id_for(mail);
    if (commit.commit_time == 0) commit.commit_time = commit.author_time;
    PatchReview out;
    out.tagged_stable = std::ranges::any_of(
        commit.trailers, [](const Trailer& t) { return t.kind == Trailer::Kind::kCcStable; });

    if (auto b = store.begin(); !b) return std::unexpected(b.error());
    auto reviewed = [&]() -> Result<ReviewRun> {
        auto known = store.commit_row(commit.id);
        if (!known) return std::unexpected(known.error());
        if (!*known) {  // a patch already committed is reviewed as it is stored
            auto row = store.insert_commit(commit, util::zstd_compress(commit.diff));
            if (!row) return std::unexpected(row.error());
            auto main = store.ensure_branch(store::main_branch_name(store), BranchKind::kMain);
            if (!main) return std::unexpected(main.error());
            if (auto a = store.add_to_branch(*main, *row); !a) return std::unexpected(a.error());
        }
        Question question = backport_question(config);
        question.recorded = false;
        ReviewOptions options;
        options.precedents = precedents;
        return review_commits(store, nullptr, config, {commit.id}, question, options);
    }();
    store.rollback();
    if (!reviewed) return std::unexpected(reviewed.error());
    if (reviewed->reviews.empty()) return fail(ErrorCode::kInternal, "the patch was not reviewed");
    out.review = std::move(reviewed->reviews.front());
    out.run = std::move(*reviewed);
    out.run.reviews.clear();
    return out;
}

}  // namespace stablepick::review
