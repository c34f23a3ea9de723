#pragma once
// Writes to the embeddings table for every embedder's vectors, and the models row of an
// embedding server (the builtin model's row, with its blob, goes through model_tables).
//
// Same thread rules as Store: the Store belongs to the calling thread. REQUIRES: a store opened
// for writing.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "stablepick/store/store.hpp"

namespace stablepick::store {

// Records the server model `model` with its vector size; a model already stored is kept.
Status add_server_model(Store& store, const std::string& model, int dimension);

// Stores vectors[i] as the vector of `model` of commit rows[i], in one transaction; a vector
// already stored is kept. REQUIRES: rows.size() == vectors.size(), no transaction open.
Status put_vectors(Store& store, const std::string& model, std::span<const int64_t> rows,
                   const std::vector<std::vector<float>>& vectors);

}  // namespace stablepick::store
