#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <unordered_set>

#include "stablepick/index/hnsw_index.hpp"

namespace stablepick {
namespace {

std::vector<std::vector<float>> clustered(size_t n, int dim, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal;
    std::vector<std::vector<float>> centres(20, std::vector<float>(dim));
    for (auto& c : centres)
        for (auto& x : c) x = normal(rng);
    std::vector<std::vector<float>> out;
    for (size_t i = 0; i < n; ++i) {
        auto v = centres[rng() % centres.size()];
        double norm = 0;
        for (auto& x : v) {
            x += 0.5f * normal(rng);
            norm += double(x) * x;
        }
        for (auto& x : v) x = static_cast<float>(x / std::sqrt(norm));
        out.push_back(std::move(v));
    }
    return out;
}

TEST(HnswIndex, AgreesWithTheExactOracle) {
    const int dim = 32;
    auto data = clustered(3000, dim, 1);
    auto queries = clustered(50, dim, 2);
    ExactIndex exact(dim);
    HnswOptions options;
    options.max_elements = data.size();
    HnswIndex hnsw(dim, options);
    for (size_t i = 0; i < data.size(); ++i) {
        exact.add(static_cast<int64_t>(i), data[i]);
        hnsw.add(static_cast<int64_t>(i), data[i]);
    }
    EXPECT_EQ(hnsw.size(), data.size());
    double hits = 0;
    for (auto& q : queries) {
        std::unordered_set<int64_t> want;
        for (auto& n : exact.search(q, 10)) want.insert(n.key);
        auto found = hnsw.search(q, 10);
        ASSERT_EQ(found.size(), 10u);
        for (size_t i = 1; i < found.size(); ++i)
            EXPECT_GE(found[i - 1].similarity, found[i].similarity);
        for (auto& n : found) hits += want.contains(n.key);
    }
    EXPECT_GE(hits / (10.0 * queries.size()), 0.9);
    EXPECT_LT(hnsw.bytes_per_vector(), dim * 4.0 + 300);
}

TEST(HnswIndex, FilterKeepsOnlyAcceptedKeys) {
    const int dim = 16;
    auto data = clustered(500, dim, 3);
    HnswOptions options;
    options.max_elements = data.size();
    HnswIndex hnsw(dim, options);
    for (size_t i = 0; i < data.size(); ++i) hnsw.add(static_cast<int64_t>(i), data[i]);
    auto found = hnsw.search(data[0], 5, {.keep = [](int64_t key) { return key % 7 == 0; }});
    ASSERT_EQ(found.size(), 5u);
    for (auto& n : found) EXPECT_EQ(n.key % 7, 0);
    EXPECT_EQ(found[0].key, 0);  // itself
}

}  // namespace
}  // namespace stablepick
