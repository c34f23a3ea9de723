#pragma once
// Ranking metrics for binary labels. Pure functions; thread safe.
#include <span>
#include <vector>

namespace stablepick {

// Area under the ROC curve (ties count half); 0.5 when one class is absent.
double roc_auc(std::span<const double> scores, std::span<const int> labels);
// Average precision: the area under the precision-recall curve as scikit-learn computes it.
double average_precision(std::span<const double> scores, std::span<const int> labels);
// Share of all positives found in the top `fraction` of items by score.
double recall_at_fraction(std::span<const double> scores, std::span<const int> labels,
                          double fraction);

struct PrPoint {
    double recall;
    double precision;
    double threshold;
};
// Precision-recall points, one per distinct score from the highest down (as scikit-learn's
// precision_recall_curve, without its final (recall 0, precision 1) point). Empty without
// positives.
std::vector<PrPoint> pr_curve(std::span<const double> scores, std::span<const int> labels);

struct ThresholdMetrics {
    double precision = 0, recall = 0, f1 = 0;
    size_t flagged = 0, true_positives = 0;
};
// Items scoring at or above `threshold` are flagged; precision is 0 when nothing is.
ThresholdMetrics at_threshold(std::span<const double> scores, std::span<const int> labels,
                              double threshold);

// Mean squared error of probabilities against 0/1 labels; 0 for no items.
double brier_score(std::span<const double> probabilities, std::span<const int> labels);

struct ReliabilityBin {
    double low = 0, high = 0;
    size_t count = 0;
    double mean_predicted = 0, observed_rate = 0;
};
// `bins` equal-width bins over [0, 1] (1.0 falls in the last); every bin, empty ones with count 0.
std::vector<ReliabilityBin> reliability(std::span<const double> probabilities,
                                        std::span<const int> labels, int bins = 10);

}  // namespace stablepick
