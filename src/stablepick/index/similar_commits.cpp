#include "stablepick/index/similar_commits.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "stablepick/embed/builtin_embedder.hpp"
#include "stablepick/embed/embeddings.hpp"
#include "stablepick/store/vector_reads.hpp"

namespace stablepick {
namespace {

// The main-branch commits with the label asked for, by row.
Result<std::unordered_set<int64_t>> candidate_rows(Store& store, const SimilarOptions& options) {
    auto main_rows = store::main_branch_rows(store);
    if (!main_rows) return std::unexpected(main_rows.error());
    bool want_backported = options.label == "backported" || !options.branch.empty();
    bool want_not_backported = options.label == "not-backported";
    // Asked for every main commit (the default), the main-branch set is the answer: a copy of
    // it cost a tenth of a `similar` run in allocations.
    if (!want_backported && !want_not_backported) return std::move(*main_rows);
    auto backported_rows = store::backported_rows(store, options.branch);
    if (!backported_rows) return std::unexpected(backported_rows.error());
    std::unordered_set<int64_t> out;
    for (int64_t row : *main_rows) {
        bool backported = backported_rows->contains(row);
        if ((want_backported && !backported) || (want_not_backported && backported)) continue;
        out.insert(row);
    }
    return out;
}

}  // namespace

Result<SimilarCommits> similar_commits(Store& store, Embedder& embedder, const SimilarQuery& query,
                                       const SimilarOptions& options) {
    const BuiltinModel* model = builtin_model_of(embedder);
    const std::vector<Term> terms = model ? commit_terms(query.text) : std::vector<Term>();
    std::vector<float> vector;
    if (model) {
        vector = model->embed(terms);
    } else {
        // A stored commit's vector was asked for when it was embedded: no request for it again.
        if (query.row && embedder.dimension()) {
            auto stored =
                store::vectors_of(store, embedder.id(), *embedder.dimension(), {query.row});
            if (!stored) return std::unexpected(stored.error());
            if (!stored->empty()) vector = std::move(stored->front().vector);
        }
        if (vector.empty()) {
            auto embedded = embedder.embed(std::span<const CommitText>(&query.text, 1));
            if (!embedded) return std::unexpected(embedded.error());
            vector = std::move(embedded->front());
        }
    }
    const int dimension = static_cast<int>(vector.size());
    const bool rerank = options.rerank && model;
    // Only rows and vectors are read for all the candidates.
    auto candidates = candidate_rows(store, options);
    if (!candidates) return std::unexpected(candidates.error());
    ExactIndex index(dimension);
    index.reserve(candidates->size());
    auto read = store::for_each_vector(
        store, {embedder.id(), dimension, query.time, query.id, &*candidates},
        [&](int64_t row, std::span<const float> v) { index.add(row, v); });
    if (!read) return std::unexpected(read.error());
    SimilarCommits out;
    out.compared = index.size();
    // The embedding finds commits about the same kind of problem; among its best candidates,
    // exact TF-IDF similarity puts the ones touching the same code first.
    auto& best = out.best;
    best = index.search(vector, rerank ? std::max<size_t>(options.k * 20, 200) : options.k);
    if (!rerank) return out;
    // Earlier commits to the same files join the candidates: the embedding alone can miss them
    // when a short message is mostly common words.
    std::unordered_set<int64_t> seen;
    for (auto& n : best) seen.insert(n.key);
    for (auto& path : query.text.paths) {
        auto rows = store::commits_changing_before(store, path, query.time, 200);
        if (!rows) return std::unexpected(rows.error());
        std::vector<int64_t> fresh;
        for (int64_t row : *rows)
            if (candidates->contains(row) && seen.insert(row).second) fresh.push_back(row);
        auto vectors = store::vectors_of(store, embedder.id(), dimension, fresh);
        if (!vectors) return std::unexpected(vectors.error());
        for (auto& [row, v] : *vectors) {
            float dot = 0;
            for (int d = 0; d < dimension; ++d) dot += v[d] * vector[d];
            best.push_back({row, dot});
        }
    }
    // Then exact TF-IDF similarity, which weighs a shared file or function as much as it is
    // rare, re-ranks every candidate.
    auto q = model->tfidf(terms);
    std::unordered_map<uint32_t, float> qmap(q.begin(), q.end());
    for (auto& n : best) {
        auto text = load_commit_text(store, n.key);
        if (!text) return std::unexpected(text.error());
        double dot = 0;
        for (auto& [col, w] : model->tfidf(commit_terms(*text)))
            if (auto it = qmap.find(col); it != qmap.end()) dot += double(w) * it->second;
        n.similarity = static_cast<float>(dot);
    }
    std::ranges::stable_sort(best, [](auto& a, auto& b) { return a.similarity > b.similarity; });
    if (best.size() > options.k) best.resize(options.k);
    return out;
}

}  // namespace stablepick
