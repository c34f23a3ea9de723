#include "stablepick/cve/coverage.hpp"

#include <fmt/format.h>

#include <set>

#include "stablepick/store/commit_reads.hpp"

namespace stablepick::cve {

std::multimap<int, size_t> fixers_of(const CommitHistory& history) {
    std::multimap<int, size_t> fixers;
    const auto& commits = history.commits();
    for (size_t i = 0; i < commits.size(); ++i)
        for (int t : commits[i].fixes_targets) fixers.emplace(t, i);
    return fixers;
}

Result<std::vector<Covered>> coverage(Store& store, const CommitHistory& history, size_t i,
                                      const std::string& stable_id,
                                      const std::multimap<int, size_t>& fixers) {
    const auto& commits = history.commits();
    const CommitFacts& f = commits[i];
    std::vector<Covered> out;
    auto own = store::cves_fixed_by(store, f.id);
    if (!own) return std::unexpected(own.error());
    if (!own->empty()) {
        if (stable_id.empty())
            out.push_back({"has-cve", fmt::format("already has {}", fmt::join(*own, ", ")), *own});
        else
            out.push_back(
                {"backport-of-cve-fix",
                 fmt::format("{} is the backport of {}, which has {}", stable_id.substr(0, 12),
                             f.id.substr(0, 12), fmt::join(*own, ", ")),
                 *own});
    }
    auto reverts = store::main_reverts_of(store, f.id);
    if (!reverts) return std::unexpected(reverts.error());
    if (!reverts->empty()) {
        std::vector<std::string> shorts;
        for (auto& r : *reverts) shorts.push_back(r.substr(0, 12));
        out.push_back({"reverted", fmt::format("reverted by {}", fmt::join(shorts, ", ")), {}});
    }
    // An earlier fix of the same bug (the same Fixes: target) that already has a CVE.
    std::set<size_t> seen;
    for (int t : f.fixes_targets) {
        auto [lo, hi] = fixers.equal_range(t);
        for (auto it = lo; it != hi; ++it) {
            size_t j = it->second;
            if (j == i || commits[j].time > f.time || !seen.insert(j).second) continue;
            auto theirs = store::cves_fixed_by(store, commits[j].id);
            if (!theirs) return std::unexpected(theirs.error());
            if (theirs->empty()) continue;
            out.push_back({"bug-already-fixed",
                           fmt::format("the bug it fixes ({}) was already fixed by {} ({})",
                                       commits[static_cast<size_t>(t)].id.substr(0, 12),
                                       commits[j].id.substr(0, 12), fmt::join(*theirs, ", ")),
                           *theirs});
        }
    }
    return out;
}

Result<std::vector<std::string>> related_cves(Store& store, const CommitHistory& history,
                                              size_t i) {
    std::vector<std::string> out;
    for (int t : history.commits()[i].fixes_targets) {
        auto theirs = store::cves_fixed_by(store, history.commits()[static_cast<size_t>(t)].id);
        if (!theirs) return std::unexpected(theirs.error());
        out.insert(out.end(), theirs->begin(), theirs->end());
    }
    return out;
}

}  // namespace stablepick::cve
