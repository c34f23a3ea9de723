#include "stablepick/vote/voters.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>
#include <unordered_set>

#include "stablepick/vote/features.hpp"

namespace stablepick {
namespace {

Verdict verdict_of(double probability, double threshold) {
    return probability >= threshold ? Verdict::kYes : Verdict::kNo;
}

class TagVoter : public Voter {
  public:
    TagVoter(std::string name, Trailer::Kind kind, std::string yes, std::string no)
        : name_(std::move(name)), kind_(kind), yes_(std::move(yes)), no_(std::move(no)) {}
    std::string name() const override { return name_; }
    std::vector<Vote> vote(std::span<const Candidate> candidates) const override {
        std::vector<Vote> out;
        for (auto& c : candidates) {
            Vote v{name_};
            auto it =
                std::ranges::find_if(c.facts->trailers, [&](auto& t) { return t.kind == kind_; });
            bool found = it != c.facts->trailers.end();
            v.verdict = found ? Verdict::kYes : Verdict::kNo;
            v.probability = v.score = found ? 1 : 0;
            v.reason = found ? yes_ : no_;
            if (found) v.evidence.push_back(it->key + ": " + it->value);
            out.push_back(std::move(v));
        }
        return out;
    }

  private:
    std::string name_;
    Trailer::Kind kind_;
    std::string yes_, no_;
};

double sigmoid(double x) {
    return 1 / (1 + std::exp(-x));
}

class KeywordsVoter : public Voter {
  public:
    KeywordsVoter(std::shared_ptr<const WordStatistics> words, CalibratedScore calibration)
        : words_(std::move(words)), calibration_(std::move(calibration)) {}
    std::string name() const override { return "keywords"; }
    std::vector<Vote> vote(std::span<const Candidate> candidates) const override {
        std::vector<Vote> out;
        for (auto& c : candidates) {
            Vote v{"keywords"};
            v.score = words_->score(*c.facts);
            v.probability = calibration_.probability(v.score);
            v.verdict = verdict_of(v.probability, calibration_.threshold);
            auto top = words_->top_words(*c.facts, 4);
            v.evidence = top;
            v.reason =
                top.empty()
                    ? "no telling words in the message"
                    : fmt::format(
                          "the message's words ({}) {} {} words", fmt::join(top, ", "),
                          v.verdict == Verdict::kYes ? "are typical of" : "are weak signs of",
                          c.history && c.history->label() == Label::kCve ? "CVE fixes'"
                                                                         : "backported commits'");
            out.push_back(std::move(v));
        }
        return out;
    }

  private:
    std::shared_ptr<const WordStatistics> words_;
    CalibratedScore calibration_;
};

class KnnVoter : public Voter {
  public:
    explicit KnnVoter(CalibratedScore calibration) : calibration_(std::move(calibration)) {}
    std::string name() const override { return "knn"; }
    std::vector<Vote> vote(std::span<const Candidate> candidates) const override {
        std::vector<Vote> out;
        for (auto& c : candidates) {
            Vote v{"knn"};
            bool cve = c.history && c.history->label() == Label::kCve;
            auto share = precedent_vote(c.evidence->precedents);
            if (!share) {
                v.reason = "no similar earlier commit to go by";
                out.push_back(std::move(v));
                continue;
            }
            v.score = *share;
            v.probability = calibration_.probability(v.score);
            v.verdict = verdict_of(v.probability, calibration_.threshold);
            size_t yes = 0;
            for (auto& p : c.evidence->precedents) {
                yes += p.positive;
                if (c.history && v.evidence.size() < 5)
                    v.evidence.push_back(
                        fmt::format("{} ({:.2f}, {})",
                                    c.history->commits()[p.index].id.substr(0, 12), p.similarity,
                                    p.positive ? (cve ? "CVE" : "backported")
                                               : (cve ? "no CVE" : "not backported")));
            }
            v.reason =
                fmt::format("{} of the {} most similar earlier commits {}", yes,
                            c.evidence->precedents.size(), cve ? "fixed CVEs" : "were backported");
            out.push_back(std::move(v));
        }
        return out;
    }

  private:
    CalibratedScore calibration_;
};

class ModelVoter : public Voter {
  public:
    ModelVoter(std::shared_ptr<const BoostedTrees> trees, std::vector<std::string> names,
               CalibratedScore calibration)
        : trees_(std::move(trees)),
          names_(std::move(names)),
          calibration_(std::move(calibration)) {}
    std::string name() const override { return "model"; }
    std::vector<Vote> vote(std::span<const Candidate> candidates) const override {
        std::vector<std::vector<float>> x;
        for (auto& c : candidates) x.push_back(commit_features(*c.facts, *c.evidence, c.embedding));
        std::vector<Vote> out(candidates.size(), Vote{"model"});
        auto failed = [&](const Error& e) {
            for (auto& v : out) v.error = e.message, v.reason = "the model failed";
            return out;
        };
        if (!x.empty() && x.front().size() != names_.size())
            return failed(Error{ErrorCode::kInvalidInput,
                                fmt::format("the model expects {} features, the commit has {}: "
                                            "retrain with 'stablepick train'",
                                            names_.size(), x.front().size())});
        auto p = trees_->predict(x);
        if (!p) return failed(p.error());
        auto contrib = trees_->contributions(x);
        if (!contrib) return failed(contrib.error());
        for (size_t i = 0; i < candidates.size(); ++i) {
            Vote& v = out[i];
            v.score = (*p)[i];
            v.probability = calibration_.probability(v.score);
            v.verdict = verdict_of(v.probability, calibration_.threshold);
            // The strongest pushes in the direction of the verdict, as a maintainer would say them.
            const auto& c = (*contrib)[i];
            std::vector<size_t> order(names_.size());
            std::iota(order.begin(), order.end(), 0);
            bool yes = v.verdict == Verdict::kYes;
            std::ranges::sort(
                order, [&](size_t a, size_t b) { return (yes ? c[a] > c[b] : c[a] < c[b]); });
            std::vector<std::string> said;
            for (size_t f : order) {
                if ((yes && c[f] <= 0) || (!yes && c[f] >= 0) || said.size() == 3) break;
                std::string phrase = describe_feature(
                    names_[f], x[i][f], c[f] > 0,
                    candidates[i].history ? candidates[i].history->label() : Label::kBackport);
                if (!phrase.empty() && std::ranges::find(said, phrase) == said.end()) {
                    said.push_back(phrase);
                    v.evidence.push_back(
                        fmt::format("{}={:.3g} ({:+.2f})", names_[f], x[i][f], c[f]));
                }
            }
            v.reason = said.empty() ? "learned from the project's history"
                                    : fmt::format("{}", fmt::join(said, "; "));
        }
        return out;
    }

  private:
    std::shared_ptr<const BoostedTrees> trees_;
    std::vector<std::string> names_;
    CalibratedScore calibration_;
};

std::vector<std::string> distinct_words(const CommitFacts& facts) {
    auto words = message_words(facts);
    std::ranges::sort(words);
    words.erase(std::unique(words.begin(), words.end()), words.end());
    return words;
}

// A fixed list, so the baseline learns nothing: what a CVE analyst would grep for first.
class SecurityKeywordsVoter : public Voter {
  public:
    SecurityKeywordsVoter() {
        RE2::Options options;
        options.set_case_sensitive(false);
        for (const char* p :
             {R"(use[- ]after[- ]free|\buaf\b)", R"(double[- ]free)",
              R"(out[- ]of[- ]bounds?|\boob\b)", R"(overflow|underflow|wrap[- ]?around)",
              R"(null[- ](?:pointer|ptr)(?:[- ]deref\w*)?|null deref\w*)", R"(memory leak|\bleak)",
              R"(\brace\b|data race|racy)", R"(uninitiali[sz]ed|info(?:rmation)?[- ]?leak)",
              R"(kasan|kmsan|kcsan|ubsan|syzbot|syzkaller|fuzz)",
              R"(deadlock|lockup|infinite loop|\bhang)", R"(refcount|reference count)",
              R"(\bcrash|\bpanic|\boops\b|\bbug:|general protection)",
              R"(privilege|bypass|unprivileged|\bsecurity|\bcve-)"})
            // One group around the whole pattern: the words matched become the evidence.
            patterns_.push_back(std::make_unique<RE2>(fmt::format("({})", p), options));
    }
    std::string name() const override { return "security-keywords"; }
    std::vector<Vote> vote(std::span<const Candidate> candidates) const override {
        std::vector<Vote> out;
        for (auto& c : candidates) {
            Vote v{name()};
            std::string text = c.facts->subject + "\n" + c.facts->message;
            for (auto& p : patterns_) {
                std::string found;
                if (RE2::PartialMatch(text, *p, &found)) v.evidence.push_back(found);
            }
            size_t n = v.evidence.size();
            v.probability = v.score = double(n) / double(n + 1);
            v.verdict = n ? Verdict::kYes : Verdict::kNo;
            v.reason = n ? fmt::format("names {}", fmt::join(v.evidence, ", "))
                         : "names no kind of security bug";
            out.push_back(std::move(v));
        }
        return out;
    }

  private:
    std::vector<std::unique_ptr<RE2>> patterns_;
};

}  // namespace

std::unique_ptr<Voter> make_security_keywords_voter() {
    return std::make_unique<SecurityKeywordsVoter>();
}

double CalibratedScore::probability(double raw) const {
    return calibrator ? calibrator->apply(raw) : raw;
}

std::unique_ptr<Voter> make_cc_stable_voter() {
    return std::make_unique<TagVoter>("cc-stable", Trailer::Kind::kCcStable,
                                      "nominated with Cc: stable", "no Cc: stable tag");
}
std::unique_ptr<Voter> make_fixes_tag_voter() {
    return std::make_unique<TagVoter>("fixes-tag", Trailer::Kind::kFixes, "has a Fixes: tag",
                                      "no Fixes: tag");
}
std::unique_ptr<Voter> make_keywords_voter(std::shared_ptr<const WordStatistics> words,
                                           CalibratedScore calibration) {
    return std::make_unique<KeywordsVoter>(std::move(words), std::move(calibration));
}
std::unique_ptr<Voter> make_knn_voter(CalibratedScore calibration) {
    return std::make_unique<KnnVoter>(std::move(calibration));
}
std::unique_ptr<Voter> make_model_voter(std::shared_ptr<const BoostedTrees> trees,
                                        std::vector<std::string> feature_names,
                                        CalibratedScore calibration) {
    return std::make_unique<ModelVoter>(std::move(trees), std::move(feature_names),
                                        std::move(calibration));
}

WordStatistics WordStatistics::fit(std::span<const CommitFacts* const> commits,
                                   std::span<const int> labels) {
    std::unordered_map<std::string, std::pair<int, int>> df;  // word -> (in backported, in others)
    int pos = 0, neg = 0;
    for (size_t i = 0; i < commits.size(); ++i) {
        (labels[i] ? pos : neg) += 1;
        for (auto& w : distinct_words(*commits[i])) (labels[i] ? df[w].first : df[w].second) += 1;
    }
    WordStatistics s;
    s.prior_ = std::log((pos + 1.0) / (neg + 1.0));
    for (auto& [w, c] : df) {
        if (c.first + c.second < 3) continue;  // too rare to say anything
        double weight =
            std::log((c.first + 0.5) / (pos + 1.0)) - std::log((c.second + 0.5) / (neg + 1.0));
        s.weight_[w] = static_cast<float>(weight);
    }
    return s;
}

double WordStatistics::score(const CommitFacts& facts) const {
    double logit = prior_;
    for (auto& w : distinct_words(facts))
        if (auto it = weight_.find(w); it != weight_.end()) logit += it->second;
    return sigmoid(std::clamp(logit, -30.0, 30.0));
}

std::vector<std::string> WordStatistics::top_words(const CommitFacts& facts, size_t n) const {
    std::vector<std::pair<float, std::string>> scored;
    for (auto& w : distinct_words(facts))
        if (auto it = weight_.find(w); it != weight_.end() && it->second > 0.5f)
            scored.emplace_back(it->second, w);
    std::ranges::sort(scored, std::greater<>());
    std::vector<std::string> out;
    for (size_t i = 0; i < std::min(n, scored.size()); ++i) out.push_back(scored[i].second);
    return out;
}

nlohmann::json WordStatistics::to_json() const {
    nlohmann::json words = nlohmann::json::object();
    for (auto& [w, x] : weight_) words[w] = x;
    return {{"prior", prior_}, {"words", std::move(words)}};
}

Result<WordStatistics> WordStatistics::from_json(const nlohmann::json& j) {
    try {
        WordStatistics s;
        s.prior_ = j.at("prior").get<double>();
        for (auto& [w, x] : j.at("words").items()) s.weight_[w] = x.get<float>();
        return s;
    } catch (const nlohmann::json::exception& e) {
        return fail(ErrorCode::kCorrupt,
                    fmt::format("saved word statistics are damaged: {}", e.what()));
    }
}

}  // namespace stablepick
