#include "stablepick/history/evidence.hpp"

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

std::vector<Evidence> gather_evidence(const CommitHistory& history, const VectorIndex* index,
                                      std::span<const size_t> queries,
                                      std::span<const int64_t> known_at,
                                      const std::vector<std::vector<float>>& query_vectors,
                                      const EvidenceOptions& options) {
    const auto& commits = history.commits();
    std::vector<Evidence> out(queries.size());

    // Precedents: the index's search, cut off where the query's evidence must end.
    if (index && index->size() > 0 && !query_vectors.empty()) {
        std::vector<IndexQuery> batch(queries.size());
        for (size_t q = 0; q < queries.size(); ++q)
            batch[q] = {query_vectors[q], std::min(commits[queries[q]].time, known_at[q]),
                        static_cast<int64_t>(queries[q])};
        auto found = index->search_batch(batch, options.k);
        for (size_t q = 0; q < queries.size(); ++q)
            for (auto& n : found[q]) {
                auto i = static_cast<size_t>(n.key);
                out[q].precedents.push_back({i, n.similarity, history.positive_at(i, known_at[q])});
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
