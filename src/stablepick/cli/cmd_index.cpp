// stablepick index: record the repository's history and its backport labels in the store.
#include <fmt/format.h>

#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>

#include "stablepick/cli/branch_choice_text.hpp"
#include "stablepick/cli/command.hpp"
#include "stablepick/ingest/indexer.hpp"
#include "stablepick/queue/queue.hpp"

namespace stablepick::cli {

Command make_index_command() {
    struct Options {
        std::string main;
        std::vector<std::string> branches;
        int64_t stop_after = 0;
        bool json = false;
        bool no_embed = false;
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "index";
    c.summary = "record the main and stable branches' history and backport labels in the store";
    c.needs = kNeedsRepo | kNeedsStoreWrite;
    c.setup = [opts](CLI::App& app) {
        app.add_option("--main", opts->main,
                       "main branch name (default: of master, main, staging, trunk, the one "
                       "that contains the others)");
        app.add_option("--branch", opts->branches,
                       "index only these stable branches, whatever their history (repeatable)");
        app.add_option("--stop-after", opts->stop_after,
                       "stop after storing this many new commits (a later run continues)");
        app.add_flag("--json", opts->json, "print the summary as JSON");
        app.add_flag("--no-embed", opts->no_embed,
                     "do not embed the new commits (similar needs them)");
    };
    c.run = [opts](Context& ctx) -> int {
        git::IndexOptions options;
        if (!opts->main.empty()) options.main_branch = opts->main;
        options.only_branches = opts->branches;
        options.quiet = ctx.global.quiet || opts->json;
        if (opts->stop_after > 0) options.stop_after = opts->stop_after;
        auto report = git::run_index(*ctx.repo, *ctx.store, ctx.config, options);
        if (!report) return cli::report(report.error());
        for (auto& w : report->choice.warnings) warn(w);
        for (auto& note : report->notes) warn(note);
        EmbedReport embedded;
        if (!opts->no_embed && !report->stopped_early) {
            auto e = ensure_embeddings(*ctx.store, ctx.config, options.quiet);
            // Too little history to learn from, or an embedding server that is down, is not a
            // failure of the index: `embed` later finishes the work.
            if (!e && e.error().code == ErrorCode::kInvalidInput)
                warn(fmt::format("no embeddings yet: {}", e.error().message));
            else if (!e && e.error().code == ErrorCode::kUnavailable)
                warn(fmt::format("the new commits are not embedded yet: {}; run 'stablepick embed'",
                                 e.error().message));
            else if (!e)
                return cli::report(e.error());
            else
                embedded = e->report;
        }
        // The queue follows the history: what reached its tree is released, what was reverted
        // upstream superseded, what waited out its window queued.
        queue::SettleReport settled;
        if (!report->stopped_early) {
            queue::SettleOptions so{
                ctx.config.queue.review_days, ctx.config.queue.review_days_by_tree,
                [&](const std::string& tag) { return ctx.repo->resolve_commit(tag).has_value(); }};
            auto s = queue::settle(*ctx.store, std::time(nullptr), so);
            if (!s) return cli::report(s.error());
            settled = *s;
        }
        if (report->skipped_files > 0)
            warn(fmt::format(
                "{} file diffs in {} commits were skipped (blob missing or unreadable); "
                "see 'stablepick stats'",
                report->skipped_files, report->commits_with_skips));
        const auto& pid = report->patch_id;
        if (report->labels_updated && pid.subjects_differ > 0)
            warn(fmt::format(
                "{} of {} patch-id labels join commits whose subjects differ; read them with "
                "'stablepick labels --method patch-id --subjects-differ'",
                pid.subjects_differ, pid.labels));
        if (opts->json) {
            nlohmann::json j;
            if (report->labels_updated)
                j["patch_id"] = {{"labels", pid.labels},
                                 {"subjects_differ", pid.subjects_differ},
                                 {"refused_in_branch", pid.refused_in_branch},
                                 {"refused_small", pid.refused_small},
                                 {"refused_years", pid.refused_years}};
            j["new_commits"] = report->new_commits;
            j["skipped_files"] = report->skipped_files;
            j["commits_with_skips"] = report->commits_with_skips;
            j["labels_updated"] = report->labels_updated;
            j["stopped_early"] = report->stopped_early;
            j["embedded"] = embedded.embedded;
            j["seconds"] = report->seconds;
            j["seconds_reading"] = report->seconds_reading;
            j["seconds_writing"] = report->seconds_writing;
            j["seconds_labels"] = report->seconds_labels;
            j["branch_choice"] = branch_choice_json(report->choice);
            for (auto& b : report->branches)
                j["branches"].push_back({{"name", b.name},
                                         {"main", b.is_main},
                                         {"new_commits", b.new_commits},
                                         {"known_commits", b.known_commits},
                                         {"up_to_date", b.up_to_date}});
            j["queue"] = {{"released", settled.released},
                          {"superseded", settled.superseded},
                          {"queued", settled.queued},
                          {"woken", settled.woken}};
            fmt::print("{}\n", j.dump(2));
            return exit_code::kOk;
        }
        print_branch_choice(report->choice, false);
        int64_t up_to_date = 0;
        for (auto& b : report->branches) {
            if (b.up_to_date) {
                ++up_to_date;
                continue;
            }
            fmt::print("{:<24} {:>8} new commits{}\n", b.name, b.new_commits,
                       b.is_main ? "  (main)" : "");
        }
        if (up_to_date > 0) fmt::print("{} branches already up to date\n", up_to_date);
        if (report->stopped_early)
            fmt::print("stopped after {} new commits; run 'stablepick index' again to continue\n",
                       report->new_commits);
        int64_t refused = pid.refused_in_branch + pid.refused_small + pid.refused_years;
        if (report->labels_updated && refused > 0)
            fmt::print(
                "patch ids: {} labels; {} matches refused ({} already in the branch, {} small "
                "diffs with other subjects, {} small diffs more than {} days apart)\n",
                pid.labels, refused, pid.refused_in_branch, pid.refused_small, pid.refused_years,
                ctx.config.labels.patch_id_small_max_days);
        if (settled.released + settled.superseded + settled.queued + settled.woken > 0)
            fmt::print(
                "queue: {} released, {} superseded, {} queued after their review window, "
                "{} back from waiting\n",
                settled.released, settled.superseded, settled.queued, settled.woken);
        fmt::print(
            "{} new commits in {:.1f}s{}{}\n", report->new_commits, report->seconds,
            report->labels_updated ? "; backport labels updated" : "",
            embedded.embedded ? fmt::format("; {} commits embedded", embedded.embedded) : "");
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
