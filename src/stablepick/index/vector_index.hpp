#pragma once
// Nearest neighbours by inner product over unit vectors (cosine similarity): the one search
// behind the precedents the voters weigh, the LLM's similar_commits tool and `similar`.
//
// Each vector is added with the time its commit was made, so a search can be cut off at a
// moment: a backtest's precedents must all be older than the commit they are evidence for.
//
// Thread safety: search() and search_batch() may run concurrently; add() needs exclusive access.
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <utility>
#include <vector>

namespace stablepick {

struct Neighbour {
    int64_t key;       // what the caller added it under (a store row, a history index)
    float similarity;  // inner product, in [-1, 1] for unit vectors
};

inline constexpr int64_t kNoKey = std::numeric_limits<int64_t>::min();

// Which vectors a search may answer with.
struct SearchFilter {
    int64_t before = std::numeric_limits<int64_t>::max();  // only those added with an earlier time
    int64_t exclude = kNoKey;                              // never this key (the query itself)
    std::function<bool(int64_t)> keep;                     // when set, only keys it accepts
};

// One query of a batch: its vector and its own cut-off (a batch shares no `keep`).
struct IndexQuery {
    std::span<const float> vector;
    int64_t before = std::numeric_limits<int64_t>::max();
    int64_t exclude = kNoKey;
};

class VectorIndex {
  public:
    virtual ~VectorIndex() = default;
    // REQUIRES: vector.size() == dimension().
    virtual void add(int64_t key, std::span<const float> vector, int64_t time = 0) = 0;
    // The k most similar vectors `filter` lets through, best first.
    virtual std::vector<Neighbour> search(std::span<const float> query, size_t k,
                                          const SearchFilter& filter = {}) const = 0;
    // The answers to many queries, each as search() gives it; an index may share work between
    // them (the exact index does one matrix product per block, on every core).
    virtual std::vector<std::vector<Neighbour>> search_batch(std::span<const IndexQuery> queries,
                                                             size_t k) const;
    virtual size_t size() const = 0;
    virtual int dimension() const = 0;
};

// Exact search over every vector: the oracle for tests and the default, fast enough at a
// repository's size (systemd: 80,000 vectors of 128 floats, a few milliseconds a query).
//
// Its answers do not depend on how queries are batched: candidates are chosen by similarity
// rounded to 1e-4 with a margin, then ranked by a dot product computed the same way every time
// (ties: the one added later, for a history the newer commit).
class ExactIndex : public VectorIndex {
  public:
    explicit ExactIndex(int dimension) : dimension_(dimension) {}
    void reserve(size_t n) {
        keys_.reserve(n);
        times_.reserve(n);
        data_.reserve(n * static_cast<size_t>(dimension_));
    }
    void add(int64_t key, std::span<const float> vector, int64_t time = 0) override;
    std::vector<Neighbour> search(std::span<const float> query, size_t k,
                                  const SearchFilter& filter = {}) const override;
    std::vector<std::vector<Neighbour>> search_batch(std::span<const IndexQuery> queries,
                                                     size_t k) const override;
    size_t size() const override { return keys_.size(); }
    int dimension() const override { return dimension_; }

  private:
    // How many of the first vectors can be older than `before` (all when added out of order).
    size_t limit_before(int64_t before) const;
    // The best k of vector positions [0, limit) for one query, given rough scores of them.
    std::vector<Neighbour> select(std::span<const float> query, const float* scores, size_t limit,
                                  size_t k, const SearchFilter& filter) const;

    int dimension_;
    std::vector<int64_t> keys_;
    std::vector<int64_t> times_;
    bool in_time_order_ = true;
    std::vector<float> data_;  // size() x dimension_, row-major
};

}  // namespace stablepick
