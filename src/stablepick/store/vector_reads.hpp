#pragma once
// Reads of the embeddings and models tables, and of the rows `similar` chooses its candidates
// from: the main-branch commits, the backported ones, and the earlier commits to a file.
// Vectors are `dimension` floats, stored as their bytes; a stored vector of another size is
// kCorrupt (a refit stopped midway, or a damaged store).
//
// Same thread rules as Store: the Store belongs to the calling thread.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "stablepick/store/store.hpp"

namespace stablepick::store {

// Rows of the commits on the main branch.
Result<std::unordered_set<int64_t>> main_branch_rows(Store& store);
// Rows of the stored main commits backported to `branch`, to any branch when it is empty.
Result<std::unordered_set<int64_t>> backported_rows(Store& store, const std::string& branch);

// Up to `limit` commits made before `before` that change `path`, newest first.
Result<std::vector<int64_t>> commits_changing_before(Store& store, const std::string& path,
                                                     int64_t before, int64_t limit);

struct VectorQuery {
    std::string model;
    int dimension = 0;
    int64_t before = INT64_MAX;  // only commits made before this committer date
    std::string except_id;       // this commit left out
    const std::unordered_set<int64_t>* rows = nullptr;  // only these (all when null)
};
// Calls `each` for the vector of every commit `query` selects, in the order of the table.
// The span is valid only during the call.
Status for_each_vector(Store& store, const VectorQuery& query,
                       const std::function<void(int64_t row, std::span<const float>)>& each);

struct RowVector {
    int64_t row = 0;
    std::vector<float> vector;
};
// The vectors of `model` of `rows`, in that order; rows without one, or with one of another
// size, are left out (for_each_vector, which reads them all first, refuses the latter).
Result<std::vector<RowVector>> vectors_of(Store& store, const std::string& model, int dimension,
                                          const std::vector<int64_t>& rows);

struct VectorCoverage {
    std::vector<int64_t> missing;  // rows of the commits without a vector, in row order
    int64_t with_vector = 0;
};
// Which stored non-merge commits have a vector of `model` and which do not.
Result<VectorCoverage> vector_coverage(Store& store, const std::string& model);

// The vector size of a stored model; nullopt when the store has no model `model`.
Result<std::optional<int>> model_dimension(Store& store, const std::string& model);

}  // namespace stablepick::store
