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

double recall_at_fraction(std::span<const double> scores, std::span<const int> labels,
                          double fraction) {
    auto order = by_score_desc(scores);
    size_t positives = std::ranges::count(labels, 1);
    if (positives == 0) return 0;
    size_t budget =
        std::min(order.size(), static_cast<size_t>(std::ceil(fraction * scores.size())));
    // A group of tied scores that the budget cuts counts in proportion, as a random order
    // within the tie would on average: rule baselines score most commits alike.
    double found = 0;
    for (size_t i = 0; i < budget;) {
        size_t j = i, tp = 0;
        while (j < order.size() && scores[order[j]] == scores[order[i]]) tp += labels[order[j++]];
        size_t taken = std::min(j, budget) - i;
        found += double(tp) * taken / (j - i);
        i = j;
    }
    return found / positives;
}

std::vector<PrPoint> pr_curve(std::span<const double> scores, std::span<const int> labels) {
    auto order = by_score_desc(scores);
    size_t positives = std::ranges::count(labels, 1);
    std::vector<PrPoint> out;
    if (positives == 0) return out;
    size_t tp = 0;
    for (size_t i = 0; i < order.size();) {
        size_t j = i;
        while (j < order.size() && scores[order[j]] == scores[order[i]]) tp += labels[order[j++]];
        out.push_back({double(tp) / positives, double(tp) / j, scores[order[i]]});
        i = j;
    }
    return out;
}

ThresholdMetrics at_threshold(std::span<const double> scores, std::span<const int> labels,
                              double threshold) {
    ThresholdMetrics m;
    size_t positives = 0;
    for (size_t i = 0; i < scores.size(); ++i) {
        positives += labels[i] != 0;
        if (scores[i] >= threshold) {
            ++m.flagged;
            m.true_positives += labels[i] != 0;
        }
    }
    m.precision = m.flagged ? double(m.true_positives) / m.flagged : 0;
    m.recall = positives ? double(m.true_positives) / positives : 0;
    m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0;
    return m;
}

double brier_score(std::span<const double> probabilities, std::span<const int> labels) {
    if (probabilities.empty()) return 0;
    double sum = 0;
    for (size_t i = 0; i < probabilities.size(); ++i)
        sum += std::pow(probabilities[i] - labels[i], 2);
    return sum / probabilities.size();
}

std::vector<ReliabilityBin> reliability(std::span<const double> probabilities,
                                        std::span<const int> labels, int bins) {
    std::vector<ReliabilityBin> out(static_cast<size_t>(std::max(1, bins)));
    for (size_t b = 0; b < out.size(); ++b) {
        out[b].low = double(b) / out.size();
        out[b].high = double(b + 1) / out.size();
    }
    std::vector<double> positives(out.size());
    for (size_t i = 0; i < probabilities.size(); ++i) {
        double p = std::clamp(probabilities[i], 0.0, 1.0);
        size_t b = std::min(out.size() - 1, static_cast<size_t>(p * out.size()));
        ++out[b].count;
        out[b].mean_predicted += p;
        positives[b] += labels[i] != 0;
    }
    for (size_t b = 0; b < out.size(); ++b)
        if (out[b].count) {
            out[b].mean_predicted /= out[b].count;
            out[b].observed_rate = positives[b] / out[b].count;
        }
    return out;
}

}  // namespace stablepick
