#include "stablepick/eval/scorecard.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "stablepick/eval/metrics.hpp"

namespace stablepick {

std::vector<double> ranking_key(const Scorer& s) {
    const auto& p = s.probabilities;
    if (s.scores.size() != p.size() || p.empty()) return p;
    auto pair = [&](size_t i) { return std::pair(p[i], s.scores[i]); };
    std::vector<size_t> order(p.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::ranges::sort(order, [&](size_t a, size_t b) { return pair(a) < pair(b); });
    std::vector<double> key(p.size());
    size_t rank = 0;
    for (size_t r = 0; r < order.size(); ++r) {
        if (r > 0 && pair(order[r]) != pair(order[r - 1])) ++rank;
        key[order[r]] = static_cast<double>(rank);
    }
    for (auto& k : key) k /= static_cast<double>(std::max<size_t>(1, rank));
    return key;
}

std::vector<ScorecardRow> scorecard(const std::vector<Scorer>& scorers, std::span<const int> labels,
                                    std::span<const char> keep, double threshold) {
    std::vector<ScorecardRow> rows;
    for (auto& s : scorers) {
        std::vector<double> key = ranking_key(s);
        std::vector<double> p, k;
        std::vector<int> y, d;
        for (size_t i = 0; i < labels.size(); ++i) {
            if (!keep.empty() && !keep[i]) continue;
            p.push_back(s.probabilities[i]);
            k.push_back(key[i]);
            y.push_back(labels[i]);
            if (!s.decisions.empty()) d.push_back(s.decisions[i]);
        }
        ScorecardRow r;
        r.scorer = s.name;
        r.commits = y.size();
        r.backported = std::ranges::count(y, 1);
        r.roc_auc = roc_auc(k, y);
        r.pr_auc = average_precision(k, y);
        if (s.decisions.empty()) {
            auto t = at_threshold(p, y, threshold);
            r.precision = t.precision, r.recall = t.recall, r.f1 = t.f1, r.flagged = t.flagged;
        } else {
            std::vector<double> dd(d.begin(), d.end());
            auto t = at_threshold(dd, y, 0.5);
            r.precision = t.precision, r.recall = t.recall, r.f1 = t.f1, r.flagged = t.flagged;
        }
        r.recall_top5 = recall_at_fraction(k, y, 0.05);
        r.recall_top10 = recall_at_fraction(k, y, 0.10);
        r.recall_top20 = recall_at_fraction(k, y, 0.20);
        r.brier = brier_score(p, y);
        rows.push_back(r);
    }
    return rows;
}

std::string scorecard_markdown(const std::vector<ScorecardRow>& rows) {
    std::string md =
        "| scorer | ROC-AUC | PR-AUC | precision | recall | F1 | flagged | recall in top 5 % | top "
        "10 % | top 20 % | Brier |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (auto& r : rows)
        md += fmt::format(
            "| {} | {:.3f} | {:.3f} | {:.3f} | {:.3f} | {:.3f} | {} | {:.3f} | {:.3f} | {:.3f} | "
            "{:.4f} |\n",
            r.scorer, r.roc_auc, r.pr_auc, r.precision, r.recall, r.f1, r.flagged, r.recall_top5,
            r.recall_top10, r.recall_top20, r.brier);
    return md;
}

nlohmann::json scorecard_json(const std::vector<ScorecardRow>& rows) {
    nlohmann::json out = nlohmann::json::array();
    for (auto& r : rows)
        out.push_back({{"scorer", r.scorer},
                       {"commits", r.commits},
                       {"backported", r.backported},
                       {"roc_auc", r.roc_auc},
                       {"pr_auc", r.pr_auc},
                       {"precision", r.precision},
                       {"recall", r.recall},
                       {"f1", r.f1},
                       {"flagged", r.flagged},
                       {"recall_top5", r.recall_top5},
                       {"recall_top10", r.recall_top10},
                       {"recall_top20", r.recall_top20},
                       {"brier", r.brier}});
    return out;
}

}  // namespace stablepick
