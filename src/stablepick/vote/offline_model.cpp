#include "stablepick/vote/offline_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "stablepick/index/vector_index.hpp"
#include "stablepick/util/time.hpp"
#include "stablepick/vote/features.hpp"

namespace stablepick {
namespace {

constexpr int64_t kDay = 86400;

std::vector<float> no_vector;

std::span<const float> vector_of(const HistoryVectors& vectors, size_t i) {
    return i < vectors.size() ? std::span<const float>(vectors[i])
                              : std::span<const float>(no_vector);
}

std::vector<Candidate> candidates_of(const CommitHistory& history, const HistoryVectors& vectors,
                                     std::span<const size_t> queries,
                                     const std::vector<Evidence>& evidence) {
    std::vector<Candidate> out;
    for (size_t q = 0; q < queries.size(); ++q)
        out.push_back({&history.commits()[queries[q]], &evidence[q], vector_of(vectors, queries[q]),
                       &history});
    return out;
}

// Each voter says yes at the ballot's threshold, so its vote and the ballot's decision mean
// the same thing (for a rare label such as "fixes a CVE" the threshold is well under 0.5).
Result<CalibratedScore> calibrate(std::span<const double> raw, std::span<const int> labels,
                                  double threshold) {
    auto cal = Calibrator::fit(raw, labels, Calibrator::Method::kIsotonic);
    if (!cal) return std::unexpected(cal.error());
    return CalibratedScore{std::move(*cal), threshold};
}

std::vector<std::vector<float>> features_of(const CommitHistory& history,
                                            const HistoryVectors& vectors,
                                            std::span<const size_t> rows,
                                            const std::vector<Evidence>& evidence) {
    std::vector<std::vector<float>> x;
    x.reserve(rows.size());
    for (size_t r = 0; r < rows.size(); ++r)
        x.push_back(
            commit_features(history.commits()[rows[r]], evidence[r], vector_of(vectors, rows[r])));
    return x;
}

nlohmann::json calibrated_json(const CalibratedScore& c) {
    return {{"threshold", c.threshold},
            {"calibrator", c.calibrator ? c.calibrator->to_json() : nlohmann::json()}};
}

Result<CalibratedScore> calibrated_from_json(const nlohmann::json& j) {
    CalibratedScore c;
    c.threshold = j.at("threshold").get<double>();
    if (!j.at("calibrator").is_null()) {
        auto cal = Calibrator::from_json(j.at("calibrator"));
        if (!cal) return std::unexpected(cal.error());
        c.calibrator = std::move(*cal);
    }
    return c;
}

}  // namespace

int64_t backport_delay(const CommitHistory& history, int64_t known_at) {
    std::vector<int64_t> delays;
    for (size_t i = 0; i < history.commits().size(); ++i) {
        int64_t fb = history.first_positive(i);
        if (fb < known_at && fb != kNever)
            delays.push_back(std::max<int64_t>(0, fb - history.commits()[i].time));
    }
    if (delays.empty()) return 90 * kDay;
    auto nth = delays.begin() + static_cast<std::ptrdiff_t>(delays.size() * 9 / 10);
    std::nth_element(delays.begin(), nth, delays.end());
    return std::clamp<int64_t>(*nth, 14 * kDay, 365 * kDay);
}

std::vector<Evidence> evidence_for(const CommitHistory& history, const HistoryVectors& vectors,
                                   std::span<const size_t> queries,
                                   std::span<const int64_t> known_at,
                                   const EvidenceOptions& options) {
    int64_t latest = known_at.empty() ? 0 : *std::ranges::max_element(known_at);
    const auto& commits = history.commits();
    int dimension = 0;
    for (auto& v : vectors)
        if (!v.empty()) {
            dimension = static_cast<int>(v.size());
            break;
        }
    ExactIndex index(dimension);
    for (size_t i = 0; i < commits.size() && i < vectors.size(); ++i)
        if (!vectors[i].empty() && commits[i].time < latest)
            index.add(static_cast<int64_t>(i), vectors[i], commits[i].time);
    std::vector<std::vector<float>> query_vectors;
    bool have_vectors = index.size() > 0;
    for (size_t q : queries) {
        if (q < vectors.size() && !vectors[q].empty())
            query_vectors.push_back(vectors[q]);
        else
            have_vectors = false;
    }
    if (!have_vectors) query_vectors.clear();
    return gather_evidence(history, &index, queries, known_at, query_vectors, options);
}

std::vector<std::vector<Vote>> cast_votes(const std::vector<std::unique_ptr<Voter>>& voters,
                                          const CommitHistory& history,
                                          const HistoryVectors& vectors,
                                          std::span<const size_t> queries,
                                          const std::vector<Evidence>& evidence,
                                          std::span<const Prompt> prompts) {
    auto candidates = candidates_of(history, vectors, queries, evidence);
    if (!prompts.empty())
        for (size_t q = 0; q < queries.size(); ++q) candidates[q].prompt = &prompts[q];
    // Voters run side by side: with LLM voters the run takes as long as the slowest one.
    std::vector<std::vector<Vote>> by_voter(voters.size());
    {
        std::vector<std::jthread> running;
        for (size_t v = 1; v < voters.size(); ++v)
            running.emplace_back([&, v] { by_voter[v] = voters[v]->vote(candidates); });
        if (!voters.empty()) by_voter[0] = voters[0]->vote(candidates);
    }
    std::vector<std::vector<Vote>> out(queries.size());
    for (auto& votes : by_voter)
        for (size_t q = 0; q < queries.size(); ++q) out[q].push_back(std::move(votes[q]));
    return out;
}

const std::vector<std::string>& OfflineModel::voter_names() {
    static const std::vector<std::string> names{"cc-stable", "fixes-tag", "keywords", "knn",
                                                "model"};
    return names;
}

Result<std::vector<std::unique_ptr<Voter>>> OfflineModel::voters(
    const std::vector<std::string>& names) const {
    std::vector<std::unique_ptr<Voter>> out;
    for (auto& name : names) {
        if (name == "cc-stable")
            out.push_back(make_cc_stable_voter());
        else if (name == "fixes-tag")
            out.push_back(make_fixes_tag_voter());
        else if (name == "keywords")
            out.push_back(make_keywords_voter(words_, keywords_cal_));
        else if (name == "knn")
            out.push_back(make_knn_voter(knn_cal_));
        else if (name == "model")
            out.push_back(make_model_voter(trees_, feature_names_, model_cal_));
        else
            return fail(ErrorCode::kInvalidInput,
                        fmt::format("unknown voter '{}': the offline voters are {}", name,
                                    fmt::join(voter_names(), ", ")));
    }
    return out;
}

Result<OfflineModel> OfflineModel::train(const CommitHistory& history,
                                         const HistoryVectors& vectors,
                                         const std::string& embedding_model,
                                         const TrainOptions& options) {
    auto say = [&](const std::string& line) {
        if (options.progress) options.progress(line);
    };
    OfflineModel m;
    m.known_at_ = options.known_at;
    m.evidence_options_ = options.evidence;
    m.default_policy_ = options.ballot.policy;
    int64_t delay = backport_delay(history, options.known_at);
    int64_t settled = options.settled_before.value_or(
        options.known_at == kNever ? kNever : options.known_at - delay);
    m.summary_.settled_before = settled;
    m.summary_.backport_delay_days = double(delay) / kDay;
    m.summary_.embedding_model = embedding_model;

    std::vector<size_t> rows;
    for (size_t i = 0; i < history.commits().size(); ++i)
        if (history.commits()[i].time < settled) rows.push_back(i);
    std::vector<int> y;
    for (size_t i : rows) y.push_back(history.positive_at(i, options.known_at));
    m.summary_.commits = rows.size();
    m.summary_.backported = std::ranges::count(y, 1);
    if (rows.size() < 50 || m.summary_.backported < 5 || m.summary_.backported == rows.size())
        return fail(
            ErrorCode::kInvalidInput,
            fmt::format(
                "too little settled history to learn from: {} commits, {} backported, made "
                "before {} (at least 50 commits are needed, 5 of them backported and 1 not; "
                "labels need about {:.0f} days to settle)",
                rows.size(), m.summary_.backported,
                settled == kNever ? std::string("now") : util::format_date(settled),
                double(delay) / kDay));
    for (size_t i : rows)
        if (i < vectors.size() && !vectors[i].empty()) {
            m.summary_.embedding_dimension = static_cast<int>(vectors[i].size());
            break;
        }
    m.feature_names_ = feature_names(m.summary_.embedding_dimension);

    // Evidence for each training commit as known when it was made.
    say(fmt::format("gathering evidence for {} training commits", rows.size()));
    std::vector<int64_t> when;
    for (size_t i : rows) when.push_back(history.commits()[i].time);
    auto evidence = evidence_for(history, vectors, rows, when, options.evidence);
    for (auto& e : evidence)  // labels as known at known_at, never later
        for (auto& p : e.precedents)
            p.positive = p.positive && history.positive_at(p.index, options.known_at);

    // Older part to learn, newest part held out to calibrate and weigh.
    size_t cut = rows.size() -
                 std::max<size_t>(20, static_cast<size_t>(rows.size() * options.holdout_fraction));
    std::span<const size_t> learn_rows(rows.data(), cut),
        hold_rows(rows.data() + cut, rows.size() - cut);
    std::span<const int> learn_y(y.data(), cut), hold_y(y.data() + cut, y.size() - cut);
    std::vector<Evidence> learn_ev(evidence.begin(), evidence.begin() + cut),
        hold_ev(evidence.begin() + cut, evidence.end());
    m.summary_.holdout = hold_rows.size();

    auto fit_learners = [&](std::span<const size_t> r, std::span<const int> labels,
                            const std::vector<Evidence>& ev) -> Status {
        std::vector<const CommitFacts*> facts;
        for (size_t i : r) facts.push_back(&history.commits()[i]);
        m.words_ = std::make_shared<WordStatistics>(WordStatistics::fit(facts, labels));
        say(fmt::format("training boosted trees on {} commits, {} features", r.size(),
                        m.feature_names_.size()));
        auto trees =
            BoostedTrees::train(features_of(history, vectors, r, ev), labels, options.trees);
        if (!trees) return std::unexpected(trees.error());
        m.trees_ = std::make_shared<BoostedTrees>(std::move(*trees));
        return {};
    };
    if (auto st = fit_learners(learn_rows, learn_y, learn_ev); !st)
        return std::unexpected(st.error());

    // Calibrate each learned voter on the held-out commits.
    say(fmt::format("calibrating on {} held-out commits", hold_rows.size()));
    {
        std::vector<double> kw, knn, model;
        std::vector<int> knn_y;
        auto hold_x = features_of(history, vectors, hold_rows, hold_ev);
        auto p = m.trees_->predict(hold_x);
        if (!p) return std::unexpected(p.error());
        for (size_t r = 0; r < hold_rows.size(); ++r) {
            kw.push_back(m.words_->score(history.commits()[hold_rows[r]]));
            model.push_back((*p)[r]);
            if (auto share = precedent_vote(hold_ev[r].precedents)) {
                knn.push_back(*share);
                knn_y.push_back(hold_y[r]);
            }
        }
        double t = options.ballot.threshold;
        auto kc = calibrate(kw, hold_y, t), mc = calibrate(model, hold_y, t),
             nc = calibrate(knn, knn_y, t);
        if (!kc || !mc) return std::unexpected(!kc ? kc.error() : mc.error());
        m.keywords_cal_ = std::move(*kc);
        m.model_cal_ = std::move(*mc);
        if (nc) m.knn_cal_ = std::move(*nc);  // no precedents at all: the raw share stands
    }
    if (auto st =
            m.fit_ballots(history, vectors, std::vector<size_t>(hold_rows.begin(), hold_rows.end()),
                          hold_ev, hold_y, options);
        !st)
        return std::unexpected(st.error());

    // Learn again from all the settled history; the calibration stays.
    if (auto st = fit_learners(rows, y, evidence); !st) return std::unexpected(st.error());
    return m;
}

Status OfflineModel::fit_ballots(const CommitHistory& history, const HistoryVectors& vectors,
                                 const std::vector<size_t>& holdout,
                                 const std::vector<Evidence>& evidence, std::span<const int> labels,
                                 const TrainOptions& options) {
    auto voters = this->voters(options.ballot_voters);
    if (!voters) return std::unexpected(voters.error());
    auto votes = cast_votes(*voters, history, vectors, holdout, evidence);
    for (auto policy : {BallotPolicy::kMajority, BallotPolicy::kWeighted}) {
        BallotOptions bo = options.ballot;
        bo.policy = policy;
        auto b = Ballot::fit(options.ballot_voters, votes, labels, bo);
        if (!b) return std::unexpected(b.error());
        (policy == BallotPolicy::kMajority ? majority_ : weighted_) = std::move(*b);
    }
    return {};
}

nlohmann::json OfflineModel::to_json(const std::string& store_id) const {
    auto trees = trees_->save();
    return {{"format", kOfflineModelFormat},
            {"feature_version", kFeatureVersion},
            {"store_id", store_id},
            {"known_at", known_at_},
            {"features", feature_names_},
            {"evidence", {{"k", evidence_options_.k}}},
            {"summary",
             {{"commits", summary_.commits},
              {"backported", summary_.backported},
              {"holdout", summary_.holdout},
              {"settled_before", summary_.settled_before},
              {"backport_delay_days", summary_.backport_delay_days},
              {"embedding_model", summary_.embedding_model},
              {"embedding_dimension", summary_.embedding_dimension}}},
            {"words", words_->to_json()},
            {"trees", trees ? nlohmann::json::parse(*trees) : nlohmann::json()},
            {"keywords", calibrated_json(keywords_cal_)},
            {"knn", calibrated_json(knn_cal_)},
            {"model", calibrated_json(model_cal_)},
            {"ballots", {{"majority", majority_.to_json()}, {"weighted", weighted_.to_json()}}},
            {"default_policy", ballot_policy_name(default_policy_)}};
}

Result<OfflineModel> OfflineModel::from_json(const nlohmann::json& j, const std::string& store_id) {
    const std::string retrain = "run 'stablepick train' to learn a new one";
    try {
        if (j.at("format").get<int>() != kOfflineModelFormat)
            return fail(
                ErrorCode::kInvalidInput,
                fmt::format("the saved voters' model has format {}, this stablepick reads {}: {}",
                            j.at("format").get<int>(), kOfflineModelFormat, retrain));
        if (j.at("feature_version").get<int>() != kFeatureVersion)
            return fail(ErrorCode::kInvalidInput,
                        fmt::format("the saved voters' model uses feature version {}, this "
                                    "stablepick computes version {}: {}",
                                    j.at("feature_version").get<int>(), kFeatureVersion, retrain));
        if (j.at("store_id").get<std::string>() != store_id)
            return fail(
                ErrorCode::kInvalidInput,
                fmt::format(
                    "the saved voters' model was trained on another store ({}, this one is {}): {}",
                    j.at("store_id").get<std::string>(), store_id, retrain));
        OfflineModel m;
        m.known_at_ = j.at("known_at").get<int64_t>();
        m.feature_names_ = j.at("features").get<std::vector<std::string>>();
        m.evidence_options_.k = j.at("evidence").at("k").get<size_t>();
        auto& s = j.at("summary");
        m.summary_.commits = s.at("commits").get<size_t>();
        m.summary_.backported = s.at("backported").get<size_t>();
        m.summary_.holdout = s.at("holdout").get<size_t>();
        m.summary_.settled_before = s.at("settled_before").get<int64_t>();
        m.summary_.backport_delay_days = s.at("backport_delay_days").get<double>();
        m.summary_.embedding_model = s.at("embedding_model").get<std::string>();
        m.summary_.embedding_dimension = s.at("embedding_dimension").get<int>();
        auto words = WordStatistics::from_json(j.at("words"));
        if (!words) return std::unexpected(words.error());
        m.words_ = std::make_shared<WordStatistics>(std::move(*words));
        auto trees = BoostedTrees::load(j.at("trees").dump());
        if (!trees) return std::unexpected(trees.error());
        m.trees_ = std::make_shared<BoostedTrees>(std::move(*trees));
        for (auto [name, slot] : {std::pair{"keywords", &m.keywords_cal_},
                                  {"knn", &m.knn_cal_},
                                  {"model", &m.model_cal_}}) {
            auto c = calibrated_from_json(j.at(name));
            if (!c) return std::unexpected(c.error());
            *slot = std::move(*c);
        }
        for (auto [name, slot] :
             {std::pair{"majority", &m.majority_}, {"weighted", &m.weighted_}}) {
            auto b = Ballot::from_json(j.at("ballots").at(name));
            if (!b) return std::unexpected(b.error());
            *slot = std::move(*b);
        }
        auto policy = parse_ballot_policy(j.at("default_policy").get<std::string>());
        if (!policy)
            return fail(ErrorCode::kCorrupt,
                        "the saved voters' model names an unknown ballot policy");
        m.default_policy_ = *policy;
        return m;
    } catch (const nlohmann::json::exception& e) {
        return fail(ErrorCode::kCorrupt,
                    fmt::format("the saved voters' model is damaged ({}): {}", e.what(), retrain));
    }
}

}  // namespace stablepick
