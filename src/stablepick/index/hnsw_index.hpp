#pragma once
// Approximate nearest neighbours for repository-scale and kernel-scale histories: an HNSW
// graph (hnswlib) over vectors quantized to int8 with one float scale each, so a 128-dimension
// vector costs 132 bytes plus its links instead of 512 bytes of floats.
//
// Thread safety: add() may run from several threads at once; search() too, but not both.
#include <memory>

#include "stablepick/index/vector_index.hpp"

namespace stablepick {

struct HnswOptions {
    size_t max_elements = 1 << 20;
    size_t m = 12;  // links per node (twice that on the bottom layer)
    size_t ef_construction = 100;
    size_t ef_search = 64;
    size_t seed = 100;
};

class HnswIndex : public VectorIndex {
  public:
    HnswIndex(int dimension, const HnswOptions& options = {});
    ~HnswIndex() override;
    void add(int64_t key, std::span<const float> vector, int64_t time = 0) override;
    std::vector<Neighbour> search(std::span<const float> query, size_t k,
                                  const SearchFilter& filter = {}) const override;
    size_t size() const override;
    int dimension() const override { return dimension_; }
    void set_ef(size_t ef);
    // Bytes the index holds per vector (data, links, labels), for the budget.
    double bytes_per_vector() const;

  private:
    struct Impl;
    int dimension_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace stablepick
