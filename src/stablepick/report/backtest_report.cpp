#include "stablepick/report/backtest_report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "stablepick/report/svg.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick::report {

std::string backtest_markdown(const Backtest& bt, const BacktestHeading& h) {
    bool cve = h.label == "cve";
    const char* positive = cve ? "CVE fixes" : "backported";  // the words for a positive commit
    const auto& sum = bt.train;
    std::string until_text = h.until.empty() ? "the end" : h.until;
    const auto& scorers = bt.scorers;
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
        cve ? " of the CVE classifier" : "", h.split, until_text, sum.commits,
        util::format_date(sum.settled_before), sum.backported, positive, h.split,
        bt.train_commits - sum.commits, sum.backport_delay_days,
        cve ? "the CVE labels are read as the CNA has them now, so only the newest commits "
              "are held back"
            : "a backport usually takes up to that long, so their labels were not settled",
        sum.holdout,
        h.strip_tag.empty()
            ? ""
            : fmt::format(" The tag `{}` was hidden from every scorer first (matching trailers "
                          "dropped, matching words removed from subjects and messages, the "
                          "embedding learned on the stripped text).",
                          h.strip_tag),
        bt.labels.size(), h.split, until_text, bt.positives, positive, 100 * bt.base_rate,
        bt.untagged, bt.untagged_positives, positive,
        bt.untagged ? 100.0 * bt.untagged_positives / bt.untagged : 0.0, h.threshold);
    if (!bt.embedder.empty())
        md += fmt::format(
            "Embedding: the vectors of {}, as the server made them (its model is not refitted on "
            "the training commits){}.\n\n",
            bt.embedder,
            bt.embedded ? fmt::format("; {} commits embedded through it for this run", bt.embedded)
                        : std::string());
    md += "## All commits\n\n" + scorecard_markdown(bt.all);
    md += fmt::format(
        "| base rate (random order) | 0.500 | {:.3f} | – | – | – | – | 0.050 | 0.100 | 0.200 | "
        "{:.4f} |\n\n",
        bt.base_rate, bt.base_rate * (1 - bt.base_rate));
    md += "## Commits without a nomination tag\n\n" + scorecard_markdown(bt.untagged_rows) + "\n";
    md += fmt::format(
        "## Per year (PR-AUC / recall in the top 20 %)\n\n| year | commits | {} | untagged | ",
        positive);
    for (auto& s : scorers) md += s.name + " | ";
    md += "\n|---|---|---|---|";
    for (size_t s = 0; s < scorers.size(); ++s) md += "---|";
    md += "\n";
    for (auto& y : bt.years) {
        md += fmt::format("| {} | {} | {} | {} | ", y.year, y.all.front().commits,
                          y.all.front().backported, y.untagged.front().commits);
        for (auto& r : y.all) md += fmt::format("{:.3f} / {:.3f} | ", r.pr_auc, r.recall_top20);
        md += "\n";
    }
    md += fmt::format(
        "\n## Calibration of {}\n\n| predicted | commits | mean predicted | {} "
        "|\n|---|---|---|---|\n",
        scorers.front().name, positive);
    for (auto& b : bt.reliability) {
        if (b.count == 0) continue;
        md += fmt::format("| {:.1f}–{:.1f} | {} | {:.3f} | {:.3f} |\n", b.low, b.high, b.count,
                          b.mean_predicted, b.observed_rate);
    }
    md += "\nWeighted ballot's learned weights (on each voter's log-odds): ";
    for (size_t v = 0; v < bt.weights.size(); ++v)
        md += fmt::format("{}{} {:.2f}", v ? ", " : "", bt.weights[v].first, bt.weights[v].second);
    md += fmt::format(".\n\nRun time: {:.0f} s.\n", bt.seconds);
    return md;
}

nlohmann::json backtest_json(const Backtest& bt, const BacktestHeading& h) {
    const auto& sum = bt.train;
    nlohmann::json years = nlohmann::json::array();
    for (auto& y : bt.years)
        years.push_back({{"year", y.year},
                         {"all", scorecard_json(y.all)},
                         {"untagged", scorecard_json(y.untagged)}});
    nlohmann::json rel = nlohmann::json::array();
    for (auto& b : bt.reliability) {
        if (b.count == 0) continue;
        rel.push_back({{"low", b.low},
                       {"high", b.high},
                       {"count", b.count},
                       {"mean_predicted", b.mean_predicted},
                       {"observed_rate", b.observed_rate}});
    }
    nlohmann::json weights = nlohmann::json::object();
    for (auto& [voter, w] : bt.weights) weights[voter] = w;
    nlohmann::json j{{"split", h.split},
                     {"label", h.label},
                     {"until", h.until.empty() ? "end" : h.until},
                     {"strip_tag", h.strip_tag},
                     {"voters", h.voters},
                     {"threshold", h.threshold},
                     {"train",
                      {{"commits", sum.commits},
                       {"backported", sum.backported},
                       {"holdout", sum.holdout},
                       {"settled_before", util::format_date(sum.settled_before)},
                       {"backport_delay_days", sum.backport_delay_days}}},
                     {"test",
                      {{"commits", bt.labels.size()},
                       {"backported", bt.positives},
                       {"base_rate", bt.base_rate},
                       {"untagged_commits", bt.untagged},
                       {"untagged_backported", bt.untagged_positives}}},
                     {"all", scorecard_json(bt.all)},
                     {"untagged", scorecard_json(bt.untagged_rows)},
                     {"years", years},
                     {"reliability", rel},
                     {"weights", weights},
                     {"seconds", bt.seconds}};
    // The builtin embedding is the default and goes unsaid, so its reports stay as they were.
    if (!bt.embedder.empty()) j["embedder"] = {{"name", bt.embedder}, {"embedded", bt.embedded}};
    return j;
}

std::string backtest_svg(const Backtest& bt, const BacktestHeading& h) {
    std::vector<SvgSeries> curves;
    for (auto& s : bt.scorers) {
        SvgSeries series{s.name, {}};
        for (auto& p : pr_curve(ranking_key(s), bt.labels))
            series.points.emplace_back(p.recall, p.precision);
        curves.push_back(std::move(series));
    }
    std::string positive = h.label == "cve" ? "CVE fixes" : "backported";
    return pr_and_reliability_svg(fmt::format("Backtest from {} to {}: {} commits, {:.1f} % {}",
                                              h.split, h.until.empty() ? "the end" : h.until,
                                              bt.labels.size(), 100 * bt.base_rate, positive),
                                  curves, bt.base_rate, bt.reliability, positive);
}

}  // namespace stablepick::report
