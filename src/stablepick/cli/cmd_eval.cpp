// stablepick eval: how well do a commit's nearest earlier neighbours predict whether it was
// backported? A time split: the model and the neighbours' labels come only from before the
// split; commits in [split, until) are scored and compared with what really happened.
#include <fmt/format.h>

#include <Eigen/Sparse>
#include <chrono>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>

#include "stablepick/cli/command.hpp"
#include "stablepick/eval/metrics.hpp"
#include "stablepick/index/vector_index.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick::cli {
namespace {

struct Scored {
    std::string name;
    std::vector<double> scores;
    double precision_pos = 0;  // mean share of backported neighbours, for backported commits
    double precision_neg = 0;  // ... and for commits that were not backported
};

// Neighbour vote: similarity-weighted share of backported neighbours.
void vote(const std::vector<Neighbour>& best, const std::vector<int>& train_labels, int label,
          Scored& out, double& pos_sum, double& neg_sum) {
    double num = 0, den = 0, share = 0;
    for (auto& n : best) {
        double w = std::max(0.0f, n.similarity);
        num += w * train_labels[n.key];
        den += w;
        share += train_labels[n.key];
    }
    out.scores.push_back(den > 0 ? num / den : 0);
    (label ? pos_sum : neg_sum) += best.empty() ? 0 : share / best.size();
}

}  // namespace

Command make_eval_command() {
    struct Options {
        std::string split, until, out;
        size_t k = 10;
        int dimension = 128;
        int hashed_dimension = 0;
        bool json = false;
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "eval";
    c.summary = "time-split backtest: do nearest earlier neighbours predict backports? (vs bag of words)";
    c.needs = kWantsRepo | kNeedsStoreRead;
    c.setup = [opts](CLI::App& app) {
        app.add_option("--split", opts->split, "learn from commits before this date (YYYY-MM-DD)")->required();
        app.add_option("--until", opts->until, "score commits up to this date (default: all after the split)");
        app.add_option("-k", opts->k, "neighbours per commit")->capture_default_str()->check(CLI::Range(1, 200));
        app.add_option("--dimension", opts->dimension, "builtin model's learned dimensions")->capture_default_str();
        app.add_option("--hashed-dimension", opts->hashed_dimension, "builtin model's hashed dimensions (0: none)")
            ->capture_default_str();
        app.add_option("--out", opts->out, "also write the Markdown report to this file");
        app.add_flag("--json", opts->json, "print JSON");
    };
    c.run = [opts](Context& ctx) -> int {
        auto started = std::chrono::steady_clock::now();
        auto split = util::parse_date(opts->split);
        auto until = opts->until.empty() ? std::optional<int64_t>(INT64_MAX) : util::parse_date(opts->until);
        if (!split || !until)
            return report(Error{ErrorCode::kInvalidInput, "invalid --split or --until date: use YYYY-MM-DD"});
        Store& store = *ctx.store;
        auto all = main_commit_rows(store, *until);
        if (!all) return report(all.error());
        // Row -> (sha, time); labels: when each main commit was first backported.
        std::unordered_map<int64_t, std::pair<std::string, int64_t>> info;
        auto q = store.db().prepare("SELECT id, sha, commit_time FROM commits");
        while (*q->step()) info[q->int64(0)] = {q->text(1), q->int64(2)};
        std::unordered_map<std::string, int64_t> first_backport;
        auto bq = store.db().prepare("SELECT main_sha, MIN(stable_time) FROM backports GROUP BY main_sha");
        while (*bq->step()) first_backport[bq->text(0)] = bq->int64(1);

        std::vector<int64_t> train_rows, test_rows;
        for (int64_t r : *all) (info[r].second < *split ? train_rows : test_rows).push_back(r);
        if (train_rows.size() < 10)
            return report(Error{ErrorCode::kInvalidInput, fmt::format("no training data: {} main commits before {}", train_rows.size(), opts->split)});
        if (test_rows.empty())
            return report(Error{ErrorCode::kInvalidInput, fmt::format("no test data: no main commit between {} and {}", opts->split, opts->until.empty() ? "now" : opts->until)});
        std::vector<int> train_y, test_y;
        for (int64_t r : train_rows) {  // as known at the split
            auto it = first_backport.find(info[r].first);
            train_y.push_back(it != first_backport.end() && it->second < *split);
        }
        for (int64_t r : test_rows) test_y.push_back(first_backport.contains(info[r].first));
        size_t train_pos = std::ranges::count(train_y, 1), test_pos = std::ranges::count(test_y, 1);
        if (train_pos == 0)
            return report(Error{ErrorCode::kInvalidInput, fmt::format("no backport labels known before {}: index the stable branches or import labels", opts->split)});

        if (!ctx.global.quiet) fmt::print(stderr, "reading {} + {} commits...\n", train_rows.size(), test_rows.size());
        auto train_terms = terms_of(store, train_rows);
        auto test_terms = terms_of(store, test_rows);
        if (!train_terms || !test_terms) return report(!train_terms ? train_terms.error() : test_terms.error());
        BuiltinFitOptions fit;
        fit.dimension = opts->dimension;
        fit.hashed_dimension = opts->hashed_dimension;
        if (!ctx.global.quiet) fmt::print(stderr, "learning the model from the training commits...\n");
        auto model = BuiltinModel::fit(*train_terms, fit);
        if (!model) return report(model.error());

        // Builtin embedding + exact neighbours (keys are positions in the training set).
        ExactIndex index(model->dimension());
        for (size_t i = 0; i < train_rows.size(); ++i) index.add(static_cast<int64_t>(i), model->embed((*train_terms)[i]));
        Scored knn{"knn (builtin embedding)", {}, 0, 0};
        double pos_sum = 0, neg_sum = 0;
        std::vector<std::vector<float>> queries;
        for (auto& t : *test_terms) queries.push_back(model->embed(t));
        auto knn_best = index.search_batch(queries, opts->k);
        for (size_t i = 0; i < test_rows.size(); ++i) vote(knn_best[i], train_y, test_y[i], knn, pos_sum, neg_sum);
        knn.precision_pos = test_pos ? pos_sum / test_pos : 0;
        knn.precision_neg = test_y.size() > test_pos ? neg_sum / (test_y.size() - test_pos) : 0;

        // Baseline: TF-IDF bag of words, exact cosine, same vocabulary, same k.
        if (!ctx.global.quiet) fmt::print(stderr, "bag-of-words baseline...\n");
        using Sparse = Eigen::SparseMatrix<float, Eigen::RowMajor>;
        std::vector<Eigen::Triplet<float>> trip;
        for (size_t r = 0; r < train_rows.size(); ++r)
            for (auto& [col, w] : model->tfidf((*train_terms)[r])) trip.emplace_back(static_cast<int>(r), static_cast<int>(col), w);
        Sparse x(static_cast<int>(train_rows.size()), static_cast<int>(model->vocabulary()));
        x.setFromTriplets(trip.begin(), trip.end());
        trip = {};
        Scored bow{"knn (bag of words, TF-IDF)", std::vector<double>(test_rows.size()), 0, 0};
        std::vector<std::vector<Neighbour>> bow_best(test_rows.size());
        constexpr size_t kBlock = 128;
        std::vector<std::jthread> workers;
        unsigned threads = std::max(1u, std::thread::hardware_concurrency());
        for (unsigned t = 0; t < threads; ++t) {
            workers.emplace_back([&, t] {
                for (size_t b = t * kBlock; b < test_rows.size(); b += threads * kBlock) {
                    size_t e = std::min(test_rows.size(), b + kBlock);
                    Eigen::MatrixXf queries = Eigen::MatrixXf::Zero(model->vocabulary(), e - b);
                    for (size_t i = b; i < e; ++i)
                        for (auto& [col, w] : model->tfidf((*test_terms)[i])) queries(col, i - b) = w;
                    Eigen::MatrixXf sims = x * queries;  // train x block
                    for (size_t i = b; i < e; ++i) {
                        std::vector<Neighbour> all_n;
                        all_n.reserve(sims.rows());
                        for (int r = 0; r < sims.rows(); ++r) all_n.push_back({r, sims(r, i - b)});
                        size_t k = std::min(opts->k, all_n.size());
                        std::partial_sort(all_n.begin(), all_n.begin() + k, all_n.end(),
                                          [](auto& a, auto& c) { return a.similarity > c.similarity; });
                        all_n.resize(k);
                        bow_best[i] = std::move(all_n);
                    }
                }
            });
        }
        workers.clear();
        pos_sum = neg_sum = 0;
        bow.scores.clear();
        for (size_t i = 0; i < test_rows.size(); ++i) vote(bow_best[i], train_y, test_y[i], bow, pos_sum, neg_sum);
        bow.precision_pos = test_pos ? pos_sum / test_pos : 0;
        bow.precision_neg = test_y.size() > test_pos ? neg_sum / (test_y.size() - test_pos) : 0;

        double base_rate = double(test_pos) / test_y.size();
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        nlohmann::json j{{"split", opts->split}, {"until", opts->until.empty() ? "end" : opts->until},
                         {"k", opts->k}, {"model", model->id()}, {"vocabulary", model->vocabulary()},
                         {"train_commits", train_rows.size()}, {"train_backported_known_at_split", train_pos},
                         {"test_commits", test_rows.size()}, {"test_backported", test_pos},
                         {"base_rate", base_rate}, {"seconds", seconds}};
        std::string md = fmt::format(
            "Neighbour vote, k = {}: trained on {} commits before {} ({} backported as known then), "
            "scored {} commits from {} to {} ({} backported, base rate {:.1f} %).\n\n"
            "| scorer | ROC-AUC | PR-AUC | recall in top 10 % | recall in top 20 % | backported share of neighbours: of backported commits | of the others |\n"
            "|---|---|---|---|---|---|---|\n",
            opts->k, train_rows.size(), opts->split, train_pos, test_rows.size(), opts->split,
            opts->until.empty() ? "the end" : opts->until, test_pos, 100 * base_rate);
        md += fmt::format("| base rate (random order) | 0.500 | {:.3f} | 0.100 | 0.200 | – | – |\n", base_rate);
        for (Scored* s : {&knn, &bow}) {
            double auc = roc_auc(s->scores, test_y), ap = average_precision(s->scores, test_y);
            double r10 = recall_at_fraction(s->scores, test_y, 0.1), r20 = recall_at_fraction(s->scores, test_y, 0.2);
            md += fmt::format("| {} | {:.3f} | {:.3f} | {:.3f} | {:.3f} | {:.3f} | {:.3f} |\n", s->name, auc, ap, r10, r20,
                              s->precision_pos, s->precision_neg);
            j["scorers"].push_back({{"name", s->name}, {"roc_auc", auc}, {"pr_auc", ap}, {"recall_top10", r10},
                                    {"recall_top20", r20}, {"neighbour_precision_backported", s->precision_pos},
                                    {"neighbour_precision_others", s->precision_neg}});
        }
        if (!opts->out.empty()) {
            std::ofstream out(opts->out);
            if (!(out << md))
                return report(Error{ErrorCode::kIo, fmt::format("cannot write '{}'", opts->out)});
        }
        if (opts->json) fmt::print("{}\n", j.dump(2));
        else fmt::print("{}", md);
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
