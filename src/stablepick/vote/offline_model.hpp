#pragma once
// Everything the offline voters learn from a repository's history, trained in one go:
// the word statistics, the boosted trees, each learned voter's calibration and the ballots'
// weights and calibration, all fitted without looking past `known_at`.
//
// Training holds out the newest part of the settled history: the voters learn on the older
// part, are calibrated and weighed on the held-out part, then learn again on all of it.
// Commits younger than the usual backport delay at `known_at` are not used, since whether
// they will be backported was not known yet.
//
// Immutable once trained; voters() may be called from any thread.
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/history/commit_history.hpp"
#include "stablepick/history/evidence.hpp"
#include "stablepick/vote/ballot.hpp"
#include "stablepick/vote/boosted_trees.hpp"
#include "stablepick/vote/voters.hpp"

namespace stablepick {

inline constexpr int kOfflineModelFormat = 1;

struct TrainOptions {
    int64_t known_at = kNever;  // labels and commits as known then
    std::optional<int64_t>
        settled_before;  // default: known_at minus the 90th-percentile backport delay
    double holdout_fraction = 0.2;
    EvidenceOptions evidence;
    BoostedTreesOptions trees;
    std::vector<std::string> ballot_voters{"knn", "model"};
    BallotOptions ballot;                              // the policy decide() uses by default
    std::function<void(const std::string&)> progress;  // one line per stage
};

struct TrainSummary {
    size_t commits = 0, backported = 0;  // training commits and how many were backported
    size_t holdout = 0;                  // of which held out for calibration
    int64_t settled_before = 0;
    double backport_delay_days = 0;  // 90th percentile, as known at known_at
    std::string embedding_model;
    int embedding_dimension = 0;
};

// The vectors of history commits, aligned with CommitHistory::commits() (empty where none).
using HistoryVectors = std::vector<std::vector<float>>;

class OfflineModel {
  public:
    static Result<OfflineModel> train(const CommitHistory& history, const HistoryVectors& vectors,
                                      const std::string& embedding_model,
                                      const TrainOptions& options);

    // Every voter this model can field, by name: cc-stable, fixes-tag, keywords, knn, model.
    static const std::vector<std::string>& voter_names();
    // The named voters; kInvalidInput naming an unknown one.
    Result<std::vector<std::unique_ptr<Voter>>> voters(const std::vector<std::string>& names) const;

    const Ballot& ballot(BallotPolicy policy) const {
        return policy == BallotPolicy::kMajority ? majority_ : weighted_;
    }
    BallotPolicy default_policy() const { return default_policy_; }
    const TrainSummary& summary() const { return summary_; }
    int64_t known_at() const { return known_at_; }
    const EvidenceOptions& evidence_options() const { return evidence_options_; }

    // Tied to a store and a feature version: from_json refuses a model made for another store
    // or by another feature version, saying how to retrain.
    nlohmann::json to_json(const std::string& store_id) const;
    static Result<OfflineModel> from_json(const nlohmann::json& j, const std::string& store_id);

  private:
    OfflineModel() = default;
    Status fit_ballots(const CommitHistory& history, const HistoryVectors& vectors,
                       const std::vector<size_t>& holdout, const std::vector<Evidence>& evidence,
                       std::span<const int> labels, const TrainOptions& options);
    std::shared_ptr<const WordStatistics> words_;
    std::shared_ptr<const BoostedTrees> trees_;
    std::vector<std::string> feature_names_;
    CalibratedScore keywords_cal_, knn_cal_, model_cal_;
    Ballot majority_, weighted_;
    BallotPolicy default_policy_ = BallotPolicy::kWeighted;
    EvidenceOptions evidence_options_;
    TrainSummary summary_;
    int64_t known_at_ = 0;
};

// Evidence for history commits `queries`, each as known at known_at[q], with precedents from
// every history commit that has a vector.
std::vector<Evidence> evidence_for(const CommitHistory& history, const HistoryVectors& vectors,
                                   std::span<const size_t> queries,
                                   std::span<const int64_t> known_at,
                                   const EvidenceOptions& options);

// Votes of `voters` on history commits: votes[q][v]. `prompts` (one per query, or none) are
// what LLM voters read. The voters vote concurrently.
std::vector<std::vector<Vote>> cast_votes(const std::vector<std::unique_ptr<Voter>>& voters,
                                          const CommitHistory& history,
                                          const HistoryVectors& vectors,
                                          std::span<const size_t> queries,
                                          const std::vector<Evidence>& evidence,
                                          std::span<const Prompt> prompts = {});

// The 90th percentile of how long backported commits waited for their first backport, among
// those backported before `known_at`, in seconds (between 14 and 365 days).
int64_t backport_delay(const CommitHistory& history, int64_t known_at);

}  // namespace stablepick
