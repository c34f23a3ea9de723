#include "stablepick/store/model_tables.hpp"

#include <fmt/format.h>

#include "stablepick/store/rows.hpp"
#include "stablepick/store/sql.hpp"

namespace stablepick::store {
namespace {

// The one value of a query that returns one integer.
Result<int64_t> single_int(Store& store, std::string_view sql, int64_t arg,
                           std::string_view doing) {
    int64_t value = 0;
    std::vector<int64_t> args;
    if (sql.find('?') != std::string_view::npos) args.push_back(arg);
    auto st = for_each_row(connection_of(store), sql, args, doing,
                           [&](Statement& q) { value = q.is_null(0) ? 0 : q.int64(0); });
    if (!st) return std::unexpected(st.error());
    return value;
}

}  // namespace

Result<std::optional<std::string>> model_blob(Store& store, const std::string& id) {
    std::optional<std::string> blob;
    auto st = for_each_row(connection_of(store), "SELECT blob FROM models WHERE id = ?",
                           std::vector<std::string>{id}, "read models",
                           [&](Statement& q) { blob = std::string(q.blob(0)); });
    if (!st) return std::unexpected(st.error());
    return blob;
}

Status put_model(Store& store, const ModelRow& model) {
    auto q = connection_of(store).prepare(
        "INSERT INTO models(id, kind, trained_on, dimension, blob) VALUES(?, ?, ?, ?, ?) ON "
        "CONFLICT(id) DO UPDATE SET kind = excluded.kind, trained_on = excluded.trained_on, "
        "dimension = excluded.dimension, blob = excluded.blob");
    if (!q) return std::unexpected(Store::error(q.error(), "store the model"));
    q->bind(1, model.id).bind(2, model.kind).bind(3, model.trained_on).bind(4, model.dimension);
    q->bind_blob(5, model.blob);
    if (auto r = q->run(); !r) return std::unexpected(Store::error(r.error(), "store the model"));
    return {};
}

Status drop_vectors(Store& store, const std::string& model) {
    auto q = connection_of(store).prepare("DELETE FROM embeddings WHERE model = ?");
    if (!q) return std::unexpected(Store::error(q.error(), "drop embeddings"));
    q->bind(1, model);
    if (auto r = q->run(); !r) return std::unexpected(Store::error(r.error(), "drop embeddings"));
    return {};
}

Result<std::vector<int64_t>> main_commit_rows_before(Store& store, int64_t before) {
    std::vector<int64_t> rows;
    auto st =
        for_each_row(connection_of(store),
                     R"(SELECT c.id FROM commits c WHERE c.parent_count <= 1 AND c.commit_time < ?
        AND EXISTS(SELECT 1 FROM main_branch_commits m WHERE m.commit_id = c.id) ORDER BY c.id)",
                     std::vector<int64_t>{before}, "read commits",
                     [&](Statement& q) { rows.push_back(q.int64(0)); });
    if (!st) return std::unexpected(st.error());
    return rows;
}

Result<int64_t> newest_commit_row(Store& store) {
    return single_int(store, "SELECT MAX(id) FROM commits WHERE parent_count <= 1", 0,
                      "read commits");
}

Result<int64_t> commits_stored_after(Store& store, int64_t row) {
    return single_int(store, "SELECT COUNT(*) FROM commits WHERE id > ? AND parent_count <= 1", row,
                      "read commits");
}

Result<StoredCommitText> stored_commit_text(Store& store, int64_t row) {
    StoredCommitText t;
    bool found = false;
    std::vector<int64_t> args{row};
    auto st =
        for_each_row(connection_of(store), "SELECT subject, body, diff FROM commits WHERE id = ?",
                     args, "read commits", [&](Statement& q) {
                         found = true;
                         t.subject = q.text(0);
                         t.body = q.text(1);
                         if (!q.is_null(2)) t.compressed_diff = std::string(q.blob(2));
                     });
    if (!st) return std::unexpected(st.error());
    if (!found) return fail(ErrorCode::kNotFound, fmt::format("no stored commit with row {}", row));
    st = for_each_row(connection_of(store),
                      "SELECT path FROM files WHERE commit_id = ? ORDER BY seq", args, "read files",
                      [&](Statement& q) { t.paths.push_back(q.text(0)); });
    if (!st) return std::unexpected(st.error());
    st = for_each_row(connection_of(store),
                      "SELECT header FROM hunks WHERE commit_id = ? ORDER BY seq", args,
                      "read hunks", [&](Statement& q) { t.hunk_headers.push_back(q.text(0)); });
    if (!st) return std::unexpected(st.error());
    return t;
}

}  // namespace stablepick::store
