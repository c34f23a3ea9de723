#pragma once
// The evidence the offline voters weigh for one commit, gathered as it was known at one
// moment (`known_at`): the nearest earlier commits and what was decided for them, how often
// the touched files, directories and author were backported, and where the Fixes: target is.
//
// Nothing known after `known_at` is used, so a backtest sees only the past: labels arrive
// when the first stable commit carrying a fix was made, not when the store learnt of them.
#include <span>
#include <vector>

#include "stablepick/history/commit_history.hpp"
#include "stablepick/index/vector_index.hpp"

namespace stablepick {

struct Precedent {
    size_t index = 0;  // in the history
    float similarity = 0;
    bool positive = false;  // backported (or, asked about CVEs, a CVE fix) as known at the time
};

struct HistoryStats {
    double file_rate_max = 0, file_rate_mean = 0, file_commits = 0, file_backports = 0;
    double dir_rate_max = 0, dir_rate_mean = 0, dir_commits = 0;
    double author_rate = 0, author_commits = 0;
    double global_rate = 0;
};

struct Evidence {
    int64_t known_at = 0;
    std::vector<Precedent> precedents;  // best first
    HistoryStats history;
    int fixes_in_stable = 0;     // Fixes: targets in a release with a stable branch, or backported
    int fixes_backported = 0;    // Fixes: targets themselves backported
    double fixes_age_days = -1;  // age of the oldest target when this commit was made; -1: none
};

struct EvidenceOptions {
    size_t k = 10;  // precedents kept
};

// For each query (a history index, the time its evidence is known at, its vector), the
// evidence. Precedents come from `index` (none when null): vectors keyed by history index and
// added with their commit's time; each query's are those made before both it and its
// `known_at`, labelled as known at `known_at`. Uses all cores.
std::vector<Evidence> gather_evidence(const CommitHistory& history, const VectorIndex* index,
                                      std::span<const size_t> queries,
                                      std::span<const int64_t> known_at,
                                      const std::vector<std::vector<float>>& query_vectors,
                                      const EvidenceOptions& options = {});

// The similarity-weighted share of backported precedents; nullopt when there are none.
std::optional<double> precedent_vote(const std::vector<Precedent>& precedents);

}  // namespace stablepick
