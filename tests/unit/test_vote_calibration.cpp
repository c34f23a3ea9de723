#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "stablepick/vote/calibration.hpp"

namespace stablepick {
namespace {

TEST(Calibration, IsotonicPoolsAdjacentViolators) {
    // Sorted by score the labels are 0 1 0 1 1: the middle violation pools (0.2, 0.3) to 0.5.
    std::vector<double> s{0.1, 0.2, 0.3, 0.4, 0.5};
    std::vector<int> y{0, 1, 0, 1, 1};
    auto c = Calibrator::fit(s, y, Calibrator::Method::kIsotonic);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_DOUBLE_EQ(c->apply(0.1), 0.0);
    EXPECT_DOUBLE_EQ(c->apply(0.25), 0.5);  // the pooled block's centre
    EXPECT_DOUBLE_EQ(c->apply(0.45), 1.0);  // between blocks at 0.4 and 0.5, both 1
    EXPECT_DOUBLE_EQ(c->apply(-5), 0.0);    // clamped at the ends
    EXPECT_DOUBLE_EQ(c->apply(5), 1.0);
    EXPECT_DOUBLE_EQ(c->apply(0.175), 0.25);  // halfway from 0.1 (0) to 0.25 (0.5)
}

TEST(Calibration, IsotonicTiesFormOneBlock) {
    std::vector<double> s{0.5, 0.5, 0.5, 0.5, 0.9};
    std::vector<int> y{1, 0, 0, 0, 1};
    auto c = Calibrator::fit(s, y, Calibrator::Method::kIsotonic);
    ASSERT_TRUE(c);
    EXPECT_DOUBLE_EQ(c->apply(0.5), 0.25);
    EXPECT_DOUBLE_EQ(c->apply(0.9), 1.0);
}

TEST(Calibration, PlattRecoversAKnownLogistic) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(-3, 3), coin(0, 1);
    std::vector<double> s;
    std::vector<int> y;
    for (int i = 0; i < 20000; ++i) {
        double x = u(rng);
        s.push_back(x);
        y.push_back(coin(rng) < 1 / (1 + std::exp(-(2 * x - 1))) ? 1 : 0);
    }
    auto c = Calibrator::fit(s, y, Calibrator::Method::kPlatt);
    ASSERT_TRUE(c);
    for (double x : {-2.0, 0.0, 0.5, 2.0})
        EXPECT_NEAR(c->apply(x), 1 / (1 + std::exp(-(2 * x - 1))), 0.03) << x;
    // Separable data: finite, monotone, no NaN.
    auto sep = Calibrator::fit(std::vector<double>{0, 1, 2, 3}, std::vector<int>{0, 0, 1, 1},
                               Calibrator::Method::kPlatt);
    ASSERT_TRUE(sep);
    double prev = -1;
    for (double x = -1; x <= 4; x += 0.25) {
        double p = sep->apply(x);
        ASSERT_TRUE(std::isfinite(p));
        EXPECT_GE(p, prev);
        prev = p;
    }
    EXPECT_LT(sep->apply(0), 0.5);
    EXPECT_GT(sep->apply(3), 0.5);
}

TEST(Calibration, JsonRoundTripAndBadInput) {
    auto c = Calibrator::fit(std::vector<double>{0.1, 0.2, 0.3}, std::vector<int>{0, 1, 1},
                             Calibrator::Method::kIsotonic);
    ASSERT_TRUE(c);
    auto back = Calibrator::from_json(c->to_json());
    ASSERT_TRUE(back);
    for (double x : {0.0, 0.15, 0.25, 1.0}) EXPECT_DOUBLE_EQ(back->apply(x), c->apply(x));
    EXPECT_FALSE(Calibrator::fit(std::vector<double>{0.1, 0.2}, std::vector<int>{1, 1},
                                 Calibrator::Method::kIsotonic));
    EXPECT_FALSE(
        Calibrator::fit(std::vector<double>{0.1}, std::vector<int>{1}, Calibrator::Method::kPlatt));
    auto garbage = Calibrator::from_json(nlohmann::json{{"method", "isotonic"}, {"x", "nope"}});
    ASSERT_FALSE(garbage);
    EXPECT_EQ(garbage.error().code, ErrorCode::kCorrupt);
    EXPECT_FALSE(Calibrator::from_json(nlohmann::json{{"method", "magic"}}));
}

}  // namespace
}  // namespace stablepick
