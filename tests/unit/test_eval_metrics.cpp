#include <gtest/gtest.h>

#include "stablepick/eval/metrics.hpp"
#include "stablepick/eval/scorecard.hpp"

namespace stablepick {
namespace {

TEST(Metrics, RecallAtEachBudget) {
    // Ten commits, three backported, ranked 1st, 3rd and 8th.
    std::vector<double> s{0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05};
    std::vector<int> y{1, 0, 1, 0, 0, 0, 0, 1, 0, 0};
    EXPECT_DOUBLE_EQ(recall_at_fraction(s, y, 0.05), 1.0 / 3);  // ceil(0.5) = 1 commit
    EXPECT_DOUBLE_EQ(recall_at_fraction(s, y, 0.10), 1.0 / 3);
    EXPECT_DOUBLE_EQ(recall_at_fraction(s, y, 0.20), 1.0 / 3);
    EXPECT_DOUBLE_EQ(recall_at_fraction(s, y, 0.30), 2.0 / 3);
    EXPECT_DOUBLE_EQ(recall_at_fraction(s, y, 0.80), 1.0);
}

TEST(Metrics, RecallCountsACutTieInProportion) {
    // A rule scores four commits 1 (two backported) and the rest 0; a budget of two takes half the
    // tie.
    std::vector<double> s{1, 1, 1, 1, 0, 0, 0, 0, 0, 0};
    std::vector<int> y{1, 0, 1, 0, 0, 0, 0, 0, 0, 1};
    EXPECT_DOUBLE_EQ(recall_at_fraction(s, y, 0.2), 1.0 / 3);
    EXPECT_DOUBLE_EQ(recall_at_fraction(s, y, 0.4), 2.0 / 3);
    EXPECT_DOUBLE_EQ(recall_at_fraction(s, y, 0.5), 2.0 / 3 + 1.0 / 3 / 6);
}

// A rule whose calibration tied its top scores: ranked by its own scores inside the tie, it
// gets the credit its ranking earns; where both are equal, the tie stays.
TEST(Metrics, RankingKeyBreaksCalibrationTiesByTheScorersOwnScore) {
    Scorer s{"keywords", {0.6, 0.6, 0.6, 0.6, 0.1, 0.1}, {}, {9, 7, 5, 5, 1, 1}};
    auto key = ranking_key(s);
    EXPECT_GT(key[0], key[1]);
    EXPECT_GT(key[1], key[2]);
    EXPECT_EQ(key[2], key[3]);
    EXPECT_GT(key[3], key[4]);
    EXPECT_EQ(key[4], key[5]);
    EXPECT_DOUBLE_EQ(key[0], 1.0);
    EXPECT_DOUBLE_EQ(key[5], 0.0);
    std::vector<int> y{1, 1, 0, 0, 0, 1};
    auto rows = scorecard({s}, y, {}, 0.5);
    Scorer tied{"keywords", s.probabilities, {}, {}};
    auto tied_rows = scorecard({tied}, y, {}, 0.5);
    EXPECT_DOUBLE_EQ(rows[0].pr_auc, average_precision(key, y));
    EXPECT_GT(rows[0].pr_auc, tied_rows[0].pr_auc);
    // The threshold metrics still read the probabilities.
    EXPECT_EQ(rows[0].flagged, 4u);
    EXPECT_DOUBLE_EQ(rows[0].brier, tied_rows[0].brier);
}

TEST(Metrics, PrecisionRecallCurveAndAveragePrecision) {
    std::vector<double> s{0.9, 0.8, 0.8, 0.1};
    std::vector<int> y{1, 0, 1, 0};
    auto curve = pr_curve(s, y);
    ASSERT_EQ(curve.size(), 3u);
    EXPECT_DOUBLE_EQ(curve[0].recall, 0.5);
    EXPECT_DOUBLE_EQ(curve[0].precision, 1.0);
    EXPECT_DOUBLE_EQ(curve[1].recall, 1.0);  // the tie at 0.8 is one threshold
    EXPECT_DOUBLE_EQ(curve[1].precision, 2.0 / 3);
    EXPECT_DOUBLE_EQ(curve[2].precision, 0.5);
    EXPECT_DOUBLE_EQ(average_precision(s, y), 0.5 * 1.0 + 0.5 * 2.0 / 3);
    EXPECT_TRUE(pr_curve(s, std::vector<int>{0, 0, 0, 0}).empty());
}

TEST(Metrics, ThresholdBrierAndReliability) {
    std::vector<double> p{0.95, 0.6, 0.5, 0.2, 1.0, 0.0};
    std::vector<int> y{1, 0, 1, 0, 1, 0};
    auto t = at_threshold(p, y, 0.5);
    EXPECT_EQ(t.flagged, 4u);
    EXPECT_EQ(t.true_positives, 3u);
    EXPECT_DOUBLE_EQ(t.precision, 0.75);
    EXPECT_DOUBLE_EQ(t.recall, 1.0);
    EXPECT_DOUBLE_EQ(t.f1, 2 * 0.75 / 1.75);
    EXPECT_EQ(at_threshold(p, y, 1.5).precision, 0);
    EXPECT_DOUBLE_EQ(brier_score(p, y), (0.0025 + 0.36 + 0.25 + 0.04 + 0 + 0) / 6);
    auto bins = reliability(p, y, 4);
    ASSERT_EQ(bins.size(), 4u);
    EXPECT_EQ(bins[0].count, 2u);  // 0.2 and 0.0
    EXPECT_DOUBLE_EQ(bins[0].mean_predicted, 0.1);
    EXPECT_DOUBLE_EQ(bins[0].observed_rate, 0);
    EXPECT_EQ(bins[1].count, 0u);
    EXPECT_EQ(bins[2].count, 2u);  // 0.6 and 0.5
    EXPECT_DOUBLE_EQ(bins[2].observed_rate, 0.5);
    EXPECT_EQ(bins[3].count, 2u);  // 0.95 and exactly 1.0
    EXPECT_DOUBLE_EQ(bins[3].observed_rate, 1);
}

TEST(Scorecard, SubsetAndOwnDecisions) {
    std::vector<int> y{1, 0, 1, 0};
    Scorer ranked{"ranked", {0.9, 0.1, 0.8, 0.2}, {}};
    Scorer majority{"majority", {0.6, 0.6, 0.4, 0.4}, {1, 1, 0, 0}};
    auto all = scorecard({ranked, majority}, y, {}, 0.5);
    EXPECT_DOUBLE_EQ(all[0].pr_auc, 1.0);
    EXPECT_EQ(all[0].flagged, 2u);
    EXPECT_DOUBLE_EQ(all[1].precision, 0.5);  // its own decisions, not the threshold
    EXPECT_DOUBLE_EQ(all[1].recall, 0.5);
    std::vector<char> keep{0, 0, 1, 1};
    auto some = scorecard({ranked}, y, keep, 0.5);
    EXPECT_EQ(some[0].commits, 2u);
    EXPECT_EQ(some[0].backported, 1u);
}

}  // namespace
}  // namespace stablepick
