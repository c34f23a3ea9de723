#include "stablepick/vote/ballot.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>

namespace stablepick {
namespace {

bool answered(const Vote& v) {
    return v.error.empty() && v.verdict != Verdict::kAbstain;
}

}  // namespace

std::optional<BallotPolicy> parse_ballot_policy(std::string_view name) {
    if (name == "majority") return BallotPolicy::kMajority;
    if (name == "weighted") return BallotPolicy::kWeighted;
    return std::nullopt;
}

const char* ballot_policy_name(BallotPolicy policy) {
    return policy == BallotPolicy::kMajority ? "majority" : "weighted";
}

double vote_log_odds(const Vote& vote) {
    if (!answered(vote)) return 0;
    double p = std::clamp(vote.probability, 0.01, 0.99);
    return std::log(p / (1 - p));
}

std::vector<double> fit_logistic(const std::vector<std::vector<double>>& x, std::span<const int> y,
                                 double l2) {
    size_t n = x.size(), d = x.empty() ? 0 : x.front().size();
    Eigen::MatrixXd a(n, d + 1);
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < d; ++j) a(i, j) = x[i][j];
        a(i, d) = 1;
    }
    Eigen::VectorXd w = Eigen::VectorXd::Zero(d + 1), t(n);
    for (size_t i = 0; i < n; ++i) t(i) = y[i];
    for (int iter = 0; iter < 50; ++iter) {
        Eigen::VectorXd p = (1.0 + (-(a * w)).array().exp()).inverse().matrix();
        Eigen::VectorXd s = (p.array() * (1 - p.array())).max(1e-9);
        Eigen::VectorXd grad = a.transpose() * (p - t);
        Eigen::MatrixXd hess = a.transpose() * s.asDiagonal() * a;
        for (size_t j = 0; j < d; ++j) {  // the bias is not penalised
            grad(j) += l2 * n * w(j);
            hess(j, j) += l2 * n;
        }
        hess.diagonal().array() += 1e-9;
        Eigen::VectorXd step = hess.ldlt().solve(grad);
        w -= step;
        if (step.cwiseAbs().maxCoeff() < 1e-8) break;
    }
    return std::vector<double>(w.data(), w.data() + w.size());
}

double Ballot::raw_score(const std::vector<Vote>& votes, int& yes, int& n, int& failed) const {
    yes = n = failed = 0;
    double score = bias_;
    for (size_t v = 0; v < votes.size(); ++v) {
        if (!votes[v].error.empty()) ++failed;
        if (!answered(votes[v])) continue;
        ++n;
        yes += votes[v].verdict == Verdict::kYes;
        score += weight(v) * vote_log_odds(votes[v]);
    }
    if (options_.policy == BallotPolicy::kMajority) return n ? double(yes) / n : 0;
    return score;
}

Result<Ballot> Ballot::fit(std::vector<std::string> voters,
                           const std::vector<std::vector<Vote>>& votes, std::span<const int> labels,
                           const BallotOptions& options) {
    Ballot b;
    b.voters_ = std::move(voters);
    b.options_ = options;
    b.weights_.assign(b.voters_.size(), 1.0);
    size_t positives = std::ranges::count(labels, 1);
    if (votes.empty() || positives == 0 || positives == labels.size())
        return fail(
            ErrorCode::kInvalidInput,
            "cannot fit the ballot: the held-out commits are all backported or all not backported");
    if (options.policy == BallotPolicy::kWeighted) {
        std::vector<std::vector<double>> x;
        for (auto& row : votes) {
            std::vector<double> z;
            for (auto& v : row) z.push_back(vote_log_odds(v));
            x.push_back(std::move(z));
        }
        auto w = fit_logistic(x, labels);
        b.weights_.assign(w.begin(), w.end() - 1);
        b.bias_ = w.back();
    }
    std::vector<double> raw;
    for (auto& row : votes) {
        int yes, n, failed;
        raw.push_back(b.raw_score(row, yes, n, failed));
    }
    auto cal = Calibrator::fit(raw, labels, options.calibration);
    if (!cal) return std::unexpected(cal.error());
    b.calibrator_ = std::move(*cal);
    return b;
}

BallotResult Ballot::decide(std::vector<Vote> votes) const {
    BallotResult r;
    r.raw_score = raw_score(votes, r.yes, r.answered, r.failed);
    r.probability = calibrator_ ? calibrator_->apply(r.raw_score) : r.raw_score;
    if (options_.policy == BallotPolicy::kMajority)
        r.selected = r.answered > 0 && 2 * r.yes >= r.answered + 1;
    else
        r.selected = r.probability >= options_.threshold;
    // Reasons: the answers that pushed towards the outcome, the heaviest first.
    std::vector<std::pair<double, size_t>> pushes;
    for (size_t v = 0; v < votes.size(); ++v) {
        if (!answered(votes[v]) || votes[v].reason.empty()) continue;
        double push = weight(v) * vote_log_odds(votes[v]);
        if (options_.policy == BallotPolicy::kMajority)
            push = (votes[v].verdict == Verdict::kYes) ? 1 : -1;
        if ((push > 0) == r.selected) pushes.emplace_back(std::abs(push), v);
    }
    std::ranges::sort(pushes, std::greater<>());
    for (auto& [push, v] : pushes) {
        if (r.reasons.size() == 3) break;
        r.reasons.push_back(fmt::format("{}: {}", votes[v].voter, votes[v].reason));
    }
    // Selected with no answer pushing towards it: the weighted ballot's bias and calibration
    // did it (several voters each a little under their own line); say so, with the scores.
    if (r.selected && r.reasons.empty()) {
        std::vector<std::string> scores;
        for (auto& v : votes)
            if (answered(v)) scores.push_back(fmt::format("{} {:.2f}", v.voter, v.probability));
        r.reasons.push_back(fmt::format(
            "ballot: no voter says yes alone, but their scores together ({}) are calibrated to "
            "{:.0f} % on past commits, at or above the threshold of {:.0f} %",
            fmt::join(scores, ", "), 100 * r.probability, 100 * options_.threshold));
    }
    for (auto& v : votes)
        if (!v.error.empty()) r.reasons.push_back(fmt::format("{} failed: {}", v.voter, v.error));
    r.votes = std::move(votes);
    return r;
}

nlohmann::json Ballot::to_json() const {
    return {{"voters", voters_},
            {"weights", weights_},
            {"bias", bias_},
            {"policy", ballot_policy_name(options_.policy)},
            {"threshold", options_.threshold},
            {"calibrator", calibrator_ ? calibrator_->to_json() : nlohmann::json()}};
}

Result<Ballot> Ballot::from_json(const nlohmann::json& j) {
    try {
        Ballot b;
        b.voters_ = j.at("voters").get<std::vector<std::string>>();
        b.weights_ = j.at("weights").get<std::vector<double>>();
        b.bias_ = j.at("bias").get<double>();
        auto policy = parse_ballot_policy(j.at("policy").get<std::string>());
        if (!policy || b.weights_.size() != b.voters_.size())
            return fail(ErrorCode::kCorrupt, "saved ballot is damaged");
        b.options_.policy = *policy;
        b.options_.threshold = j.at("threshold").get<double>();
        if (!j.at("calibrator").is_null()) {
            auto cal = Calibrator::from_json(j.at("calibrator"));
            if (!cal) return std::unexpected(cal.error());
            b.options_.calibration = cal->method();
            b.calibrator_ = std::move(*cal);
        }
        return b;
    } catch (const nlohmann::json::exception& e) {
        return fail(ErrorCode::kCorrupt, fmt::format("saved ballot is damaged: {}", e.what()));
    }
}

}  // namespace stablepick
