// stablepick review: ranks commits by how likely they belong in the stable trees, with the
// ballot's top reasons and the nearest precedents, so a maintainer reads the likely ones first.
#include <fmt/format.h>

#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>

#include "stablepick/cli/command.hpp"
#include "stablepick/cli/queue_common.hpp"
#include "stablepick/cli/review_common.hpp"
#include "stablepick/queue/from_review.hpp"
#include "stablepick/report/autosel_mail.hpp"
#include "stablepick/report/review_text.hpp"

namespace stablepick::cli {
namespace {

// The selected commits go into the queue of each tree that can take them.
Status add_to_queue(Context& ctx, const review::ReviewRun& run) {
    auto proposals = queue::proposals_from(run, acting_user(""));
    if (proposals.empty()) return {};
    auto writer = Store::open(ctx.store->url(), Store::Mode::kWrite);
    if (!writer) return std::unexpected(writer.error());
    auto added = queue::propose(*writer, proposals, std::time(nullptr));
    if (!added) return std::unexpected(added.error());
    for (auto& kept : added->kept) warn("not proposed again: " + kept);
    if (!ctx.global.quiet && (added->proposed || added->held))
        fmt::print(stderr, "queue: {} candidate(s) proposed{}\n", added->proposed,
                   added->held
                       ? fmt::format(", {} held back by a dropped prerequisite", added->held)
                       : "");
    return {};
}

// Each mail's candidates are mailed, under its Message-ID.
Status mark_mailed(Context& ctx, const std::vector<report::NamedMail>& mails) {
    auto writer = Store::open(ctx.store->url(), Store::Mode::kWrite);
    if (!writer) return std::unexpected(writer.error());
    for (auto& m : mails) {
        auto rows = store::candidates(*writer, {"", "proposed", m.commit, 0});
        if (!rows) return std::unexpected(rows.error());
        for (auto& r : *rows)
            if (auto st =
                    queue::mark_mailed(*writer, r.commit, r.tree, m.message_id, std::time(nullptr));
                !st)
                return st;
    }
    return {};
}

}  // namespace

Command make_review_command() {
    struct Options {
        VotingOptions voting;
        std::string model_file;
        std::vector<std::string> targets;
        std::string format = "table";
        std::string out_dir;
        std::string sender;
        bool all_checks = false;
        bool no_queue = false;
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
        app.add_flag("--no-queue", opts->no_queue,
                     "with --target: do not add the selected commits to the queue");
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
        if (!opts->targets.empty() && !opts->no_queue)
            if (auto st = add_to_queue(ctx, run); !st) return report(st.error());
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
            if (!opts->no_queue)
                if (auto st = mark_mailed(ctx, mails); !st) return report(st.error());
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
