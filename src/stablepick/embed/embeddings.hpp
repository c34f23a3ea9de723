#pragma once
// Embeddings in the store: the text of a stored commit, the builtin model, which embedder is
// current, and one cached vector per (embedder id, commit), so no commit is embedded twice.
//
// The current embedder is named by URL in meta "embedder" ("builtin:" when unset, as in stores
// written before it was recorded); the builtin one's model is meta "embed_model". An embedder
// becomes current when every stored commit has its vector (embed_missing), never halfway.
//
// Same thread rules as Store: the Store belongs to the calling thread.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/core/commit.hpp"
#include "stablepick/core/config.hpp"
#include "stablepick/embed/builtin_model.hpp"
#include "stablepick/embed/embedder.hpp"
#include "stablepick/store/store.hpp"
#include "stablepick/text/features.hpp"
#include "stablepick/text/tag_strip.hpp"

namespace stablepick {

// What similarity reads of a stored commit (diff decompressed).
Result<CommitText> load_commit_text(Store& store, int64_t commit_row);
CommitText commit_text_of(const Commit& commit);

// The builtin model: the one named by meta "embed_model". kNotFound when none has been fitted
// yet.
Result<BuiltinModel> load_current_model(Store& store);

// The URL of the store's current embedder: "builtin:" or "openai://host[:port]/model".
Result<std::string> current_embedder_url(Store& store);

// The embedder `url` names, for this store: builtin: is the builtin model (kNotFound when none
// has been fitted yet); openai://… a client with `config`'s limits, the key from the variable
// config.api_key_env names (else `key_env`, else none; named but unset, its first request fails
// with kNotFound naming the variable), and the vector size the store already holds for it.
// kInvalidInput for a URL the table of schemes refuses as an embedder.
Result<std::unique_ptr<Embedder>> open_embedder(Store& store, const std::string& url,
                                                const EmbedConfig& config,
                                                const std::string& key_env = "");

// The store's current embedder (open_embedder of current_embedder_url, with the key variable
// recorded when it was chosen).
Result<std::unique_ptr<Embedder>> open_current_embedder(Store& store, const EmbedConfig& config);

// The texts of stored commits, read in parallel; with `strip`, without the tag.
Result<std::vector<CommitText>> texts_of(Store& store, const std::vector<int64_t>& rows,
                                         const TagStrip* strip = nullptr);

// Stored non-merge main-branch commits made before `before` (all when nullopt), by row.
Result<std::vector<int64_t>> main_commit_rows(Store& store,
                                              std::optional<int64_t> before = std::nullopt);

// The terms of stored commits, read in parallel; with `strip`, of their text without the tag.
Result<std::vector<std::vector<Term>>> terms_of(Store& store, const std::vector<int64_t>& rows,
                                                const TagStrip* strip = nullptr);

// Fits a model on main_commit_rows(before), stores it and makes it the builtin model; with
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
    int64_t embedded = 0;       // new vectors
    int64_t cached = 0;         // already in the store
    bool made_current = false;  // the embedder was not the current one before
};

struct EmbedMissingOptions {
    bool quiet = false;
    // The name of the environment variable holding the key, recorded with the embedder when
    // it becomes current (or when given); never the key.
    std::string api_key_env;
};

// Embeds, through `embedder`, every stored commit that has no vector of it yet, storing each
// part as it is finished (a server that fails midway keeps what it finished). When all are
// there, `embedder` becomes the store's current embedder. REQUIRES: a store opened for writing.
Result<EmbedReport> embed_missing(Store& store, Embedder& embedder,
                                  const EmbedMissingOptions& options);

// Forgets every stored vector of `embedder` (to embed every commit anew); when it is current,
// its vectors count as incomplete until the next embed_missing. REQUIRES: a store opened for
// writing.
Status drop_embedder_vectors(Store& store, const Embedder& embedder);

std::string vector_to_blob(const std::vector<float>& v);
std::vector<float> blob_to_vector(std::string_view blob);

}  // namespace stablepick
