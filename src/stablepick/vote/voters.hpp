#pragma once
// Voters: each answers, for a batch of commits, yes / no / abstain with a probability, a short
// reason and the evidence it used. The offline voters live here: the rule baselines
// (cc-stable, fixes-tag, keywords), the precedents' vote (knn) and the learned model.
//
// Thread safety: vote() is const and may run concurrently with other voters' vote().
// A voter never throws: when it fails it abstains with Vote::error set, and the ballot
// leaves it out (as ccache leaves out a failed storage backend).
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "stablepick/core/vote.hpp"
#include "stablepick/history/commit_history.hpp"
#include "stablepick/history/evidence.hpp"
#include "stablepick/vote/boosted_trees.hpp"
#include "stablepick/vote/calibration.hpp"

namespace stablepick {

// Everything an offline voter may read about one commit.
struct Candidate {
    const CommitFacts* facts = nullptr;
    const Evidence* evidence = nullptr;
    std::span<const float> embedding;
    const CommitHistory* history = nullptr;  // to name precedents
    const Prompt* prompt = nullptr;          // for LLM voters; they abstain without one
};

class Voter {
  public:
    virtual ~Voter() = default;
    virtual std::string name() const = 0;
    // One vote per candidate, in order.
    virtual std::vector<Vote> vote(std::span<const Candidate> candidates) const = 0;
};

// Yes when the commit carries a stable nomination (Cc: stable).
std::unique_ptr<Voter> make_cc_stable_voter();
// Yes when the commit has a Fixes: tag.
std::unique_ptr<Voter> make_fixes_tag_voter();

// The rule baseline for security fixes: yes when the message names a kind of bug that is
// usually a vulnerability (use-after-free, out-of-bounds, overflow, NULL dereference, leak,
// race, a sanitizer or fuzzer report, …); the more it names, the higher its score.
std::unique_ptr<Voter> make_security_keywords_voter();

// Word statistics of commit messages (the approach of the first AUTOSEL): each word's
// log-odds of appearing in a backported commit's message, learned from history.
class WordStatistics {
  public:
    static WordStatistics fit(std::span<const CommitFacts* const> commits,
                              std::span<const int> labels);
    double score(const CommitFacts& facts) const;  // probability before calibration
    // The words of `facts` that most raise its score, strongest first.
    std::vector<std::string> top_words(const CommitFacts& facts, size_t n) const;
    nlohmann::json to_json() const;
    static Result<WordStatistics> from_json(const nlohmann::json& j);

  private:
    double prior_ = 0;
    std::unordered_map<std::string, float> weight_;
};

// A learned score mapped to a probability by a calibrator; yes at or above `threshold`.
struct CalibratedScore {
    std::optional<Calibrator> calibrator;  // identity when absent
    double threshold = 0.5;
    double probability(double raw) const;
};

std::unique_ptr<Voter> make_keywords_voter(std::shared_ptr<const WordStatistics> words,
                                           CalibratedScore calibration);
// The similarity-weighted vote of the nearest earlier commits' decisions; abstains when it
// has no precedent.
std::unique_ptr<Voter> make_knn_voter(CalibratedScore calibration);
// Gradient-boosted trees over features.hpp's features; reasons are the largest contributions.
std::unique_ptr<Voter> make_model_voter(std::shared_ptr<const BoostedTrees> trees,
                                        std::vector<std::string> feature_names,
                                        CalibratedScore calibration);

}  // namespace stablepick
