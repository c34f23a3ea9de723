#pragma once
// Nearest neighbours by inner product over unit vectors (cosine similarity).
//
// Thread safety: search() may run concurrently; add() needs exclusive access.
#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

namespace stablepick {

struct Neighbour {
    int64_t key;       // the commit's store row
    float similarity;  // inner product, in [-1, 1] for unit vectors
};

class VectorIndex {
  public:
    virtual ~VectorIndex() = default;
    // REQUIRES: vector.size() == dimension().
    virtual void add(int64_t key, std::span<const float> vector) = 0;
    // The k most similar vectors whose key `keep` accepts (all when empty), best first.
    virtual std::vector<Neighbour> search(std::span<const float> query, size_t k,
                                          const std::function<bool(int64_t)>& keep = {}) const = 0;
    virtual size_t size() const = 0;
    virtual int dimension() const = 0;
};

// Exact search over every vector: the oracle for tests, and fast enough at a repository's
// size (systemd: 80,000 vectors of 128 floats, a few milliseconds a query).
class ExactIndex : public VectorIndex {
  public:
    explicit ExactIndex(int dimension) : dimension_(dimension) {}
    void reserve(size_t n) {
        keys_.reserve(n);
        data_.reserve(n * static_cast<size_t>(dimension_));
    }
    void add(int64_t key, std::span<const float> vector) override;
    std::vector<Neighbour> search(std::span<const float> query, size_t k,
                                  const std::function<bool(int64_t)>& keep = {}) const override;
    size_t size() const override { return keys_.size(); }
    int dimension() const override { return dimension_; }
    // Many queries at once (one matrix product per block): for evaluations.
    std::vector<std::vector<Neighbour>> search_batch(const std::vector<std::vector<float>>& queries,
                                                     size_t k) const;

  private:
    int dimension_;
    std::vector<int64_t> keys_;
    std::vector<float> data_;  // size() x dimension_, row-major
};

}  // namespace stablepick
