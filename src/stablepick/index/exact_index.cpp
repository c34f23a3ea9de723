#include <Eigen/Dense>
#include <algorithm>
#include <queue>

#include "stablepick/index/vector_index.hpp"

namespace stablepick {

void ExactIndex::add(int64_t key, std::span<const float> v) {
    keys_.push_back(key);
    data_.insert(data_.end(), v.begin(), v.end());
}

namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The k best of `scores` (one per key) that `keep` accepts, best first.
std::vector<Neighbour> top_k(const float* scores, const std::vector<int64_t>& keys, size_t k,
                             const std::function<bool(int64_t)>& keep) {
    // A min-heap of the best k so far: O(n log k).
    auto worse = [](const Neighbour& a, const Neighbour& b) { return a.similarity > b.similarity; };
    std::priority_queue<Neighbour, std::vector<Neighbour>, decltype(worse)> best(worse);
    for (size_t i = 0; i < keys.size(); ++i) {
        if (keep && !keep(keys[i])) continue;
        float s = scores[i];
        if (best.size() < k)
            best.push({keys[i], s});
        else if (s > best.top().similarity) {
            best.pop();
            best.push({keys[i], s});
        }
    }
    std::vector<Neighbour> out;
    while (!best.empty()) {
        out.push_back(best.top());
        best.pop();
    }
    std::ranges::reverse(out);
    return out;
}

}  // namespace

std::vector<Neighbour> ExactIndex::search(std::span<const float> q, size_t k,
                                          const std::function<bool(int64_t)>& keep) const {
    // One matrix-vector product (SIMD through Eigen), then a selection.
    Eigen::Map<const RowMatrix> data(data_.data(), static_cast<Eigen::Index>(keys_.size()),
                                     dimension_);
    Eigen::Map<const Eigen::VectorXf> query(q.data(), dimension_);
    Eigen::VectorXf scores = data * query;
    return top_k(scores.data(), keys_, k, keep);
}

std::vector<std::vector<Neighbour>> ExactIndex::search_batch(
    const std::vector<std::vector<float>>& queries, size_t k) const {
    std::vector<std::vector<Neighbour>> out(queries.size());
    Eigen::Map<const RowMatrix> data(data_.data(), static_cast<Eigen::Index>(keys_.size()),
                                     dimension_);
    constexpr size_t kBlock = 256;
    for (size_t b = 0; b < queries.size(); b += kBlock) {
        size_t e = std::min(queries.size(), b + kBlock);
        Eigen::MatrixXf q(dimension_, static_cast<Eigen::Index>(e - b));
        for (size_t i = b; i < e; ++i)
            q.col(static_cast<Eigen::Index>(i - b)) =
                Eigen::Map<const Eigen::VectorXf>(queries[i].data(), dimension_);
        Eigen::MatrixXf scores = data * q;  // column i: the scores of query b + i
        for (size_t i = b; i < e; ++i)
            out[i] = top_k(scores.col(static_cast<Eigen::Index>(i - b)).data(), keys_, k, {});
    }
    return out;
}

}  // namespace stablepick
