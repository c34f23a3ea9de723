#pragma once
// The figures a backtest reports for each scorer on one set of commits: ranking quality,
// the decision at the ballot's threshold, recall at review budgets and calibration.
// Pure functions; thread safe.
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <vector>

namespace stablepick {

struct Scorer {
    std::string name;
    std::vector<double> probabilities;  // one per commit
    // Decisions when the scorer has its own rule (the majority ballot); empty: probability >=
    // threshold.
    std::vector<int> decisions;
    // The scorer's own scores before calibration (Vote::score), one per commit; empty: none.
    // Where calibration made distinct scores equal, the ranking metrics order by these.
    std::vector<double> scores;
};

// What the ranking metrics sort by: the probability, ties broken by the scorer's own score;
// values in [0, 1], equal only where both are equal. The probabilities when `scores` is empty.
std::vector<double> ranking_key(const Scorer& s);

struct ScorecardRow {
    std::string scorer;
    size_t commits = 0, backported = 0;
    double roc_auc = 0, pr_auc = 0;
    double precision = 0, recall = 0, f1 = 0;
    size_t flagged = 0;
    double recall_top5 = 0, recall_top10 = 0, recall_top20 = 0;
    double brier = 0;
};

// One row per scorer over the commits `keep` selects (all when empty).
std::vector<ScorecardRow> scorecard(const std::vector<Scorer>& scorers, std::span<const int> labels,
                                    std::span<const char> keep, double threshold);

std::string scorecard_markdown(const std::vector<ScorecardRow>& rows);
nlohmann::json scorecard_json(const std::vector<ScorecardRow>& rows);

}  // namespace stablepick
