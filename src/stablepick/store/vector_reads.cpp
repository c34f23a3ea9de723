#include "stablepick/store/vector_reads.hpp"

#include <fmt/format.h>

#include <cstring>

#include "stablepick/store/rows.hpp"
#include "stablepick/store/sql.hpp"

namespace stablepick::store {
namespace {

Result<std::unordered_set<int64_t>> row_set(Store& store, std::string_view sql,
                                            const std::vector<std::string>& args) {
    std::unordered_set<int64_t> out;
    auto st = for_each_row(connection_of(store), sql, args, "read the store",
                           [&](Statement& q) { out.insert(q.int64(0)); });
    if (!st) return std::unexpected(st.error());
    return out;
}

// The floats of a stored vector into `out`; kCorrupt when it is not `dimension` of them.
Status decode(std::string_view blob, const std::string& model, int dimension,
              std::vector<float>& out) {
    const size_t bytes = static_cast<size_t>(dimension) * sizeof(float);
    if (blob.size() != bytes)
        return fail(ErrorCode::kCorrupt,
                    fmt::format("a stored vector of model '{}' has {} bytes, not {}: run "
                                "'stablepick embed --refit'",
                                model, blob.size(), bytes));
    out.resize(static_cast<size_t>(dimension));
    std::memcpy(out.data(), blob.data(), bytes);
    return {};
}

}  // namespace

Result<std::unordered_set<int64_t>> main_branch_rows(Store& store) {
    return row_set(store, "SELECT commit_id FROM main_branch_commits", {});
}

Result<std::unordered_set<int64_t>> backported_rows(Store& store, const std::string& branch) {
    if (branch.empty())
        return row_set(store, "SELECT c.id FROM commits c JOIN backports b ON b.main_sha = c.sha",
                       {});
    return row_set(
        store,
        "SELECT c.id FROM commits c JOIN backports b ON b.main_sha = c.sha WHERE b.branch = ?",
        {branch});
}

Result<std::vector<int64_t>> commits_changing_before(Store& store, const std::string& path,
                                                     int64_t before, int64_t limit) {
    auto q = connection_of(store).prepare(
        "SELECT f.commit_id FROM files f JOIN commits c ON c.id = f.commit_id WHERE f.path = ? "
        "AND c.commit_time < ? GROUP BY f.commit_id ORDER BY MAX(c.commit_time) DESC LIMIT ?");
    if (!q) return std::unexpected(Store::error(q.error(), "read files"));
    q->bind(1, path).bind(2, before).bind(3, limit);
    std::vector<int64_t> out;
    while (true) {
        auto r = q->step();
        if (!r) return std::unexpected(Store::error(r.error(), "read files"));
        if (!*r) return out;
        out.push_back(q->int64(0));
    }
}

Status for_each_vector(Store& store, const VectorQuery& query,
                       const std::function<void(int64_t row, std::span<const float>)>& each) {
    // Without a cut-off or an exception (the whole history, as review and train read it), the
    // join with commits is left out: it would read every commit row for nothing.
    bool whole = query.before == INT64_MAX && query.except_id.empty();
    auto q = connection_of(store).prepare(
        whole ? "SELECT commit_id, vector FROM embeddings WHERE model = ?"
              : "SELECT e.commit_id, e.vector FROM embeddings e JOIN commits c ON c.id = "
                "e.commit_id WHERE e.model = ? AND c.commit_time < ? AND c.sha != ?");
    if (!q) return std::unexpected(Store::error(q.error(), "read embeddings"));
    q->bind(1, query.model);
    if (!whole) q->bind(2, query.before).bind(3, query.except_id);
    std::vector<float> v;
    while (true) {
        auto r = q->step();
        if (!r) return std::unexpected(Store::error(r.error(), "read embeddings"));
        if (!*r) return {};
        int64_t row = q->int64(0);
        if (query.rows && !query.rows->contains(row)) continue;
        if (auto st = decode(q->blob(1), query.model, query.dimension, v); !st) return st;
        each(row, v);
    }
}

Result<std::vector<RowVector>> vectors_of(Store& store, const std::string& model, int dimension,
                                          const std::vector<int64_t>& rows) {
    auto q = connection_of(store).prepare(
        "SELECT vector FROM embeddings WHERE model = ? AND commit_id = ?");
    if (!q) return std::unexpected(Store::error(q.error(), "read embeddings"));
    std::vector<RowVector> out;
    for (int64_t row : rows) {
        q->bind(1, model).bind(2, row);
        auto r = q->step();
        if (!r) return std::unexpected(Store::error(r.error(), "read embeddings"));
        RowVector v{row, {}};
        if (*r && decode(q->blob(0), model, dimension, v.vector)) out.push_back(std::move(v));
        q->reset();
    }
    return out;
}

Result<VectorCoverage> vector_coverage(Store& store, const std::string& model) {
    VectorCoverage out;
    auto st = for_each_row(
        connection_of(store),
        "SELECT c.id, EXISTS(SELECT 1 FROM embeddings e WHERE e.model = ?1 AND e.commit_id = "
        "c.id) FROM commits c WHERE c.parent_count <= 1 ORDER BY c.id",
        std::vector<std::string>{model}, "read commits", [&](Statement& q) {
            if (q.int64(1))
                ++out.with_vector;
            else
                out.missing.push_back(q.int64(0));
        });
    if (!st) return std::unexpected(st.error());
    return out;
}

Result<std::optional<int>> model_dimension(Store& store, const std::string& model) {
    std::optional<int> out;
    auto st = for_each_row(connection_of(store), "SELECT dimension FROM models WHERE id = ?",
                           std::vector<std::string>{model}, "read the embedding model",
                           [&](Statement& q) { out = static_cast<int>(q.int64(0)); });
    if (!st) return std::unexpected(st.error());
    return out;
}

}  // namespace stablepick::store
