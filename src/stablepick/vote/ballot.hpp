#pragma once
// The ballot: combines the votes on one commit into a decision and a calibrated probability.
//
// - majority (AUTOSEL's rule): yes when yes-votes >= (n+1)/2, n counting only the voters that
//   answered; a failed or abstaining voter is left out of n and its failure recorded.
// - weighted: each voter's weight is learned from its skill on held-out history (stacking:
//   a logistic regression over the voters' log-odds); yes at or above the threshold.
// Either way the probability is the raw score mapped through a calibrator fitted on held-out
// history, so "0.7" means that about 7 in 10 such commits were backported.
//
// Immutable once fitted; decide() is thread safe.
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "stablepick/core/error.hpp"
#include "stablepick/core/vote.hpp"
#include "stablepick/vote/calibration.hpp"

namespace stablepick {

enum class BallotPolicy { kMajority, kWeighted };
std::optional<BallotPolicy> parse_ballot_policy(std::string_view name);
const char* ballot_policy_name(BallotPolicy policy);

struct BallotOptions {
    BallotPolicy policy = BallotPolicy::kWeighted;
    Calibrator::Method calibration = Calibrator::Method::kIsotonic;
    double threshold = 0.5;  // weighted: calibrated probability that selects a commit
};

class Ballot {
  public:
    // Learns the weights and the calibration from `votes` (one row per held-out commit, one
    // column per voter in `voters` order) and what really happened (`labels`).
    // kInvalidInput when the held-out commits hold only one class.
    static Result<Ballot> fit(std::vector<std::string> voters,
                              const std::vector<std::vector<Vote>>& votes,
                              std::span<const int> labels, const BallotOptions& options);

    // REQUIRES: votes in the order of voters(), then the votes of voters the ballot was not
    // fitted with (LLM voters): each counts in n for the majority, and weighs
    // kUnfittedWeight on its log-odds in the weighted score.
    BallotResult decide(std::vector<Vote> votes) const;
    static constexpr double kUnfittedWeight = 1.0;

    const std::vector<std::string>& voters() const { return voters_; }
    const std::vector<double>& weights() const { return weights_; }
    const BallotOptions& options() const { return options_; }

    nlohmann::json to_json() const;
    static Result<Ballot> from_json(const nlohmann::json& j);

  private:
    double raw_score(const std::vector<Vote>& votes, int& yes, int& answered, int& failed) const;
    double weight(size_t v) const { return v < weights_.size() ? weights_[v] : kUnfittedWeight; }
    std::vector<std::string> voters_;
    std::vector<double> weights_;  // weighted: per voter; majority: all 1
    double bias_ = 0;
    BallotOptions options_;
    std::optional<Calibrator> calibrator_;
};

// A voter's log-odds as the weighted ballot reads it (0 when it did not answer).
double vote_log_odds(const Vote& vote);

// Logistic regression by Newton's method with a small L2 penalty: weights then bias.
// Exposed for tests.
std::vector<double> fit_logistic(const std::vector<std::vector<double>>& x, std::span<const int> y,
                                 double l2 = 1e-2);

}  // namespace stablepick
