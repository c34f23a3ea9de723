#include "stablepick/history/evidence.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string_view>
#include <thread>
#include <unordered_map>

namespace stablepick {
namespace {

struct Counter {
    int64_t commits = 0, backports = 0;
};

// Interns the keys history is counted by: files, their directories, authors.
struct Keys {
    std::unordered_map<std::string, int> ids;
    int intern(const std::string& key) {
        return ids.emplace(key, static_cast<int>(ids.size())).first->second;
    }
};

std::string directory_of(const std::string& path) {
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

// Smoothed towards the global rate, so a file seen once does not read as 0 % or 100 %.
double smoothed(const Counter& c, double global_rate) {
    constexpr double kPrior = 5;
    return (c.backports + kPrior * global_rate) / (c.commits + kPrior);
}

}  // namespace

std::optional<double> precedent_vote(const std::vector<Precedent>& precedents) {
    double num = 0, den = 0;
    for (auto& p : precedents) {
        double w = std::max(0.0f, p.similarity);
        num += w * p.positive;
        den += w;
    }
    if (precedents.empty()) return std::nullopt;
    if (den <= 0) return 0.0;
    return num / den;
}

std::vector<Evidence> gather_evidence(const CommitHistory& history, const PrecedentPool& pool,
                                      std::span<const size_t> queries,
                                      std::span<const int64_t> known_at,
                                      const std::vector<std::vector<float>>& query_vectors,
                                      const EvidenceOptions& options) {
    const auto& commits = history.commits();
    std::vector<Evidence> out(queries.size());

    // Precedents: exact search. Queries go in blocks ordered by the time before which their
    // precedents must lie, and each block is compared only with the pool commits made before
    // its latest such time (the pool is in time order), on every core.
    if (!pool.indexes.empty() && !query_vectors.empty()) {
        const int dim = static_cast<int>(pool.vectors.front().size());
        using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        RowMatrix data(static_cast<Eigen::Index>(pool.indexes.size()), dim);
        std::vector<int64_t> pool_time(pool.indexes.size());
        for (size_t p = 0; p < pool.indexes.size(); ++p) {
            data.row(static_cast<Eigen::Index>(p)) =
                Eigen::Map<const Eigen::VectorXf>(pool.vectors[p].data(), dim);
            pool_time[p] = commits[pool.indexes[p]].time;
        }
        std::vector<int64_t> before(queries.size());
        for (size_t q = 0; q < queries.size(); ++q)
            before[q] = std::min(commits[queries[q]].time, known_at[q]);
        std::vector<size_t> by_before(queries.size());
        std::iota(by_before.begin(), by_before.end(), 0);
        std::ranges::sort(by_before, [&](size_t a, size_t b) { return before[a] < before[b]; });
        constexpr size_t kBlock = 256;
        unsigned threads = std::max(1u, std::thread::hardware_concurrency());
        std::vector<std::jthread> workers;
        for (unsigned t = 0; t < threads; ++t) {
            workers.emplace_back([&, t] {
                for (size_t b = t * kBlock; b < by_before.size(); b += threads * kBlock) {
                    size_t e = std::min(by_before.size(), b + kBlock);
                    size_t limit = static_cast<size_t>(
                        std::ranges::lower_bound(pool_time, before[by_before[e - 1]]) -
                        pool_time.begin());
                    if (limit == 0) continue;
                    Eigen::MatrixXf qm(dim, static_cast<Eigen::Index>(e - b));
                    for (size_t i = b; i < e; ++i)
                        qm.col(static_cast<Eigen::Index>(i - b)) =
                            Eigen::Map<const Eigen::VectorXf>(query_vectors[by_before[i]].data(),
                                                              dim);
                    Eigen::MatrixXf scores = data.topRows(static_cast<Eigen::Index>(limit)) * qm;
                    // A commit's precedents must not depend on which other queries share its
                    // block: the matrix product's rounding does. So candidates are kept by
                    // similarity quantised to 1e-4 (ties: the newer commit), with a margin, and
                    // then ranked by an exact dot product computed the same way every time.
                    const size_t keep = options.k + 8;
                    auto quantised = [](float x) { return std::lround(double(x) * 1e4); };
                    std::vector<std::pair<long, size_t>> best;
                    for (size_t i = b; i < e; ++i) {
                        size_t q = by_before[i];
                        size_t own_limit = static_cast<size_t>(
                            std::ranges::lower_bound(pool_time, before[q]) - pool_time.begin());
                        const float* col = scores.col(static_cast<Eigen::Index>(i - b)).data();
                        best.clear();
                        for (size_t p = 0; p < own_limit; ++p) {
                            if (pool.indexes[p] == queries[q]) continue;
                            std::pair<long, size_t> item{quantised(col[p]), p};
                            if (best.size() < keep) {
                                best.push_back(item);
                                std::ranges::push_heap(best, std::greater<>());
                            } else if (item > best.front()) {
                                std::ranges::pop_heap(best, std::greater<>());
                                best.back() = item;
                                std::ranges::push_heap(best, std::greater<>());
                            }
                        }
                        const auto& qv = query_vectors[q];
                        std::vector<std::tuple<long, size_t, float>> exact;
                        for (auto& [rough, p] : best) {
                            double dot = 0;
                            for (int d = 0; d < dim; ++d) dot += double(qv[d]) * pool.vectors[p][d];
                            exact.emplace_back(std::lround(dot * 1e4), p, static_cast<float>(dot));
                        }
                        std::ranges::sort(exact, std::greater<>());
                        if (exact.size() > options.k) exact.resize(options.k);
                        for (auto& [rank, p, sim] : exact)
                            out[q].precedents.push_back(
                                {pool.indexes[p], sim,
                                 history.positive_at(pool.indexes[p], known_at[q])});
                    }
                }
            });
        }
    }

    // History: one sweep through time, answering each query when its moment comes.
    Keys keys;
    std::vector<std::vector<int>> file_keys(commits.size()), dir_keys(commits.size());
    std::vector<int> author_key(commits.size());
    for (size_t i = 0; i < commits.size(); ++i) {
        for (auto& f : commits[i].files) {
            file_keys[i].push_back(keys.intern("f:" + f.path));
            dir_keys[i].push_back(keys.intern("d:" + directory_of(f.path)));
        }
        std::ranges::sort(dir_keys[i]);
        dir_keys[i].erase(std::unique(dir_keys[i].begin(), dir_keys[i].end()), dir_keys[i].end());
        author_key[i] = keys.intern("a:" + commits[i].author_email);
    }
    std::vector<Counter> counters(keys.ids.size());
    Counter total;
    // Events: (time, kind, history index); commits (kind 0) and labels (kind 1).
    std::vector<std::tuple<int64_t, int, size_t>> events;
    for (size_t i = 0; i < commits.size(); ++i) {
        events.emplace_back(commits[i].time, 0, i);
        if (history.first_positive(i) != kNever)
            events.emplace_back(history.first_positive(i), 1, i);
    }
    std::ranges::sort(events);
    std::vector<size_t> order(queries.size());
    std::iota(order.begin(), order.end(), 0);
    std::ranges::sort(order, [&](size_t a, size_t b) { return known_at[a] < known_at[b]; });
    size_t next = 0;
    auto apply = [&](size_t i, int kind, int sign) {
        auto bump = [&](Counter& c) { (kind == 0 ? c.commits : c.backports) += sign; };
        for (int k : file_keys[i]) bump(counters[k]);
        for (int k : dir_keys[i]) bump(counters[k]);
        bump(counters[author_key[i]]);
        bump(total);
    };
    for (size_t q : order) {
        int64_t when = known_at[q];
        while (next < events.size() && std::get<0>(events[next]) < when) {
            apply(std::get<2>(events[next]), std::get<1>(events[next]), +1);
            ++next;
        }
        size_t i = queries[q];
        // The commit's own record is not evidence about itself.
        bool own_commit = commits[i].time < when, own_label = history.positive_at(i, when);
        if (own_commit) apply(i, 0, -1);
        if (own_label) apply(i, 1, -1);
        HistoryStats& h = out[q].history;
        h.global_rate = total.commits ? double(total.backports) / total.commits : 0;
        for (int k : file_keys[i]) {
            double r = smoothed(counters[k], h.global_rate);
            h.file_rate_max = std::max(h.file_rate_max, r);
            h.file_rate_mean += r / file_keys[i].size();
            h.file_commits += counters[k].commits;
            h.file_backports += counters[k].backports;
        }
        for (int k : dir_keys[i]) {
            double r = smoothed(counters[k], h.global_rate);
            h.dir_rate_max = std::max(h.dir_rate_max, r);
            h.dir_rate_mean += r / dir_keys[i].size();
            h.dir_commits += counters[k].commits;
        }
        h.author_rate = smoothed(counters[author_key[i]], h.global_rate);
        h.author_commits = counters[author_key[i]].commits;
        if (own_commit) apply(i, 0, +1);
        if (own_label) apply(i, 1, +1);

        Evidence& e = out[q];
        e.known_at = when;
        int64_t stable_start = history.newest_stable_start(when);
        for (int t : commits[i].fixes_targets) {
            const CommitFacts& target = commits[static_cast<size_t>(t)];
            bool backported = history.positive_at(static_cast<size_t>(t), when);
            e.fixes_backported += backported;
            e.fixes_in_stable += backported || target.time < stable_start;
            e.fixes_age_days =
                std::max(e.fixes_age_days, (commits[i].time - target.time) / 86400.0);
        }
    }
    return out;
}

}  // namespace stablepick
