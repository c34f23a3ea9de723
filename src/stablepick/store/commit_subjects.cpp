#include "stablepick/store/commit_subjects.hpp"

#include "stablepick/store/sql.hpp"

namespace stablepick {
using store::connection_of;
namespace {

Result<std::vector<CommitSubject>> collect(std::expected<store::Statement, SqlError> q) {
    if (!q) return std::unexpected(Store::error(q.error(), "read commits"));
    std::vector<CommitSubject> out;
    while (true) {
        auto row = q->step();
        if (!row) return std::unexpected(Store::error(row.error(), "read commits"));
        if (!*row) break;
        out.push_back({q->text(0), q->text(1), q->int64(2)});
    }
    return out;
}

}  // namespace

Result<std::optional<CommitSubject>> commit_subject_of(Store& store, int64_t row) {
    auto q =
        connection_of(store).prepare("SELECT sha, subject, commit_time FROM commits WHERE id = ?");
    if (q) q->bind(1, row);
    auto found = collect(std::move(q));
    if (!found) return std::unexpected(found.error());
    if (found->empty()) return std::nullopt;
    return found->front();
}

Result<std::vector<CommitSubject>> commits_with_id_prefix(Store& store, std::string_view prefix) {
    auto q = connection_of(store).prepare(
        "SELECT sha, subject, commit_time FROM commits WHERE sha >= ?1 AND sha < ?1 || 'g' "
        "ORDER BY commit_time DESC LIMIT 200");
    if (q) q->bind(1, prefix);
    return collect(std::move(q));
}

Result<std::vector<CommitSubject>> commits_with_subject(Store& store, std::string_view subject) {
    auto q = connection_of(store).prepare(
        "SELECT sha, subject, commit_time FROM commits WHERE subject = ? "
        "ORDER BY commit_time DESC LIMIT 200");
    if (q) q->bind(1, subject);
    return collect(std::move(q));
}

Result<std::vector<CommitSubject>> commits_with_subject_prefix(Store& store,
                                                               std::string_view prefix) {
    // Two statements: "?1 = '' OR ..." would keep SQLite from using the index at all.
    auto q = prefix.empty()
                 ? connection_of(store).prepare(
                       "SELECT sha, subject, commit_time FROM commits ORDER BY commit_time DESC")
                 : connection_of(store).prepare(
                       "SELECT sha, subject, commit_time FROM commits WHERE subject >= ?1 "
                       "AND subject < ?2 ORDER BY commit_time DESC");
    // The last code point (U+10FFFF, in UTF-8) after the prefix sorts after every subject
    // that starts with it.
    if (q && !prefix.empty()) q->bind(1, prefix).bind(2, std::string(prefix) + "\xF4\x8F\xBF\xBF");
    return collect(std::move(q));
}

}  // namespace stablepick
