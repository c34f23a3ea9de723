#include "stablepick/eval/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace stablepick {
namespace {

std::vector<size_t> by_score_desc(std::span<const double> scores) {
    std::vector<size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::ranges::stable_sort(order, [&](size_t a, size_t b) { return scores[a] > scores[b]; });
    return order;
}

}  // namespace

double roc_auc(std::span<const double> scores, std::span<const int> labels) {
    // Mann-Whitney U with average ranks for ties.
    std::vector<size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::ranges::sort(order, [&](size_t a, size_t b) { return scores[a] < scores[b]; });
    double rank_sum = 0;
    size_t positives = 0;
    for (size_t i = 0; i < order.size();) {
        size_t j = i;
        while (j < order.size() && scores[order[j]] == scores[order[i]]) ++j;
        double avg_rank = (i + 1 + j) / 2.0;
        for (size_t k = i; k < j; ++k)
            if (labels[order[k]]) {
                rank_sum += avg_rank;
                ++positives;
            }
        i = j;
    }
    size_t negatives = scores.size() - positives;
    if (positives == 0 || negatives == 0) return 0.5;
    return (rank_sum - positives * (positives + 1) / 2.0) / (double(positives) * negatives);
}

double average_precision(std::span<const double> scores, std::span<const int> labels) {
    auto order = by_score_desc(scores);
    size_t positives = std::ranges::count(labels, 1);
    if (positives == 0) return 0;
    double ap = 0, prev_recall = 0;
    size_t tp = 0;
    for (size_t i = 0; i < order.size();) {
        size_t j = i;
        // Tied scores form one threshold.
        while (j < order.size() && scores[order[j]] == scores[order[i]]) tp += labels[order[j++]];
        double recall = double(tp) / positives, precision = double(tp) / j;
        ap += (recall - prev_recall) * precision;
        prev_recall = recall;
        i = j;
    }
    return ap;
}

double recall_at_fraction(std::span<const double> scores, std::span<const int> labels, double fraction) {
    auto order = by_score_desc(scores);
    size_t positives = std::ranges::count(labels, 1);
    if (positives == 0) return 0;
    size_t budget = static_cast<size_t>(std::ceil(fraction * scores.size()));
    size_t tp = 0;
    for (size_t i = 0; i < budget && i < order.size(); ++i) tp += labels[order[i]];
    return double(tp) / positives;
}

}  // namespace stablepick
