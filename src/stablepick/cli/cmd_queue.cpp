// stablepick queue: every (commit, tree) candidate's state — proposed, mailed, queued,
// released, or objected, dropped, waiting, snoozed, superseded — and a maintainer's changes to
// it (take, drop, snooze, reopen), each kept with who, when and why.
#include <fmt/format.h>

#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>

#include "stablepick/cli/command.hpp"
#include "stablepick/cli/queue_common.hpp"
#include "stablepick/queue/export.hpp"
#include "stablepick/queue/list_replies.hpp"
#include "stablepick/queue/queue.hpp"
#include "stablepick/report/queue_text.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick::cli {
namespace {

struct Options {
    std::string tree, state, commit, reason, reviewer, until, until_tag, out, signer;
    bool stats = false, json = false, force = false;
    size_t limit = 0;
};

// Adds a change's subcommand: COMMIT --tree T [--reason] [--reviewer] [--force].
CLI::App* add_change(CLI::App& app, const std::string& name, const std::string& summary, Options& o,
                     bool reason_required) {
    CLI::App* sub = app.add_subcommand(name, summary);
    sub->add_option("commit", o.commit, "main-branch commit (id or prefix)")->required();
    sub->add_option("--tree,--branch", o.tree, "stable branch")->required();
    auto* reason = sub->add_option("--reason", o.reason, "why (shown in the queue and reviews)");
    if (reason_required) reason->required();
    sub->add_option("--reviewer", o.reviewer, "who (default: $USER)");
    sub->add_flag("--force", o.force, "act even where another maintainer decided first");
    return sub;
}

int run_change(Context& ctx, const Options& o, queue::Action action) {
    // The list and the history only read; a change takes the store's writer lock.
    auto store = Store::open(ctx.store->url(), Store::Mode::kWrite);
    if (!store) return report(store.error());
    auto id = main_commit(*store, o.commit);
    if (!id) return report(id.error());
    queue::Change c{*id,      o.tree,
                    action,   acting_user(o.reviewer),
                    o.reason, static_cast<int64_t>(std::time(nullptr))};
    c.force = o.force;
    if (action == queue::Action::kSnooze && !o.until_tag.empty()) {
        c.action = queue::Action::kWait;
        c.until_tag = o.until_tag;
    } else if (action == queue::Action::kSnooze && !o.until.empty()) {
        auto until = util::parse_date(o.until);
        if (!until)
            return report(Error{ErrorCode::kInvalidInput,
                                fmt::format("invalid date '{}': use YYYY-MM-DD", o.until)});
        c.until_time = *until;
    }
    auto changed = queue::change(*store, c);
    if (!changed) return report(changed.error());
    if (!ctx.global.quiet)
        fmt::print("{} for {}: {}{}\n", id->substr(0, 12), o.tree, changed->state,
                   c.reason.empty() ? "" : " (" + c.reason + ")");
    return exit_code::kOk;
}

}  // namespace

Command make_queue_command() {
    auto o = std::make_shared<Options>();
    auto subs = std::make_shared<std::vector<std::pair<CLI::App*, queue::Action>>>();
    auto show = std::make_shared<CLI::App*>();
    auto exporter = std::make_shared<CLI::App*>();
    auto ignore = std::make_shared<CLI::App*>();
    auto drops = std::make_shared<CLI::App*>();
    Command c;
    c.name = "queue";
    c.summary = "the candidates per stable tree and their state; take, drop, snooze, reopen";
    c.needs = kWantsRepo | kNeedsStoreRead;
    c.setup = [o, subs, show, exporter, ignore, drops](CLI::App& app) {
        app.require_subcommand(0, 1);
        app.add_option("--tree,--branch", o->tree, "only this stable branch");
        app.add_option("--state", o->state, "only candidates in this state")
            ->check(CLI::IsMember(queue::state_names()));
        app.add_option("-n,--limit", o->limit, "at most N candidates (0: all)");
        app.add_flag("--stats", o->stats,
                     "per tree and week: proposed, objected, dropped, queued, released, and "
                     "the share of proposals objected or dropped");
        app.add_flag("--json", o->json, "JSON instead of a table");
        subs->emplace_back(
            add_change(app, "take", "the commit goes to the tree (queued)", *o, false),
            queue::Action::kTake);
        subs->emplace_back(add_change(app, "drop",
                                      "the commit does not go to the tree; it is "
                                      "never proposed for it again unless reopened",
                                      *o, true),
                           queue::Action::kDrop);
        auto* snooze = add_change(app, "snooze", "not before a date or a tag", *o, false);
        auto* until = snooze->add_option("--until", o->until, "date (YYYY-MM-DD)");
        auto* tag = snooze->add_option("--until-tag", o->until_tag,
                                       "a tag that must exist first (\"let it soak\": v6.8)");
        until->excludes(tag);
        subs->emplace_back(snooze, queue::Action::kSnooze);
        subs->emplace_back(add_change(app, "reopen",
                                      "propose a dropped, objected, superseded "
                                      "or waiting candidate again",
                                      *o, false),
                           queue::Action::kReopen);
        *show = app.add_subcommand("show", "every change of a commit's candidates");
        (*show)->add_option("commit", o->commit, "main-branch commit (id or prefix)")->required();
        *exporter = app.add_subcommand(
            "export",
            "write a tree's queue as stable-queue keeps it (queue-X.Y/series and one "
            "patch per commit) and as a git cherry-pick -x script");
        (*exporter)->add_option("--tree,--branch", o->tree, "stable branch")->required();
        (*exporter)
            ->add_option("--out", o->out, "directory to write queue-X.Y/ and queue-X.Y.sh in")
            ->required();
        (*exporter)->add_option(
            "--signer", o->signer,
            "Signed-off-by of each patch (default: review.sender in the config)");
        *ignore =
            app.add_subcommand("ignore-list",
                               "read stable-queue's ignore_list (path globs; a commit touching one "
                               "is proposed only with Cc: stable), or print the store's");
        (*ignore)->add_option("file", o->out, "the list (one glob per line, # comments)");
        *drops = app.add_subcommand("drop-list",
                                    "drop for a tree every commit on a list "
                                    "(\"<id> [why]\" per line)");
        (*drops)->add_option("file", o->out, "the list")->required();
        (*drops)->add_option("--tree,--branch", o->tree, "stable branch")->required();
        (*drops)->add_option("--reviewer", o->reviewer, "who (default: $USER)");
    };
    c.run = [o, subs, show, exporter, ignore, drops](Context& ctx) -> int {
        if ((*ignore)->parsed()) return run_ignore_list(ctx, o->out);
        if ((*drops)->parsed()) return run_drop_list(ctx, o->out, o->tree, o->reviewer);
        for (auto& [app, action] : *subs)
            if (app->parsed()) {
                if (action == queue::Action::kSnooze && o->until.empty() && o->until_tag.empty())
                    return report(Error{ErrorCode::kInvalidInput,
                                        "snooze until when? give --until DATE or --until-tag TAG"});
                return run_change(ctx, *o, action);
            }
        Store& store = *ctx.store;
        if ((*exporter)->parsed()) {
            if (!ctx.repo)
                return report(Error{ErrorCode::kNotFound, "export needs the repository: use -C"});
            auto q = queue::export_queue(store, *ctx.repo, o->tree,
                                         o->signer.empty() ? ctx.config.review.sender : o->signer);
            if (!q) return report(q.error());
            if (auto st = queue::write_export(o->out, *q); !st) return report(st.error());
            if (!ctx.global.quiet)
                fmt::print("{} patch(es) in {}/{}/series; the script is {}/{}.sh\n",
                           q->patches.size(), o->out, q->directory, o->out, q->directory);
            return exit_code::kOk;
        }
        if ((*show)->parsed()) {
            auto id = main_commit(store, o->commit);
            if (!id) return report(id.error());
            auto events = store::candidate_events(store, *id, o->tree);
            if (!events) return report(events.error());
            if (o->json)
                fmt::print("{}\n", report::history_json(*events).dump(2));
            else if (events->empty())
                fmt::print("{} is no candidate\n", id->substr(0, 12));
            else
                fmt::print("{}", report::history_text(*events));
            return exit_code::kOk;
        }
        if (o->stats) {
            auto weeks = queue::weekly_stats(store, o->tree);
            if (!weeks) return report(weeks.error());
            fmt::print("{}", o->json ? report::stats_json(*weeks).dump(2) + "\n"
                                     : report::stats_table(*weeks));
            return exit_code::kOk;
        }
        auto rows = store::candidates(store, {o->tree, o->state, "", o->limit});
        if (!rows) return report(rows.error());
        auto objections = queue::objections_on(store, *rows);
        if (!objections) return report(objections.error());
        fmt::print("{}", o->json ? report::queue_json(*rows).dump(2) + "\n"
                                 : report::queue_table(*rows, std::time(nullptr), *objections));
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
