#pragma once
// The earlier commits most like a query commit, as `similar` lists them: the embedding finds
// candidates among the main-branch commits, earlier commits to the same files join them, and
// exact TF-IDF similarity re-ranks them all.
//
// Thread safety: as Store's, the Store belongs to the calling thread.
#include <cstdint>
#include <string>
#include <vector>

#include "stablepick/embed/builtin_model.hpp"
#include "stablepick/index/vector_index.hpp"
#include "stablepick/store/store.hpp"
#include "stablepick/text/features.hpp"

namespace stablepick {

struct SimilarQuery {
    std::string id;                  // left out of the answer (empty for a patch without one)
    int64_t time = INT64_MAX;        // only commits made before it are compared
    std::vector<Term> terms;         // of its text (commit_terms)
    std::vector<std::string> paths;  // the files it changes
};

struct SimilarOptions {
    size_t k = 10;
    std::string label = "any";  // any, backported, not-backported
    std::string branch;         // when set, only commits backported to this stable branch
    bool rerank = true;         // join same-file commits and re-rank by TF-IDF
};

struct SimilarCommits {
    std::vector<Neighbour> best;  // at most k, most similar first
    size_t compared = 0;          // candidates with a vector of the model
};

// REQUIRES: `model`'s vectors in the store are whole (check_vectors). kCorrupt when a stored
// vector has the wrong size.
Result<SimilarCommits> similar_commits(Store& store, const BuiltinModel& model,
                                       const SimilarQuery& query, const SimilarOptions& options);

}  // namespace stablepick
