#include "stablepick/store/reviewer_records.hpp"

#include "stablepick/store/sql.hpp"

namespace stablepick::store {

Status put_reviewer(Store& store, const std::string& name, const std::string& token_hash,
                    int64_t created) {
    auto q = connection_of(store).prepare(
        "INSERT INTO reviewers(name, token_hash, created) VALUES(?, ?, ?) ON CONFLICT(name) DO "
        "UPDATE SET token_hash = excluded.token_hash, created = excluded.created");
    if (!q) return std::unexpected(Store::error(q.error(), "add the reviewer"));
    q->bind(1, name).bind(2, token_hash).bind(3, created);
    if (auto r = q->run(); !r) return std::unexpected(Store::error(r.error(), "add the reviewer"));
    return {};
}

Result<std::optional<std::string>> reviewer_with_token(Store& store,
                                                       const std::string& token_hash) {
    auto q = connection_of(store).prepare("SELECT name FROM reviewers WHERE token_hash = ?");
    if (!q) return std::unexpected(Store::error(q.error(), "read the reviewers"));
    q->bind(1, token_hash);
    auto row = q->step();
    if (!row) return std::unexpected(Store::error(row.error(), "read the reviewers"));
    if (!*row) return std::optional<std::string>{};
    return std::optional<std::string>{q->text(0)};
}

}  // namespace stablepick::store
