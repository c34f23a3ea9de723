// stablepick eval: a time-split backtest of the offline voters and the ballot (eval/backtest.hpp),
// always beside the rule baselines and the base rate measured in the same run.
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "stablepick/cli/command.hpp"
#include "stablepick/core/url_scheme.hpp"
#include "stablepick/eval/backtest.hpp"
#include "stablepick/report/backtest_report.hpp"
#include "stablepick/util/atomic_file.hpp"
#include "stablepick/util/time.hpp"

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

// Whole or not at all: a full disk must not leave an empty report behind.
Status write_file(const std::string& path, const std::string& text) {
    return util::write_file_atomically(path, text);
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
        std::string embedder;  // empty: the store's current one
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
        app.add_option("--embedder", opts->embedder,
                       "builtin: (learned from the training commits) or the store's current "
                       "server embedder, whose stored vectors are used (default: the current one)");
        app.add_option("--out", opts->out, "write PREFIX.md, PREFIX.json and PREFIX.svg");
        app.add_flag("--json", opts->json, "print JSON instead of Markdown");
        app.add_option("--label", opts->label,
                       "what is predicted: backport, or cve (fixes a CVE, from the imported "
                       "CVE lists; adds the security-keywords baseline)")
            ->capture_default_str()
            ->check(CLI::IsMember({"backport", "cve"}));
    };
    c.run = [opts](Context& ctx) -> int {
        auto split = util::parse_date(opts->split);
        auto until =
            opts->until.empty() ? std::optional<int64_t>(kNever) : util::parse_date(opts->until);
        if (!split || !until)
            return report(
                Error{ErrorCode::kInvalidInput, "invalid --split or --until date: use YYYY-MM-DD"});
        if (*until <= *split)
            return report(Error{ErrorCode::kInvalidInput, "--until must come after --split"});
        BacktestOptions o;
        o.split = *split;
        o.until = *until;
        o.strip_tag = opts->strip_tag;
        o.voters = split_list(opts->voters);
        auto label = parse_label(opts->label);
        if (!label)
            return report(
                Error{ErrorCode::kInvalidInput, fmt::format("unknown label '{}'", opts->label)});
        o.label = *label;
        o.threshold = opts->threshold >= 0 ? opts->threshold : o.label == Label::kCve ? 0.1 : 0.5;
        o.k = opts->k;
        o.dimension = opts->dimension;
        o.progress = [&](const std::string& line) {
            if (!ctx.global.quiet) fmt::print(stderr, "{}...\n", line);
        };
        o.warn = [](const std::string& text) { warn(text); };
        // The builtin model is learned anew from the training window; a server's embedder
        // cannot be, and its stored vectors serve.
        auto current = current_embedder_url(*ctx.store);
        if (!current) return report(current.error());
        std::string url = opts->embedder.empty() ? *current : opts->embedder;
        auto parsed = parse_backend_url(url, UrlKind::kEmbedder);
        if (!parsed) return report(parsed.error());
        std::unique_ptr<Embedder> embedder;
        if (parsed->backend != Backend::kBuiltin) {
            if (url != *current)
                return report(Error{
                    ErrorCode::kInvalidInput,
                    fmt::format("eval reads the stored vectors of the current embedder ('{}'), not "
                                "'{}': run 'stablepick embed --embedder {}' first, or use "
                                "--embedder builtin:",
                                *current, url, url)});
            auto opened = open_current_embedder(*ctx.store, ctx.config.embed);
            if (!opened) return report(opened.error());
            embedder = std::move(*opened);
            o.embedder = embedder.get();
        }
        auto bt = run_backtest(*ctx.store, o);
        if (!bt) return report(bt.error());
        report::BacktestHeading h{opts->split,     opts->until, opts->label,
                                  opts->strip_tag, o.voters,    o.threshold};
        std::string md = report::backtest_markdown(*bt, h);
        nlohmann::json j = report::backtest_json(*bt, h);
        if (!opts->out.empty())
            for (auto [suffix, text] : {std::pair{".md", md},
                                        {".json", j.dump(2) + "\n"},
                                        {".svg", report::backtest_svg(*bt, h)}})
                if (auto st = write_file(opts->out + suffix, text); !st) return report(st.error());
        if (opts->json)
            fmt::print("{}\n", j.dump(2));
        else
            fmt::print("{}", md);
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
