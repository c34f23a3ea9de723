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
double recall_at_fraction(std::span<const double> scores, std::span<const int> labels, double fraction);

}  // namespace stablepick
