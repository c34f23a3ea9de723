// Vector search at the kernel's scale: N generated 128-dimension unit vectors (default 1.3
// million), clustered as real commit embeddings are (topics), searched by the HNSW index and
// by the exact oracle in the same run. Run: build/bench_vectors [N] [QUERIES]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <thread>
#include <unordered_set>

#include "stablepick/index/hnsw_index.hpp"

using namespace stablepick;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// A mixture of topics: each vector is its topic's centre plus noise, normalised.
struct Generator {
    int dim;
    std::vector<std::vector<float>> centres;
    std::mt19937_64 rng;
    std::normal_distribution<float> normal{0.0f, 1.0f};
    Generator(int d, int topics, uint64_t seed) : dim(d), rng(seed) {
        for (int t = 0; t < topics; ++t) centres.push_back(unit(random_vector(1.0f)));
    }
    std::vector<float> random_vector(float sigma) {
        std::vector<float> v(dim);
        for (auto& x : v) x = sigma * normal(rng);
        return v;
    }
    static std::vector<float> unit(std::vector<float> v) {
        double n = 0;
        for (float x : v) n += double(x) * x;
        for (auto& x : v) x = static_cast<float>(x / std::sqrt(n));
        return v;
    }
    std::vector<float> next() {
        auto& c = centres[rng() % centres.size()];
        auto v =
            random_vector(0.6f / std::sqrt(float(dim)));  // noise of norm 0.6 around a unit centre
        for (int i = 0; i < dim; ++i) v[i] += c[i];
        return unit(v);
    }
};

}  // namespace

int main(int argc, char** argv) {
    size_t n = argc > 1 ? std::stoul(argv[1]) : 1'300'000;
    size_t queries_n = argc > 2 ? std::stoul(argv[2]) : 500;
    const int dim = 128;
    Generator gen(dim, 4000, 7);
    std::vector<std::vector<float>> data(n);
    for (auto& v : data) v = gen.next();
    std::vector<std::vector<float>> queries(queries_n);
    for (auto& q : queries) q = gen.next();

    auto t0 = Clock::now();
    ExactIndex exact(dim);
    for (size_t i = 0; i < n; ++i) exact.add(static_cast<int64_t>(i), data[i]);
    std::vector<IndexQuery> batch;
    for (auto& q : queries) batch.push_back({q});
    auto truth = exact.search_batch(batch, 10);
    double exact_build_and_batch = seconds_since(t0);
    std::vector<double> exact_times;
    for (size_t i = 0; i < std::min<size_t>(queries_n, 50); ++i) {
        auto t = Clock::now();
        (void)exact.search(queries[i], 10);
        exact_times.push_back(1000 * seconds_since(t));
    }
    std::ranges::sort(exact_times);

    HnswOptions options;
    options.max_elements = n;
    HnswIndex hnsw(dim, options);
    t0 = Clock::now();
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::jthread> workers;
    for (unsigned t = 0; t < threads; ++t)
        workers.emplace_back([&, t] {
            for (size_t i = t; i < n; i += threads) hnsw.add(static_cast<int64_t>(i), data[i]);
        });
    workers.clear();
    double build = seconds_since(t0);
    fmt::print(
        "{} vectors of {} dimensions; HNSW (M={}, ef_construction={}, int8) built in {:.1f} s on "
        "{} threads; "
        "{:.0f} bytes per vector (float32 exact: {} bytes)\n",
        n, dim, options.m, options.ef_construction, build, threads, hnsw.bytes_per_vector(),
        dim * 4);
    fmt::print("exact oracle: p50 {:.2f} ms, p99 {:.2f} ms per query (one core)\n",
               exact_times[exact_times.size() / 2], exact_times[exact_times.size() * 99 / 100]);
    fmt::print("{:>6} {:>10} {:>10} {:>10}\n", "ef", "p50 ms", "p99 ms", "recall@10");
    for (size_t ef : {32, 64, 128, 256}) {
        hnsw.set_ef(ef);
        std::vector<double> times;
        double hits = 0;
        for (size_t i = 0; i < queries_n; ++i) {
            auto t = Clock::now();
            auto found = hnsw.search(queries[i], 10);
            times.push_back(1000 * seconds_since(t));
            std::unordered_set<int64_t> want;
            for (auto& nb : truth[i]) want.insert(nb.key);
            for (auto& nb : found) hits += want.contains(nb.key);
        }
        std::ranges::sort(times);
        fmt::print("{:>6} {:>10.3f} {:>10.3f} {:>10.3f}\n", ef, times[times.size() / 2],
                   times[times.size() * 99 / 100], hits / (10.0 * queries_n));
    }
    (void)exact_build_and_batch;
    return 0;
}
