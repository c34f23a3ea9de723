#include "stablepick/eval/backtest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "stablepick/embed/embeddings.hpp"
#include "stablepick/util/time.hpp"
#include "stablepick/vote/saved_model.hpp"

namespace stablepick {
namespace {

int year_of(int64_t t) {
    return std::stoi(util::format_date(t).substr(0, 4));
}

std::string date_or_now(int64_t t) {
    return t == kNever ? "now" : util::format_date(t);
}

struct ServerVectors {
    HistoryVectors vectors;
    size_t embedded = 0;
};

// The vectors of a server's embedder for the commits at `all_index` (rows `all_rows`): with a
// tag to hide, every commit's text without it embedded anew (the stored vectors saw the tag);
// else the stored vectors, the commits stored since the last embed embedded through it. None is
// stored: eval only reads the store.
Result<ServerVectors> server_vectors(Store& store, const CommitHistory& history,
                                     const std::vector<int64_t>& all_rows,
                                     const std::vector<size_t>& all_index, const TagStrip* hide,
                                     Embedder& embedder,
                                     const std::function<void(const std::string&)>& say) {
    ServerVectors out;
    out.vectors.resize(history.commits().size());
    std::vector<int64_t> rows;
    std::vector<size_t> at;
    if (hide) {
        rows = all_rows;
        at = all_index;
        say(
            fmt::format("embedding the text without the tag of {} commits through {} (not "
                        "stored: its stored vectors saw the tag)",
                        rows.size(), embedder.url()));
    } else {
        say(
            fmt::format("using the stored vectors of {} ({}): a server's model is not refitted "
                        "on the training commits",
                        embedder.id(), embedder.url()));
        auto stored = stored_vectors(store, history, embedder.id());
        if (!stored) return std::unexpected(stored.error());
        for (size_t i : all_index) {
            if ((*stored)[i].empty()) {
                rows.push_back(history.commits()[i].row);
                at.push_back(i);
            } else {
                out.vectors[i] = std::move((*stored)[i]);
            }
        }
    }
    if (rows.empty()) return out;
    auto texts = texts_of(store, rows, hide);
    if (!texts) return std::unexpected(texts.error());
    auto embedded = embedder.embed(*texts);
    if (!embedded) return std::unexpected(embedded.error());
    for (size_t r = 0; r < rows.size(); ++r) out.vectors[at[r]] = std::move((*embedded)[r]);
    out.embedded = rows.size();
    return out;
}

}  // namespace

Result<Backtest> run_backtest(Store& store, const BacktestOptions& o) {
    auto started = std::chrono::steady_clock::now();
    auto say = [&](const std::string& line) {
        if (o.progress) o.progress(line);
    };
    for (auto& v : o.voters)
        if (std::ranges::find(OfflineModel::voter_names(), v) == OfflineModel::voter_names().end())
            return fail(ErrorCode::kInvalidInput,
                        fmt::format("unknown voter '{}': the offline voters are {}", v,
                                    fmt::join(OfflineModel::voter_names(), ", ")));
    if (o.voters.empty()) return fail(ErrorCode::kInvalidInput, "--voters names no voter");

    say("reading the history");
    bool cve = o.label == Label::kCve;
    auto history = CommitHistory::load(store, {o.strip_tag, o.label});
    if (!history) return std::unexpected(history.error());
    // The embedding (and so knn and the precedents) reads the text without the tag too.
    std::optional<TagStrip> strip;
    if (!o.strip_tag.empty()) {
        auto compiled = TagStrip::compile(o.strip_tag);
        if (!compiled) return std::unexpected(compiled.error());
        strip = std::move(*compiled);
    }
    const TagStrip* hide = strip ? &*strip : nullptr;
    const auto& commits = history->commits();
    std::vector<size_t> test;
    std::vector<int64_t> train_rows, all_rows;
    std::vector<size_t> all_index;
    for (size_t i = 0; i < commits.size(); ++i) {
        if (commits[i].time >= o.until) continue;
        all_rows.push_back(commits[i].row);
        all_index.push_back(i);
        if (commits[i].time < o.split)
            train_rows.push_back(commits[i].row);
        else
            test.push_back(i);
    }
    std::string split_text = util::format_date(o.split), until_text = date_or_now(o.until);
    if (test.empty())
        return fail(
            ErrorCode::kInvalidInput,
            fmt::format("no test data: no main commit between {} and {}", split_text, until_text));
    if (train_rows.size() < 50)
        return fail(ErrorCode::kInvalidInput,
                    fmt::format("no training data: {} main commits before {}", train_rows.size(),
                                split_text));
    Backtest bt;
    bt.train_commits = train_rows.size();
    std::vector<int>& y = bt.labels;
    for (size_t i : test) y.push_back(history->first_positive(i) != kNever);
    bt.positives = std::ranges::count(y, 1);
    if (bt.positives == 0 && cve)
        return fail(ErrorCode::kNotFound,
                    fmt::format("no CVE fix among the {} commits between {} and {}: import the "
                                "CVE lists that cover them",
                                test.size(), split_text, until_text));
    if (bt.positives == 0)
        return fail(ErrorCode::kNotFound,
                    fmt::format("no backport labels for the {} commits between {} and {}: index "
                                "the stable branches or import the stable ChangeLogs that cover "
                                "them",
                                test.size(), split_text, until_text));
    if (!cve && o.warn && history->last_label_time() < std::min(o.until, commits[test.back()].time))
        o.warn(
            fmt::format("the store knows no backport after {}: later commits in the test "
                        "window all count as not backported",
                        util::format_date(history->last_label_time())));

    HistoryVectors vectors(commits.size());
    std::string embedding_id;
    if (o.embedder) {
        auto used = server_vectors(store, *history, all_rows, all_index, hide, *o.embedder, say);
        if (!used) return std::unexpected(used.error());
        vectors = std::move(used->vectors);
        bt.embedded = used->embedded;
        bt.embedder = fmt::format("{} ({})", o.embedder->id(), o.embedder->url());
        embedding_id = o.embedder->id();
    } else {
        // The builtin embedding, learned from the training commits only.
        say(fmt::format("learning the embedding from {} commits before {}", train_rows.size(),
                        split_text));
        auto train_terms = terms_of(store, train_rows, hide);
        if (!train_terms) return std::unexpected(train_terms.error());
        BuiltinFitOptions fit;
        fit.dimension = o.dimension;
        auto embedding = BuiltinModel::fit(*train_terms, fit);
        if (!embedding) return std::unexpected(embedding.error());
        train_terms = {};
        auto terms = terms_of(store, all_rows, hide);
        if (!terms) return std::unexpected(terms.error());
        for (size_t r = 0; r < all_index.size(); ++r)
            vectors[all_index[r]] = embedding->embed((*terms)[r]);
        terms = {};
        embedding_id = embedding->id();
    }

    TrainOptions train;
    train.known_at = o.split;
    train.evidence.k = o.k;
    train.ballot_voters = o.voters;
    train.ballot.threshold = o.threshold;
    train.progress = say;
    auto model = OfflineModel::train(*history, vectors, embedding_id, train);
    if (!model) return std::unexpected(model.error());
    bt.train = model->summary();

    say(fmt::format("scoring {} commits from {}", test.size(), split_text));
    std::vector<int64_t> known(test.size(), o.split);
    auto evidence = evidence_for(*history, vectors, test, known, train.evidence);
    auto all_voters = model->voters(OfflineModel::voter_names());
    if (!all_voters) return std::unexpected(all_voters.error());
    if (cve) all_voters->push_back(make_security_keywords_voter());
    auto votes = cast_votes(*all_voters, *history, vectors, test, evidence);

    // Scorers: every voter alone, then both ballots over the chosen voters.
    double base_rate_then = double(bt.train.backported) / std::max<size_t>(1, bt.train.commits);
    auto& scorers = bt.scorers;
    for (size_t v = 0; v < all_voters->size(); ++v) {
        Scorer s{(*all_voters)[v]->name(), {}, {}, {}};
        for (auto& row : votes) {
            bool abstained = row[v].verdict == Verdict::kAbstain;
            s.probabilities.push_back(abstained ? base_rate_then : row[v].probability);
            s.scores.push_back(abstained ? 0 : row[v].score);
        }
        scorers.push_back(std::move(s));
    }
    std::vector<size_t> ballot_columns;
    for (auto& name : o.voters)
        ballot_columns.push_back(
            static_cast<size_t>(std::ranges::find(OfflineModel::voter_names(), name) -
                                OfflineModel::voter_names().begin()));
    for (auto policy : {BallotPolicy::kWeighted, BallotPolicy::kMajority}) {
        Scorer s{
            fmt::format("ballot ({}: {})", ballot_policy_name(policy), fmt::join(o.voters, " + ")),
            {},
            {},
            {}};
        for (auto& row : votes) {
            std::vector<Vote> chosen;
            for (size_t col : ballot_columns) chosen.push_back(row[col]);
            auto result = model->ballot(policy).decide(std::move(chosen));
            s.probabilities.push_back(result.probability);
            s.scores.push_back(result.raw_score);
            if (policy == BallotPolicy::kMajority) s.decisions.push_back(result.selected);
        }
        scorers.insert(scorers.begin() +
                           static_cast<std::ptrdiff_t>(policy == BallotPolicy::kWeighted ? 0 : 1),
                       std::move(s));
    }

    std::vector<char> untagged;
    for (size_t i : test) untagged.push_back(!commits[i].nominated);
    bt.untagged = std::ranges::count(untagged, 1);
    for (size_t q = 0; q < test.size(); ++q) bt.untagged_positives += untagged[q] && y[q];
    bt.all = scorecard(scorers, y, {}, o.threshold);
    bt.untagged_rows = scorecard(scorers, y, untagged, o.threshold);
    std::map<int, std::vector<char>> by_year;
    for (size_t q = 0; q < test.size(); ++q) {
        auto& mask = by_year[year_of(commits[test[q]].time)];
        mask.resize(test.size());
        mask[q] = 1;
    }
    for (auto& [year, mask] : by_year) {
        std::vector<char> untagged_year(mask.size());
        for (size_t q = 0; q < mask.size(); ++q) untagged_year[q] = mask[q] && untagged[q];
        bt.years.push_back({year, scorecard(scorers, y, mask, o.threshold),
                            scorecard(scorers, y, untagged_year, o.threshold)});
    }
    bt.reliability = reliability(scorers.front().probabilities, y, 10);
    bt.base_rate = double(bt.positives) / y.size();
    const Ballot& wb = model->ballot(BallotPolicy::kWeighted);
    for (size_t v = 0; v < wb.voters().size(); ++v)
        bt.weights.emplace_back(wb.voters()[v], wb.weights()[v]);
    bt.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return bt;
}

}  // namespace stablepick
