#pragma once
// The builtin embedder's model, learned from the repository's own history: TF-IDF weights of
// commit terms (text/features.hpp) reduced to a dense vector by a randomized SVD (latent
// semantic analysis). It downloads nothing and needs no service.
//
// Immutable once fitted; embed() is thread safe.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "stablepick/core/error.hpp"
#include "stablepick/text/features.hpp"

namespace stablepick {

struct BuiltinFitOptions {
    int dimension = 128;  // dense directions learned by the SVD
    // Extra dimensions holding the same TF-IDF vector by signed feature hashing, meant to keep
    // rare terms the SVD drops. Off by default: on systemd-stable it lowered the neighbour
    // vote's PR-AUC from 0.266 to 0.253 (docs/EVALUATION.md).
    int hashed_dimension = 0;
    size_t max_vocabulary = 60000;  // most frequent terms kept
    int min_document_frequency = 2;
    int power_iterations = 2;
    uint64_t seed = 1;
};

class BuiltinModel {
  public:
    // Learns the model from `documents` (each the terms of one commit).
    // kInvalidInput when there are too few documents to learn anything.
    static Result<BuiltinModel> fit(std::span<const std::vector<Term>> documents,
                                    const BuiltinFitOptions& options = {});
    static Result<BuiltinModel> deserialize(std::string_view blob);
    std::string serialize() const;

    // A unit vector (all zeros when no term is known to the model).
    std::vector<float> embed(const std::vector<Term>& terms) const;

    // Identifies the model: vectors of different ids are never compared.
    const std::string& id() const { return id_; }
    int dimension() const { return dimension_ + hashed_dimension_; }
    size_t vocabulary() const { return columns_.size(); }

    // The TF-IDF vector of `terms` over the model's vocabulary (for the bag-of-words baseline):
    // (column, weight) sorted by column, L2-normalised.
    std::vector<std::pair<uint32_t, float>> tfidf(const std::vector<Term>& terms) const;

  private:
    std::string id_;
    int dimension_ = 0;              // learned part
    int hashed_dimension_ = 0;       // hashed part
    std::vector<uint32_t> columns_;  // hashed term ids kept, sorted
    std::vector<float> idf_;         // per column
    std::vector<float> projection_;  // columns_.size() x dimension_, row-major
};

}  // namespace stablepick
