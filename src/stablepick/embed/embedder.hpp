#pragma once
// Embedders: each turns commits' texts into unit vectors, one per commit, that the nearest-
// neighbour search (index/), the precedents and the learned model compare. Two backends, chosen
// by URL through core/url_scheme.hpp: the builtin model learned from the repository
// (builtin_embedder.hpp, `builtin:`) and an OpenAI-compatible /v1/embeddings server
// (openai_embedder.hpp, `openai://host[:port]/model`). The store records which one is current
// and caches every vector under the embedder's id (embeddings.hpp), so vectors of two
// embedders are never compared.
//
// Thread safety: id(), url() and dimension() are const and may be called from any thread;
// embed() is called from one thread at a time (an implementation may run workers of its own).
// Ownership: an embedder owns its model or its client options and holds no Store; callers own
// it through a unique_ptr (open_current_embedder) or by value.
// A failing embedder returns an error; it never throws.
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "stablepick/core/error.hpp"
#include "stablepick/text/features.hpp"

namespace stablepick {

class Embedder {
  public:
    virtual ~Embedder() = default;

    // What its vectors are cached under in the store: "builtin:lsa128+hash0-<hash>" (a refit
    // makes a new id), "openai:host:port/model".
    virtual std::string id() const = 0;
    // The URL that chose it, as the store records the current embedder: "builtin:",
    // "openai://host:port/model".
    virtual std::string url() const = 0;
    // The size of its vectors; nullopt while unknown (a server that has not answered yet and
    // whose vectors the store does not hold).
    virtual std::optional<int> dimension() const = 0;

    // Called with each finished part of a batch (the index of its first commit and its vectors)
    // before the next part is asked for, so finished work can be stored before a later part fails.
    using FinishedVectors =
        std::function<void(size_t first, std::span<const std::vector<float>> vectors)>;

    // One unit vector per commit, in order (all zeros for a text with nothing the embedder
    // knows). Errors: kUnavailable (a server down or failing after its retries), kInvalidInput
    // (an answer that is garbage, a wrong count, or vectors of another size than dimension()).
    // REQUIRES: `finished`, when given, does not call back into this embedder.
    virtual Result<std::vector<std::vector<float>>> embed(std::span<const CommitText> commits,
                                                          const FinishedVectors& finished) = 0;
    Result<std::vector<std::vector<float>>> embed(std::span<const CommitText> commits) {
        return embed(commits, {});
    }
};

}  // namespace stablepick
