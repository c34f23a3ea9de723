#pragma once
// A time-split backtest of the offline voters and the ballot: everything is learned from the
// commits before the split with the labels known then (the builtin embedding too); the
// commits in [split, until) are scored and compared with what really happened. Every voter
// alone (the rule baselines among them) and both ballots are scored in the same run.
//
// A server's embedder cannot be refitted on the training window: its stored vectors are used as
// they are (each made from one commit's text alone, so no label leaks through them, but the
// server's model was trained on whatever its makers chose), and with a tag to hide, every
// commit's text without the tag is embedded through it anew (kept in memory, never stored).
//
// REQUIRES: the store belongs to the calling thread for the call.
#include <functional>
#include <string>
#include <vector>

#include "stablepick/embed/embedder.hpp"
#include "stablepick/eval/metrics.hpp"
#include "stablepick/eval/scorecard.hpp"
#include "stablepick/store/store.hpp"
#include "stablepick/vote/offline_model.hpp"

namespace stablepick {

struct BacktestOptions {
    int64_t split = 0;
    int64_t until = kNever;
    std::string strip_tag;            // trailer lines hidden from every scorer (RE2)
    std::vector<std::string> voters;  // in the ballots
    double threshold = 0.5;           // that selects a commit
    size_t k = 10;                    // precedents per commit
    int dimension = 128;              // of the builtin embedding
    // A server's embedder, whose vectors are used instead of the builtin embedding learned from
    // the training commits; null: the builtin one. REQUIRES: its stored vectors are whole.
    Embedder* embedder = nullptr;
    Label label = Label::kBackport;
    std::function<void(const std::string&)> progress;  // one line per stage
    std::function<void(const std::string&)> warn;
};

struct YearScores {
    int year = 0;
    std::vector<ScorecardRow> all, untagged;
};

struct Backtest {
    TrainSummary train;
    size_t train_commits = 0;  // made before the split (the unsettled newest ones included)
    std::vector<int> labels;   // per scored commit
    size_t positives = 0, untagged = 0, untagged_positives = 0;
    double base_rate = 0;
    // The weighted ballot, the majority ballot, then every voter alone.
    std::vector<Scorer> scorers;
    std::vector<ScorecardRow> all, untagged_rows;
    std::vector<YearScores> years;
    std::vector<ReliabilityBin> reliability;              // of the weighted ballot
    std::vector<std::pair<std::string, double>> weights;  // the weighted ballot's
    std::string embedder;  // the server's embedder whose vectors were used; empty: builtin
    size_t embedded = 0;   // commits embedded through it for this run (stripped, or new)
    double seconds = 0;
};

// kInvalidInput for bad options or too little data on either side of the split; kNotFound
// when the scored commits hold no positive (saying what to import).
Result<Backtest> run_backtest(Store& store, const BacktestOptions& options);

}  // namespace stablepick
