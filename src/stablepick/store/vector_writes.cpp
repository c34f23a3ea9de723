#include "stablepick/store/vector_writes.hpp"

#include "stablepick/store/sql.hpp"

namespace stablepick::store {

Status add_server_model(Store& store, const std::string& model, int dimension) {
    auto q =
        connection_of(store).prepare("INSERT OR IGNORE INTO models VALUES(?, 'openai', 0, ?, x'')");
    if (!q) return std::unexpected(Store::error(q.error(), "store the model"));
    q->bind(1, model).bind(2, dimension);
    if (auto r = q->run(); !r) return std::unexpected(Store::error(r.error(), "store the model"));
    return {};
}

Status put_vectors(Store& store, const std::string& model, std::span<const int64_t> rows,
                   const std::vector<std::vector<float>>& vectors) {
    if (auto r = store.begin(); !r) return r;
    auto q = connection_of(store).prepare("INSERT OR IGNORE INTO embeddings VALUES(?, ?, ?)");
    if (!q) {
        store.rollback();
        return std::unexpected(Store::error(q.error(), "store embeddings"));
    }
    for (size_t i = 0; i < vectors.size(); ++i) {
        std::string_view bytes(reinterpret_cast<const char*>(vectors[i].data()),
                               vectors[i].size() * sizeof(float));
        q->bind(1, model).bind(2, rows[i]).bind_blob(3, bytes);
        if (auto r = q->run(); !r) {
            store.rollback();
            return std::unexpected(Store::error(r.error(), "store embeddings"));
        }
    }
    return store.commit();
}

}  // namespace stablepick::store
