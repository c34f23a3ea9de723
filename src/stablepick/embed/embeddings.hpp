#pragma once
// Embeddings in the store: the text of a stored commit, the builtin model, and one cached
// vector per (model, commit), so no commit is embedded twice.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/core/commit.hpp"
#include "stablepick/embed/builtin_model.hpp"
#include "stablepick/store/store.hpp"
#include "stablepick/text/features.hpp"
#include "stablepick/text/tag_strip.hpp"

namespace stablepick {

// What similarity reads of a stored commit (diff decompressed).
Result<CommitText> load_commit_text(Store& store, int64_t commit_row);
CommitText commit_text_of(const Commit& commit);

// The model `index` and `similar` use: the one named by meta "embed_model".
// kNotFound when none has been fitted yet.
Result<BuiltinModel> load_current_model(Store& store);

// Stored non-merge main-branch commits made before `before` (all when nullopt), by row.
Result<std::vector<int64_t>> main_commit_rows(Store& store,
                                              std::optional<int64_t> before = std::nullopt);

// The terms of stored commits, read in parallel; with `strip`, of their text without the tag.
Result<std::vector<std::vector<Term>>> terms_of(Store& store, const std::vector<int64_t>& rows,
                                                const TagStrip* strip = nullptr);

// Fits a model on main_commit_rows(before), stores it and makes it current; with
// `drop_vectors`, its old vectors go in the same transaction (a refit of the same history gives
// the same id, and a refit is asked for because the old vectors are not trusted).
// REQUIRES: a store opened for writing.
Result<BuiltinModel> fit_and_store_model(Store& store, const BuiltinFitOptions& options,
                                         std::optional<int64_t> before = std::nullopt,
                                         bool drop_vectors = false);

// Whether the stored vectors of `model` are whole. kNotFound when an embed run stopped before
// it finished (after a refit, or the first embed): a search would answer from part of the
// history. A note (else empty) when only commits stored since the last embed lack one. Stores
// written before this was recorded count as whole.
Result<std::string> check_vectors(Store& store, const std::string& model);

struct EmbedReport {
    int64_t embedded = 0;  // new vectors
    int64_t cached = 0;    // already in the store
};

// Embeds every stored commit that has no vector for `model` yet, in checkpointed batches.
Result<EmbedReport> embed_missing(Store& store, const BuiltinModel& model, bool quiet);

std::string vector_to_blob(const std::vector<float>& v);
std::vector<float> blob_to_vector(std::string_view blob);

}  // namespace stablepick
