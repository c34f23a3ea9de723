#include "stablepick/vote/calibration.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>

namespace stablepick {
namespace {

// Platt (1999) with the Newton method and safeguards of Lin, Lin & Weng (2007).
std::pair<double, double> fit_platt(std::span<const double> s, std::span<const int> y) {
    double prior1 = std::ranges::count(y, 1), prior0 = y.size() - prior1;
    double hi = (prior1 + 1) / (prior1 + 2), lo = 1 / (prior0 + 2);
    std::vector<double> t(y.size());
    for (size_t i = 0; i < y.size(); ++i) t[i] = y[i] ? hi : lo;
    double a = 0, b = std::log((prior0 + 1) / (prior1 + 1));
    auto objective = [&](double aa, double bb) {
        double f = 0;
        for (size_t i = 0; i < s.size(); ++i) {
            double fx = s[i] * aa + bb;
            f += fx >= 0 ? t[i] * fx + std::log1p(std::exp(-fx))
                         : (t[i] - 1) * fx + std::log1p(std::exp(fx));
        }
        return f;
    };
    double f = objective(a, b);
    constexpr double kSigma = 1e-12;
    for (int iter = 0; iter < 100; ++iter) {
        double h11 = kSigma, h22 = kSigma, h21 = 0, g1 = 0, g2 = 0;
        for (size_t i = 0; i < s.size(); ++i) {
            double fx = s[i] * a + b;
            double p = fx >= 0 ? std::exp(-fx) / (1 + std::exp(-fx)) : 1 / (1 + std::exp(fx));
            double q = 1 - p, d2 = p * q, d1 = t[i] - p;
            h11 += s[i] * s[i] * d2;
            h22 += d2;
            h21 += s[i] * d2;
            g1 += s[i] * d1;
            g2 += d1;
        }
        if (std::abs(g1) < 1e-5 && std::abs(g2) < 1e-5) break;
        double det = h11 * h22 - h21 * h21;
        double da = -(h22 * g1 - h21 * g2) / det, db = -(-h21 * g1 + h11 * g2) / det;
        double gd = g1 * da + g2 * db, step = 1;
        while (step >= 1e-10) {
            double na = a + step * da, nb = b + step * db, nf = objective(na, nb);
            if (nf < f + 1e-4 * step * gd) {
                a = na, b = nb, f = nf;
                break;
            }
            step /= 2;
        }
        if (step < 1e-10) break;
    }
    return {a, b};
}

}  // namespace

Result<Calibrator> Calibrator::fit(std::span<const double> scores, std::span<const int> labels,
                                   Method method) {
    size_t positives = std::ranges::count(labels, 1);
    if (scores.size() < 2 || scores.size() != labels.size() || positives == 0 ||
        positives == labels.size())
        return fail(
            ErrorCode::kInvalidInput,
            "cannot calibrate: the held-out commits need both backported and other commits");
    Calibrator c;
    c.method_ = method;
    if (method == Method::kPlatt) {
        std::tie(c.a_, c.b_) = fit_platt(scores, labels);
        return c;
    }
    // Pool adjacent violators over scores ascending, tied scores pooled first.
    std::vector<size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::ranges::sort(order, [&](size_t a, size_t b) { return scores[a] < scores[b]; });
    struct Block {
        double sum_x, sum_y, n;
    };
    std::vector<Block> blocks;
    for (size_t i = 0; i < order.size();) {
        size_t j = i;
        Block b{0, 0, 0};
        while (j < order.size() && scores[order[j]] == scores[order[i]]) {
            b.sum_x += scores[order[j]];
            b.sum_y += labels[order[j]];
            b.n += 1;
            ++j;
        }
        blocks.push_back(b);
        while (blocks.size() > 1) {
            Block& last = blocks.back();
            Block& prev = blocks[blocks.size() - 2];
            if (prev.sum_y / prev.n < last.sum_y / last.n) break;
            prev = {prev.sum_x + last.sum_x, prev.sum_y + last.sum_y, prev.n + last.n};
            blocks.pop_back();
        }
        i = j;
    }
    for (auto& b : blocks) {
        c.x_.push_back(b.sum_x / b.n);
        c.y_.push_back(b.sum_y / b.n);
    }
    return c;
}

double Calibrator::apply(double score) const {
    if (method_ == Method::kPlatt) {
        double fx = a_ * score + b_;
        return fx >= 0 ? std::exp(-fx) / (1 + std::exp(-fx)) : 1 / (1 + std::exp(fx));
    }
    if (x_.empty()) return 0;
    if (score <= x_.front()) return y_.front();
    if (score >= x_.back()) return y_.back();
    size_t hi = static_cast<size_t>(std::ranges::upper_bound(x_, score) - x_.begin());
    size_t lo = hi - 1;
    double w = (score - x_[lo]) / (x_[hi] - x_[lo]);
    return y_[lo] + w * (y_[hi] - y_[lo]);
}

nlohmann::json Calibrator::to_json() const {
    if (method_ == Method::kPlatt) return {{"method", "platt"}, {"a", a_}, {"b", b_}};
    return {{"method", "isotonic"}, {"x", x_}, {"y", y_}};
}

Result<Calibrator> Calibrator::from_json(const nlohmann::json& j) {
    try {
        Calibrator c;
        std::string method = j.at("method").get<std::string>();
        if (method == "platt") {
            c.method_ = Method::kPlatt;
            c.a_ = j.at("a").get<double>();
            c.b_ = j.at("b").get<double>();
            return c;
        }
        if (method != "isotonic")
            return fail(ErrorCode::kCorrupt, fmt::format("unknown calibration '{}'", method));
        c.x_ = j.at("x").get<std::vector<double>>();
        c.y_ = j.at("y").get<std::vector<double>>();
        if (c.x_.size() != c.y_.size() || c.x_.empty() || !std::ranges::is_sorted(c.x_))
            return fail(ErrorCode::kCorrupt, "saved isotonic calibration is damaged");
        return c;
    } catch (const nlohmann::json::exception& e) {
        return fail(ErrorCode::kCorrupt, fmt::format("saved calibration is damaged: {}", e.what()));
    }
}

}  // namespace stablepick
