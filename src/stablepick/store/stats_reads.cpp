#include "stablepick/store/stats_reads.hpp"

#include <fmt/format.h>

#include "stablepick/store/rows.hpp"
#include "stablepick/store/sql.hpp"

namespace stablepick::store {
namespace {

constexpr std::string_view kDoing = "read the store";

}  // namespace

Result<std::vector<BranchCount>> branch_counts(Store& store) {
    std::vector<BranchCount> out;
    auto st = for_each_row(
        connection_of(store),
        "SELECT b.name, b.kind, b.tip, COUNT(bc.commit_id) FROM branches b LEFT JOIN "
        "branch_commits bc ON bc.branch_id = b.id GROUP BY b.id ORDER BY b.kind, b.name",
        std::vector<int64_t>{}, kDoing, [&](Statement& q) {
            BranchCount b{q.text(0), q.text(1), std::nullopt, q.int64(3)};
            if (!q.is_null(2)) b.tip = q.text(2);
            out.push_back(std::move(b));
        });
    if (!st) return std::unexpected(st.error());
    return out;
}

Result<std::vector<BranchLabelCount>> label_counts_by_branch(Store& store, int64_t as_of) {
    std::vector<BranchLabelCount> out;
    auto st = for_each_row(
        connection_of(store),
        "SELECT branch, method, COUNT(DISTINCT stable_sha), COUNT(DISTINCT main_sha) FROM "
        "backports WHERE stable_time <= ? GROUP BY branch, method",
        std::vector<int64_t>{as_of}, kDoing, [&](Statement& q) {
            out.push_back({q.text(0), q.text(1), q.int64(2), q.int64(3)});
        });
    if (!st) return std::unexpected(st.error());
    return out;
}

Result<std::vector<MethodLabelCount>> label_counts_by_method(Store& store, int64_t as_of) {
    std::vector<MethodLabelCount> out;
    auto st = for_each_row(connection_of(store),
                           "SELECT method, COUNT(DISTINCT main_sha), COUNT(*) FROM backports "
                           "WHERE stable_time <= ? GROUP BY method",
                           std::vector<int64_t>{as_of}, kDoing, [&](Statement& q) {
                               out.push_back({q.text(0), q.int64(1), q.int64(2)});
                           });
    if (!st) return std::unexpected(st.error());
    return out;
}

Result<BackportedCount> backported_count(Store& store, int64_t as_of) {
    BackportedCount out;
    auto st = for_each_row(
        connection_of(store),
        "SELECT COUNT(DISTINCT main_sha), COUNT(DISTINCT CASE WHEN method = 'patch-id' AND "
        "main_sha NOT IN (SELECT main_sha FROM backports WHERE method != 'patch-id' AND "
        "stable_time <= ?) THEN main_sha END) FROM backports WHERE stable_time <= ?",
        std::vector<int64_t>{as_of, as_of}, kDoing, [&](Statement& q) {
            out = {q.int64(0), q.int64(1)};
        });
    if (!st) return std::unexpected(st.error());
    return out;
}

Result<std::vector<YearCount>> main_commits_by_year(Store& store, int64_t as_of) {
    std::vector<YearCount> out;
    auto& db = connection_of(store);
    auto st = for_each_row(
        db,
        fmt::format("SELECT {} AS y, COUNT(*), SUM(CASE WHEN EXISTS(SELECT 1 FROM backports l "
                    "WHERE l.main_sha = c.sha AND l.stable_time <= ?) THEN 1 ELSE 0 END) FROM "
                    "commits c WHERE c.commit_time <= ? AND EXISTS(SELECT 1 FROM "
                    "main_branch_commits m WHERE m.commit_id = c.id) GROUP BY y ORDER BY y",
                    db.utc_year("c.commit_time")),
        std::vector<int64_t>{as_of, as_of}, kDoing, [&](Statement& q) {
            out.push_back({q.text(0), q.int64(1), q.int64(2)});
        });
    if (!st) return std::unexpected(st.error());
    return out;
}

Result<SkipCounts> skip_counts(Store& store, int64_t top) {
    SkipCounts out;
    auto st =
        for_each_row(connection_of(store), "SELECT COUNT(DISTINCT commit_id), COUNT(*) FROM skips",
                     std::vector<int64_t>{}, kDoing, [&](Statement& q) {
                         out.commits = q.int64(0);
                         out.files = q.int64(1);
                     });
    if (!st) return std::unexpected(st.error());
    st = for_each_row(
        connection_of(store),
        "SELECT path, COUNT(*) FROM skips GROUP BY path ORDER BY COUNT(*) DESC, path LIMIT ?",
        std::vector<int64_t>{top}, kDoing, [&](Statement& q) {
            out.paths.push_back({q.text(0), q.int64(1)});
        });
    if (!st) return std::unexpected(st.error());
    return out;
}

Result<CommitCount> commit_count(Store& store) {
    CommitCount out;
    auto st =
        for_each_row(connection_of(store), "SELECT COUNT(*), SUM(diff_truncated) FROM commits",
                     std::vector<int64_t>{}, kDoing, [&](Statement& q) {
                         out = {q.int64(0), q.int64(1)};
                     });
    if (!st) return std::unexpected(st.error());
    return out;
}

Result<std::vector<LabelRow>> labels_matching(Store& store, const LabelFilter& filter) {
    auto q = connection_of(store).prepare(
        "SELECT b.main_sha, b.branch, b.stable_sha, b.stable_time, b.method, b.release, "
        "COALESCE(m.subject, ''), COALESCE(s.subject, '') FROM backports b "
        "LEFT JOIN commits m ON m.sha = b.main_sha LEFT JOIN commits s ON s.sha = b.stable_sha "
        "WHERE b.stable_time <= ?1 AND b.main_sha >= ?2 AND b.main_sha < ?2 || 'g' "
        "AND (?3 = '' OR b.branch = ?3) AND (?4 = '' OR b.method = ?4) "
        "AND (?5 = 0 OR (s.subject IS NOT NULL AND (m.subject IS NULL OR m.subject <> s.subject))) "
        "ORDER BY b.main_sha, b.stable_time, b.branch");
    if (!q) return std::unexpected(Store::error(q.error(), "read labels"));
    q->bind(1, filter.as_of).bind(2, filter.prefix).bind(3, filter.branch).bind(4, filter.method);
    q->bind(5, filter.subjects_differ ? 1 : 0);
    std::vector<LabelRow> out;
    while (true) {
        auto row = q->step();
        if (!row) return std::unexpected(Store::error(row.error(), "read labels"));
        if (!*row) return out;
        LabelRow r;
        r.label = {q->text(0), q->text(1), q->text(2), q->int64(3), q->text(4), q->text(5)};
        r.main_subject = q->text(6);
        r.stable_subject = q->text(7);
        out.push_back(std::move(r));
    }
}

}  // namespace stablepick::store
