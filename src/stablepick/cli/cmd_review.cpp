// stablepick review: ranks commits by how likely they belong in the stable trees, with the
// ballot's top reasons and the nearest precedents, so a maintainer reads the likely ones first.
#include <fmt/format.h>

#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>

#include "stablepick/cli/command.hpp"
#include "stablepick/cli/review_common.hpp"
#include "stablepick/report/autosel_mail.hpp"
#include "stablepick/report/review_text.hpp"

namespace stablepick::cli {

Command make_review_command() {
    struct Options {
        VotingOptions voting;
        std::string model_file;
        std::vector<std::string> targets;
        std::string format = "table";
        std::string out_dir;
        std::string sender;
        bool all_checks = false;
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "review";
    c.summary =
        "rank commits by the ballot's probability that they belong in stable, with reasons and "
        "precedents";
    c.needs = kWantsRepo | kNeedsStoreRead;
    c.setup = [opts](CLI::App& app) {
        add_voting_options(
            app, opts->voting, "commits (ids or prefixes) or ranges (v6.1..v6.2)",
            "precedents shown per commit",
            "show only the N commits ranked highest; LLMs are asked and target trees checked "
            "only for the N the offline voters rank highest (0: all)",
            "write each commit's LLM prompt to DIR/<id>.prompt.md and call nothing");
        app.add_option("--model", opts->model_file,
                       "use the voters' model in this file (from 'train --output')");
        app.add_option(
            "--target", opts->targets,
            "stable branches to check each commit against (already there, affected, code "
            "exists, applies, prerequisites); several allowed");
        app.add_option("--format", opts->format,
                       "table, json or mbox (AUTOSEL-style mails; needs --target)")
            ->check(CLI::IsMember({"table", "json", "mbox"}))
            ->capture_default_str();
        app.add_option("--out", opts->out_dir,
                       "with --format mbox: write one mail per file into DIR");
        app.add_flag(
            "--all-checks", opts->all_checks,
            "blame conflicting lines for every commit, not only the selected ones (slower)");
        app.add_option("--from", opts->sender,
                       "the mails' sender (default: review.sender in the config)");
    };
    c.run = [opts](Context& ctx) -> int {
        if (opts->voting.json) opts->format = "json";
        if (!opts->out_dir.empty() && opts->format != "mbox")
            return report(
                Error{ErrorCode::kInvalidInput, "--out writes mails: use it with --format mbox"});
        if (opts->format == "mbox" && opts->targets.empty())
            return report(
                Error{ErrorCode::kInvalidInput, "mails need target branches: add --target BRANCH"});
        auto options = review_options(opts->voting, ctx.config);
        options.model_file = opts->model_file;
        options.targets = opts->targets;
        options.all_checks = opts->all_checks;
        options.with_mail = opts->format == "mbox";
        review::ReviewRun run;
        if (auto done =
                run_review(ctx, opts->voting, review::backport_question(ctx.config), options, run))
            return *done;
        if (run.reviews.empty()) {
            fmt::print("no commits to review\n");
            return exit_code::kOk;
        }
        if (opts->format == "mbox") {
            std::vector<std::string> mail_warnings;
            auto mails = report::autosel_mails(
                run, ctx.config.review,
                opts->sender.empty() ? ctx.config.review.sender : opts->sender,
                static_cast<int64_t>(std::time(nullptr)), mail_warnings);
            for (auto& w : mail_warnings) warn(w);
            for (auto& r : run.reviews)
                if (!r.not_mailed.empty())
                    warn(fmt::format("{} (\"{}\") is not mailed: {}", r.id.substr(0, 12), r.subject,
                                     r.not_mailed));
            if (opts->out_dir.empty()) {
                for (auto& m : mails) fmt::print("{}", m.text);
            } else {
                if (auto w = report::write_mails(opts->out_dir, mails); !w)
                    return report(w.error());
                if (!ctx.global.quiet)
                    fmt::print(stderr, "wrote {} mail(s) to {}\n", mails.size(), opts->out_dir);
            }
        } else if (opts->format == "json") {
            nlohmann::json out = nlohmann::json::array();
            for (auto& r : run.reviews) out.push_back(review::to_json(r, run));
            fmt::print("{}\n", out.dump(2));
        } else {
            fmt::print("{}", report::review_table(run, ctx.global.verbose));
        }
        print_llm_usage(run, opts->format != "table", ctx.global.quiet);
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
