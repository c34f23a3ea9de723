#include "stablepick/store/commit_reads.hpp"

#include <fmt/format.h>

#include "stablepick/store/rows.hpp"
#include "stablepick/store/sql.hpp"

namespace stablepick::store {
namespace {

Result<std::string> one_text(Store& store, std::string_view sql, int64_t row,
                             std::string_view doing) {
    std::optional<std::string> out;
    auto st = for_each_row(connection_of(store), sql, std::vector<int64_t>{row}, doing,
                           [&](Statement& q) { out = q.text(0); });
    if (!st) return std::unexpected(st.error());
    if (!out) return fail(ErrorCode::kNotFound, fmt::format("no stored commit with row {}", row));
    return *out;
}

}  // namespace

std::string main_branch_name(Store& store) {
    auto names =
        texts(connection_of(store), "SELECT name FROM branches WHERE kind = 'main' LIMIT 1",
              std::vector<std::string>{}, "read branches");
    return names && !names->empty() ? names->front() : "HEAD";
}

Result<std::string> author_of(Store& store, int64_t row) {
    return one_text(store,
                    "SELECT author_name || ' <' || author_email || '>' FROM commits WHERE id = ?",
                    row, "read the commit's author");
}

Result<std::string> body_of(Store& store, int64_t row) {
    return one_text(store, "SELECT body FROM commits WHERE id = ?", row, "read the commit");
}

Result<std::optional<CommitText>> commit_text_of(Store& store, int64_t row, bool with_diff) {
    std::optional<CommitText> out;
    auto st = for_each_row(connection_of(store),
                           "SELECT body, diff, author_name, author_email FROM commits WHERE id = ?",
                           std::vector<int64_t>{row}, "read commits", [&](Statement& q) {
                               out = CommitText{q.text(0), q.text(2), q.text(3), std::nullopt};
                               if (with_diff && !q.is_null(1))
                                   out->compressed_diff = std::string(q.blob(1));
                           });
    if (!st) return std::unexpected(st.error());
    return out;
}

Result<std::vector<std::string>> main_reverts_of(Store& store, const std::string& id) {
    return texts(connection_of(store),
                 "SELECT c.sha FROM commits c WHERE c.revert_of = ? AND c.is_revert = 1 AND "
                 "EXISTS(SELECT 1 FROM main_branch_commits m WHERE m.commit_id = c.id) "
                 "ORDER BY c.commit_time",
                 std::vector<std::string>{id}, "read reverts");
}

Result<std::string> main_commit_of_backport(Store& store, const std::string& stable_id) {
    auto ids =
        texts(connection_of(store), "SELECT main_sha FROM backports WHERE stable_sha = ? LIMIT 1",
              std::vector<std::string>{stable_id}, "read backport labels");
    if (!ids) return std::unexpected(ids.error());
    return ids->empty() ? std::string() : ids->front();
}

Result<std::vector<std::string>> backport_branches_of(Store& store, const std::string& id) {
    return texts(connection_of(store),
                 "SELECT DISTINCT branch FROM backports WHERE main_sha = ? ORDER BY branch",
                 std::vector<std::string>{id}, "read backport labels");
}

Result<std::vector<std::string>> main_commits_with_prefix(Store& store, const std::string& prefix,
                                                          size_t limit) {
    auto q = connection_of(store).prepare(
        "SELECT DISTINCT c.sha FROM commits c JOIN main_branch_commits m ON m.commit_id = c.id "
        "WHERE c.sha >= ?1 AND c.sha < ?1 || 'g' ORDER BY c.sha LIMIT ?2");
    if (!q) return std::unexpected(Store::error(q.error(), "read commits"));
    q->bind(1, prefix).bind(2, static_cast<int64_t>(limit));
    std::vector<std::string> found;
    while (true) {
        auto row = q->step();
        if (!row) return std::unexpected(Store::error(row.error(), "read commits"));
        if (!*row) return found;
        found.push_back(q->text(0));
    }
}

Result<std::vector<std::string>> commits_with_prefix(Store& store, const std::string& prefix,
                                                     size_t limit) {
    std::vector<std::string> found;
    auto q = connection_of(store).prepare(
        "SELECT sha FROM commits WHERE sha >= ?1 AND sha < ?1 || 'g' LIMIT ?2");
    if (!q) return std::unexpected(Store::error(q.error(), "read commits"));
    q->bind(1, prefix).bind(2, static_cast<int64_t>(limit));
    while (true) {
        auto row = q->step();
        if (!row) return std::unexpected(Store::error(row.error(), "read commits"));
        if (!*row) return found;
        found.push_back(q->text(0));
    }
}

Result<bool> is_stable_branch(Store& store, const std::string& name) {
    auto names =
        texts(connection_of(store), "SELECT name FROM branches WHERE name = ? AND kind = 'stable'",
              std::vector<std::string>{name}, "read branches");
    if (!names) return std::unexpected(names.error());
    return !names->empty();
}

Result<std::vector<std::string>> cves_fixed_by(Store& store, const std::string& id) {
    return texts(connection_of(store),
                 "SELECT x.cve FROM cves x LEFT JOIN cve_status s ON s.cve = x.cve WHERE "
                 "x.fix_sha = ? AND COALESCE(s.status, 'published') <> 'rejected' ORDER BY x.cve",
                 std::vector<std::string>{id}, "read CVEs");
}

}  // namespace stablepick::store
