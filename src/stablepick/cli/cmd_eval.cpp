// stablepick eval: a time-split backtest of the offline voters and the ballot. Everything is
// learned from commits before --split with the labels known then; the commits in
// [split, until) are scored and compared with what really happened. The rule baselines and
// the base rate are always measured in the same run.
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "stablepick/cli/command.hpp"
#include "stablepick/eval/metrics.hpp"
#include "stablepick/eval/scorecard.hpp"
#include "stablepick/report/svg.hpp"
#include "stablepick/util/time.hpp"
#include "stablepick/vote/offline_model.hpp"

namespace stablepick::cli {
namespace {

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t end = std::min(text.find(',', pos), text.size());
        if (end > pos) out.push_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

int year_of(int64_t t) {
    return std::stoi(util::format_date(t).substr(0, 4));
}

Status write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    if (!(out << text)) return fail(ErrorCode::kIo, fmt::format("cannot write '{}'", path));
    return {};
}

}  // namespace

Command make_eval_command() {
    struct Options {
        std::string split, until, out, strip_tag;
        std::string voters = "knn,model";
        double threshold = -1;  // default: 0.5, or 0.1 for the rare CVE label
        size_t k = 10;
        int dimension = 128;
        bool json = false;
        std::string label = "backport";
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "eval";
    c.summary = "time-split backtest of the voters and the ballot against the rule baselines";
    c.needs = kWantsRepo | kNeedsStoreRead;
    c.setup = [opts](CLI::App& app) {
        app.add_option("--split", opts->split, "learn from commits before this date (YYYY-MM-DD)")
            ->required();
        app.add_option("--until", opts->until,
                       "score commits made before this date (default: all after the split)");
        app.add_option(
            "--strip-tag", opts->strip_tag,
            "drop trailer lines matching this regular expression before anything reads them "
            "(e.g. 'stable@dpdk\\.org' to measure without the nomination tag)");
        app.add_option(
               "--voters", opts->voters,
               "voters in the ballot, comma separated (cc-stable, fixes-tag, keywords, knn, model)")
            ->capture_default_str();
        app.add_option("--threshold", opts->threshold,
                       "the weighted ballot's probability that selects a commit (default 0.5; with "
                       "--label cve 0.1)")
            ->check(CLI::Range(0.0, 1.0));
        app.add_option("-k", opts->k, "precedents per commit")
            ->capture_default_str()
            ->check(CLI::Range(1, 200));
        app.add_option("--dimension", opts->dimension, "builtin embedding's dimensions")
            ->capture_default_str();
        app.add_option("--out", opts->out, "write PREFIX.md, PREFIX.json and PREFIX.svg");
        app.add_flag("--json", opts->json, "print JSON instead of Markdown");
        app.add_option("--label", opts->label,
                       "what is predicted: backport, or cve (fixes a CVE, from the imported "
                       "CVE lists; adds the security-keywords baseline)")
            ->capture_default_str()
            ->check(CLI::IsMember({"backport", "cve"}));
    };
    c.run = [opts](Context& ctx) -> int {
        auto started = std::chrono::steady_clock::now();
        auto say = [&](const std::string& line) {
            if (!ctx.global.quiet) fmt::print(stderr, "{}...\n", line);
        };
        auto split = util::parse_date(opts->split);
        auto until =
            opts->until.empty() ? std::optional<int64_t>(kNever) : util::parse_date(opts->until);
        if (!split || !until)
            return report(
                Error{ErrorCode::kInvalidInput, "invalid --split or --until date: use YYYY-MM-DD"});
        if (*until <= *split)
            return report(Error{ErrorCode::kInvalidInput, "--until must come after --split"});
        auto ballot_voters = split_list(opts->voters);
        for (auto& v : ballot_voters)
            if (std::ranges::find(OfflineModel::voter_names(), v) ==
                OfflineModel::voter_names().end())
                return report(Error{ErrorCode::kInvalidInput,
                                    fmt::format("unknown voter '{}': the offline voters are {}", v,
                                                fmt::join(OfflineModel::voter_names(), ", "))});
        if (ballot_voters.empty())
            return report(Error{ErrorCode::kInvalidInput, "--voters names no voter"});
        Store& store = *ctx.store;

        say("reading the history");
        Label label = *parse_label(opts->label);
        double threshold = opts->threshold >= 0   ? opts->threshold
                           : label == Label::kCve ? 0.1
                                                  : 0.5;
        bool cve = label == Label::kCve;
        // The words the report uses for a positive commit.
        const char* positive = cve ? "CVE fixes" : "backported";
        auto corpus = Corpus::load(store, {opts->strip_tag, label});
        if (!corpus) return report(corpus.error());
        const auto& commits = corpus->commits();
        std::vector<size_t> test;
        std::vector<int64_t> train_rows, all_rows;
        std::vector<size_t> all_index;
        for (size_t i = 0; i < commits.size(); ++i) {
            if (commits[i].time >= *until) continue;
            all_rows.push_back(commits[i].row);
            all_index.push_back(i);
            if (commits[i].time < *split)
                train_rows.push_back(commits[i].row);
            else
                test.push_back(i);
        }
        if (test.empty())
            return report(
                Error{ErrorCode::kInvalidInput,
                      fmt::format("no test data: no main commit between {} and {}", opts->split,
                                  opts->until.empty() ? "now" : opts->until)});
        if (train_rows.size() < 50)
            return report(Error{ErrorCode::kInvalidInput,
                                fmt::format("no training data: {} main commits before {}",
                                            train_rows.size(), opts->split)});
        std::vector<int> y;
        for (size_t i : test) y.push_back(corpus->first_backport(i) != kNever);
        size_t positives = std::ranges::count(y, 1);
        if (positives == 0 && cve)
            return report(Error{
                ErrorCode::kNotFound,
                fmt::format("no CVE fix among the {} commits between {} and {}: import the CVE "
                            "lists that cover them",
                            test.size(), opts->split, opts->until.empty() ? "now" : opts->until)});
        if (positives == 0)
            return report(Error{
                ErrorCode::kNotFound,
                fmt::format(
                    "no backport labels for the {} commits between {} and {}: index the stable "
                    "branches or import the stable ChangeLogs that cover them",
                    test.size(), opts->split, opts->until.empty() ? "now" : opts->until)});
        if (!cve && corpus->last_label_time() < std::min(*until, commits[test.back()].time))
            warn(
                fmt::format("the store knows no backport after {}: later commits in the test "
                            "window all count as "
                            "not backported",
                            util::format_date(corpus->last_label_time())));

        // The builtin embedding, learned from the training commits only.
        say(fmt::format("learning the embedding from {} commits before {}", train_rows.size(),
                        opts->split));
        auto train_terms = terms_of(store, train_rows);
        if (!train_terms) return report(train_terms.error());
        BuiltinFitOptions fit;
        fit.dimension = opts->dimension;
        auto embedding = BuiltinModel::fit(*train_terms, fit);
        if (!embedding) return report(embedding.error());
        train_terms = {};
        auto terms = terms_of(store, all_rows);
        if (!terms) return report(terms.error());
        CorpusVectors vectors(commits.size());
        for (size_t r = 0; r < all_index.size(); ++r)
            vectors[all_index[r]] = embedding->embed((*terms)[r]);
        terms = {};

        TrainOptions train;
        train.known_at = *split;
        train.evidence.k = opts->k;
        train.ballot_voters = ballot_voters;
        train.ballot.threshold = threshold;
        train.progress = say;
        auto model = OfflineModel::train(*corpus, vectors, embedding->id(), train);
        if (!model) return report(model.error());

        say(fmt::format("scoring {} commits from {}", test.size(), opts->split));
        std::vector<int64_t> known(test.size(), *split);
        auto evidence = evidence_for(*corpus, vectors, test, known, train.evidence);
        auto all_voters = model->voters(OfflineModel::voter_names());
        if (!all_voters) return report(all_voters.error());
        if (cve) all_voters->push_back(make_security_keywords_voter());
        auto votes = cast_votes(*all_voters, *corpus, vectors, test, evidence);

        // Scorers: every voter alone, then both ballots over the chosen voters.
        double base_rate_then =
            double(model->summary().backported) / std::max<size_t>(1, model->summary().commits);
        std::vector<Scorer> scorers;
        for (size_t v = 0; v < all_voters->size(); ++v) {
            Scorer s{(*all_voters)[v]->name(), {}, {}};
            for (auto& row : votes)
                s.probabilities.push_back(row[v].verdict == Verdict::kAbstain ? base_rate_then
                                                                              : row[v].probability);
            scorers.push_back(std::move(s));
        }
        std::vector<size_t> ballot_columns;
        for (auto& name : ballot_voters)
            ballot_columns.push_back(
                static_cast<size_t>(std::ranges::find(OfflineModel::voter_names(), name) -
                                    OfflineModel::voter_names().begin()));
        std::map<std::string, std::vector<BallotResult>> ballots;
        for (auto policy : {BallotPolicy::kWeighted, BallotPolicy::kMajority}) {
            Scorer s{fmt::format("ballot ({}: {})", ballot_policy_name(policy),
                                 fmt::join(ballot_voters, " + ")),
                     {},
                     {}};
            auto& results = ballots[ballot_policy_name(policy)];
            for (auto& row : votes) {
                std::vector<Vote> chosen;
                for (size_t col : ballot_columns) chosen.push_back(row[col]);
                results.push_back(model->ballot(policy).decide(std::move(chosen)));
                s.probabilities.push_back(results.back().probability);
                if (policy == BallotPolicy::kMajority)
                    s.decisions.push_back(results.back().selected);
            }
            scorers.insert(scorers.begin() + static_cast<std::ptrdiff_t>(
                                                 policy == BallotPolicy::kWeighted ? 0 : 1),
                           std::move(s));
        }

        std::vector<char> untagged;
        for (size_t i : test) untagged.push_back(!commits[i].nominated);
        size_t untagged_n = std::ranges::count(untagged, 1), untagged_pos = 0;
        for (size_t q = 0; q < test.size(); ++q) untagged_pos += untagged[q] && y[q];
        auto all_rows_card = scorecard(scorers, y, {}, threshold);
        auto untagged_card = scorecard(scorers, y, untagged, threshold);
        std::map<int, std::vector<char>> by_year;
        for (size_t q = 0; q < test.size(); ++q) {
            auto& mask = by_year[year_of(commits[test[q]].time)];
            mask.resize(test.size());
            mask[q] = 1;
        }
        const auto& weighted = scorers.front();
        auto reliability_bins = reliability(weighted.probabilities, y, 10);

        const auto& sum = model->summary();
        double base_rate = double(positives) / y.size();
        std::string until_text = opts->until.empty() ? "the end" : opts->until;
        std::string md = fmt::format(
            "# Backtest{}: split {}, scored until {}\n\n"
            "Trained on {} commits made before {} ({} {} as known on {}; the {} commits of "
            "the last {:.0f} days "
            "before the split are left out: {}). "
            "The newest {} of the training commits were held out to calibrate the voters and weigh "
            "the ballot.{}\n\n"
            "Scored {} commits from {} to {}: {} {} (base rate {:.1f} %). Without a stable "
            "nomination tag: {} "
            "commits, {} {} (base rate {:.1f} %).\n\n"
            "Threshold: the weighted ballot and every voter select a commit at a calibrated "
            "probability of {:.2f} or more; "
            "the majority ballot selects by AUTOSEL's rule (yes-votes >= (n+1)/2 of the voters "
            "that answered).\n\n",
            cve ? " of the CVE classifier" : "", opts->split, until_text, sum.commits,
            util::format_date(sum.settled_before), sum.backported, positive, opts->split,
            train_rows.size() - sum.commits, sum.backport_delay_days,
            cve ? "the CVE labels are read as the CNA has them now, so only the newest commits "
                  "are held back"
                : "a backport usually takes up to that long, so their labels were not settled",
            sum.holdout,
            opts->strip_tag.empty()
                ? ""
                : fmt::format(" Trailer lines matching `{}` were stripped first.", opts->strip_tag),
            y.size(), opts->split, until_text, positives, positive, 100 * base_rate, untagged_n,
            untagged_pos, positive, untagged_n ? 100.0 * untagged_pos / untagged_n : 0.0,
            threshold);
        md += "## All commits\n\n" + scorecard_markdown(all_rows_card);
        md += fmt::format(
            "| base rate (random order) | 0.500 | {:.3f} | – | – | – | – | 0.050 | 0.100 | 0.200 | "
            "{:.4f} |\n\n",
            base_rate, base_rate * (1 - base_rate));
        md += "## Commits without a nomination tag\n\n" + scorecard_markdown(untagged_card) + "\n";
        md += fmt::format(
            "## Per year (PR-AUC / recall in the top 20 %)\n\n| year | commits | {} | "
            "untagged | ",
            positive);
        for (auto& s : scorers) md += s.name + " | ";
        md += "\n|---|---|---|---|";
        for (size_t s = 0; s < scorers.size(); ++s) md += "---|";
        md += "\n";
        nlohmann::json years = nlohmann::json::array();
        for (auto& [year, mask] : by_year) {
            auto card = scorecard(scorers, y, mask, threshold);
            std::vector<char> untagged_year(mask.size());
            for (size_t q = 0; q < mask.size(); ++q) untagged_year[q] = mask[q] && untagged[q];
            auto ucard = scorecard(scorers, y, untagged_year, threshold);
            md += fmt::format("| {} | {} | {} | {} | ", year, card.front().commits,
                              card.front().backported, ucard.front().commits);
            for (auto& r : card) md += fmt::format("{:.3f} / {:.3f} | ", r.pr_auc, r.recall_top20);
            md += "\n";
            years.push_back({{"year", year},
                             {"all", scorecard_json(card)},
                             {"untagged", scorecard_json(ucard)}});
        }
        md += fmt::format(
            "\n## Calibration of {}\n\n| predicted | commits | mean predicted | {} "
            "|\n|---|---|---|---|\n",
            weighted.name, positive);
        nlohmann::json rel = nlohmann::json::array();
        for (auto& b : reliability_bins) {
            if (b.count == 0) continue;
            md += fmt::format("| {:.1f}–{:.1f} | {} | {:.3f} | {:.3f} |\n", b.low, b.high, b.count,
                              b.mean_predicted, b.observed_rate);
            rel.push_back({{"low", b.low},
                           {"high", b.high},
                           {"count", b.count},
                           {"mean_predicted", b.mean_predicted},
                           {"observed_rate", b.observed_rate}});
        }
        const Ballot& wb = model->ballot(BallotPolicy::kWeighted);
        md += "\nWeighted ballot's learned weights (on each voter's log-odds): ";
        for (size_t v = 0; v < wb.voters().size(); ++v)
            md += fmt::format("{}{} {:.2f}", v ? ", " : "", wb.voters()[v], wb.weights()[v]);
        double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        md += fmt::format(".\n\nRun time: {:.0f} s.\n", seconds);

        nlohmann::json weights = nlohmann::json::object();
        for (size_t v = 0; v < wb.voters().size(); ++v) weights[wb.voters()[v]] = wb.weights()[v];
        nlohmann::json j{{"split", opts->split},
                         {"label", opts->label},
                         {"until", opts->until.empty() ? "end" : opts->until},
                         {"strip_tag", opts->strip_tag},
                         {"voters", ballot_voters},
                         {"threshold", threshold},
                         {"train",
                          {{"commits", sum.commits},
                           {"backported", sum.backported},
                           {"holdout", sum.holdout},
                           {"settled_before", util::format_date(sum.settled_before)},
                           {"backport_delay_days", sum.backport_delay_days}}},
                         {"test",
                          {{"commits", y.size()},
                           {"backported", positives},
                           {"base_rate", base_rate},
                           {"untagged_commits", untagged_n},
                           {"untagged_backported", untagged_pos}}},
                         {"all", scorecard_json(all_rows_card)},
                         {"untagged", scorecard_json(untagged_card)},
                         {"years", years},
                         {"reliability", rel},
                         {"weights", weights},
                         {"seconds", seconds}};
        if (!opts->out.empty()) {
            std::vector<SvgSeries> curves;
            for (auto& s : scorers) {
                SvgSeries series{s.name, {}};
                for (auto& p : pr_curve(s.probabilities, y))
                    series.points.emplace_back(p.recall, p.precision);
                curves.push_back(std::move(series));
            }
            std::string svg = pr_and_reliability_svg(
                fmt::format("Backtest from {} to {}: {} commits, {:.1f} % backported", opts->split,
                            until_text, y.size(), 100 * base_rate),
                curves, base_rate, reliability_bins);
            for (auto [suffix, text] :
                 {std::pair{".md", md}, {".json", j.dump(2) + "\n"}, {".svg", svg}})
                if (auto st = write_file(opts->out + suffix, text); !st) return report(st.error());
        }
        if (opts->json)
            fmt::print("{}\n", j.dump(2));
        else
            fmt::print("{}", md);
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
