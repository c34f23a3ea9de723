#pragma once
// The earlier commits most like a query commit, as `similar` lists them. With the builtin
// embedder: the embedding finds candidates among the main-branch commits, earlier commits to the
// same files join them, and exact TF-IDF similarity (the builtin model's) re-ranks them all. With
// a server's embedder: its vectors alone rank them (the TF-IDF re-ranking belongs to the builtin
// model, and an exact search already holds every same-file commit it would add).
//
// Thread safety: as Store's, the Store belongs to the calling thread.
#include <cstdint>
#include <string>
#include <vector>

#include "stablepick/embed/embedder.hpp"
#include "stablepick/index/vector_index.hpp"
#include "stablepick/store/store.hpp"
#include "stablepick/text/features.hpp"

namespace stablepick {

struct SimilarQuery {
    std::string id;            // left out of the answer (empty for a patch without one)
    int64_t time = INT64_MAX;  // only commits made before it are compared
    CommitText text;           // what the embedder reads (its paths: the files it changes)
    int64_t row = 0;           // a stored commit's row (0 for a patch): its stored vector serves
};

struct SimilarOptions {
    size_t k = 10;
    std::string label = "any";  // any, backported, not-backported
    std::string branch;         // when set, only commits backported to this stable branch
    bool rerank = true;         // builtin: join same-file commits and re-rank by TF-IDF
};

struct SimilarCommits {
    std::vector<Neighbour> best;  // at most k, most similar first
    size_t compared = 0;          // candidates with a vector of the embedder
};

// REQUIRES: `embedder`'s vectors in the store are whole (check_vectors). kCorrupt when a stored
// vector has the wrong size; the embedder's errors when the query has to be embedded through it
// (a patch, or a commit stored since the last embed).
Result<SimilarCommits> similar_commits(Store& store, Embedder& embedder, const SimilarQuery& query,
                                       const SimilarOptions& options);

}  // namespace stablepick
