#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <thread>
#include <tuple>

#include "stablepick/index/vector_index.hpp"

namespace stablepick {

std::vector<std::vector<Neighbour>> VectorIndex::search_batch(std::span<const IndexQuery> queries,
                                                              size_t k) const {
    std::vector<std::vector<Neighbour>> out;
    out.reserve(queries.size());
    for (auto& q : queries) out.push_back(search(q.vector, k, {q.before, q.exclude, {}}));
    return out;
}

void ExactIndex::add(int64_t key, std::span<const float> v, int64_t time) {
    if (!times_.empty() && time < times_.back()) in_time_order_ = false;
    keys_.push_back(key);
    times_.push_back(time);
    data_.insert(data_.end(), v.begin(), v.end());
}

namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

long quantised(double x) {
    return std::lround(x * 1e4);
}

}  // namespace

size_t ExactIndex::limit_before(int64_t before) const {
    if (!in_time_order_) return keys_.size();
    return static_cast<size_t>(std::ranges::lower_bound(times_, before) - times_.begin());
}

std::vector<Neighbour> ExactIndex::select(std::span<const float> query, const float* scores,
                                          size_t limit, size_t k,
                                          const SearchFilter& filter) const {
    // The rough scores come from a matrix product whose rounding depends on what else was in
    // it: candidates are kept by rough similarity rounded to 1e-4 (ties: the later position),
    // with a margin, and ranked by an exact dot product.
    const size_t keep = k + 8;
    std::vector<std::pair<long, size_t>> best;  // a min-heap of the best `keep` so far
    best.reserve(keep + 1);
    for (size_t p = 0; p < limit; ++p) {
        if (keys_[p] == filter.exclude || (!in_time_order_ && times_[p] >= filter.before)) continue;
        if (filter.keep && !filter.keep(keys_[p])) continue;
        std::pair<long, size_t> item{quantised(scores[p]), p};
        if (best.size() < keep) {
            best.push_back(item);
            std::ranges::push_heap(best, std::greater<>());
        } else if (item > best.front()) {
            std::ranges::pop_heap(best, std::greater<>());
            best.back() = item;
            std::ranges::push_heap(best, std::greater<>());
        }
    }
    const size_t dim = static_cast<size_t>(dimension_);
    std::vector<std::tuple<long, size_t, float>> exact;
    exact.reserve(best.size());
    for (auto& [rough, p] : best) {
        const float* v = data_.data() + p * dim;
        double dot = 0;
        for (size_t d = 0; d < dim; ++d) dot += double(query[d]) * v[d];
        exact.emplace_back(quantised(dot), p, static_cast<float>(dot));
    }
    std::ranges::sort(exact, std::greater<>());
    if (exact.size() > k) exact.resize(k);
    std::vector<Neighbour> out;
    out.reserve(exact.size());
    for (auto& [rank, p, similarity] : exact) out.push_back({keys_[p], similarity});
    return out;
}

std::vector<Neighbour> ExactIndex::search(std::span<const float> q, size_t k,
                                          const SearchFilter& filter) const {
    size_t limit = limit_before(filter.before);
    if (limit == 0 || k == 0) return {};
    // One matrix-vector product (SIMD through Eigen), then a selection.
    Eigen::Map<const RowMatrix> data(data_.data(), static_cast<Eigen::Index>(limit), dimension_);
    Eigen::Map<const Eigen::VectorXf> query(q.data(), dimension_);
    Eigen::VectorXf scores = data * query;
    return select(q, scores.data(), limit, k, filter);
}

std::vector<std::vector<Neighbour>> ExactIndex::search_batch(std::span<const IndexQuery> queries,
                                                             size_t k) const {
    std::vector<std::vector<Neighbour>> out(queries.size());
    if (keys_.empty() || k == 0) return out;
    // Queries go in blocks ordered by their cut-off, and each block is compared only with the
    // vectors older than its latest cut-off (when added in time order), on every core.
    std::vector<size_t> order(queries.size());
    std::iota(order.begin(), order.end(), 0);
    std::ranges::stable_sort(
        order, [&](size_t a, size_t b) { return queries[a].before < queries[b].before; });
    Eigen::Map<const RowMatrix> data(data_.data(), static_cast<Eigen::Index>(keys_.size()),
                                     dimension_);
    constexpr size_t kBlock = 256;
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    threads =
        std::min<unsigned>(threads, static_cast<unsigned>((order.size() + kBlock - 1) / kBlock));
    std::vector<std::jthread> workers;  // joined before `out` is returned
    for (unsigned t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (size_t b = t * kBlock; b < order.size(); b += threads * kBlock) {
                size_t e = std::min(order.size(), b + kBlock);
                size_t limit = limit_before(queries[order[e - 1]].before);
                if (limit == 0) continue;
                Eigen::MatrixXf qm(dimension_, static_cast<Eigen::Index>(e - b));
                for (size_t i = b; i < e; ++i)
                    qm.col(static_cast<Eigen::Index>(i - b)) = Eigen::Map<const Eigen::VectorXf>(
                        queries[order[i]].vector.data(), dimension_);
                Eigen::MatrixXf scores = data.topRows(static_cast<Eigen::Index>(limit)) * qm;
                for (size_t i = b; i < e; ++i) {
                    const IndexQuery& q = queries[order[i]];
                    out[order[i]] = select(
                        q.vector, scores.col(static_cast<Eigen::Index>(i - b)).data(),
                        std::min(limit, limit_before(q.before)), k, {q.before, q.exclude, {}});
                }
            }
        });
    }
    workers.clear();
    return out;
}

}  // namespace stablepick
