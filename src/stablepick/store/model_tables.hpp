#pragma once
// The models table (the builtin embedding models and the voters' models, each a blob), the
// builtin model's own writes to the embeddings table, and the parts of a stored commit that
// similarity reads. Vectors of an embedding server go through store/vector_writes.
//
// Same thread rules as Store: the Store belongs to the calling thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/store/store.hpp"

namespace stablepick::store {

struct ModelRow {
    std::string id;
    std::string kind;        // "builtin", "offline-voters", "cve-voters", "openai"
    int64_t trained_on = 0;  // commits it was fitted on
    int dimension = 0;       // of the vectors it makes or reads
    std::string blob;
};

// The blob of model `id`; nullopt when the store has no such model.
Result<std::optional<std::string>> model_blob(Store& store, const std::string& id);
// Stores `model`, replacing one with the same id.
Status put_model(Store& store, const ModelRow& model);
// Forgets every vector of `model`.
Status drop_vectors(Store& store, const std::string& model);

// Stored non-merge main-branch commits made before `before`, by row.
Result<std::vector<int64_t>> main_commit_rows_before(Store& store, int64_t before);
// The newest row of a stored non-merge commit (0 when there is none), and how many non-merge
// commits were stored after row `row`.
Result<int64_t> newest_commit_row(Store& store);
Result<int64_t> commits_stored_after(Store& store, int64_t row);

// What similarity reads of a stored commit: subject and body, the diff as stored (compressed;
// nullopt when it has none), and its files' paths and hunk headers in order. kNotFound when no
// commit has that row.
struct StoredCommitText {
    std::string subject, body;
    std::optional<std::string> compressed_diff;
    std::vector<std::string> paths, hunk_headers;
};
Result<StoredCommitText> stored_commit_text(Store& store, int64_t row);

}  // namespace stablepick::store
