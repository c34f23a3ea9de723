// stablepick decide: records a maintainer's decision on a main-branch commit for one stable
// branch (take or drop, why, who), so `review` shows it next time and `train` learns from it.
// The older form of `queue take` and `queue drop`: it also moves the commit's candidate for
// that branch, and still records a decision the queue has no move for (a take of a commit
// already in the branch confirms it).
#include <fmt/format.h>

#include <ctime>
#include <memory>

#include "stablepick/cli/command.hpp"
#include "stablepick/cli/queue_common.hpp"
#include "stablepick/queue/queue.hpp"
#include "stablepick/stable/decisions.hpp"
#include "stablepick/store/commit_reads.hpp"

namespace stablepick::cli {

Command make_decide_command() {
    struct Options {
        std::string commit, branch, reason, reviewer;
        bool take = false, drop = false;
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "decide";
    c.summary = "record a maintainer's decision (take or drop) on a commit for a stable branch";
    c.needs = kWantsRepo | kNeedsStoreWrite;
    c.setup = [opts](CLI::App& app) {
        app.add_option("commit", opts->commit, "main-branch commit (id or prefix)")->required();
        auto* take = app.add_flag("--take", opts->take, "the commit goes to the branch");
        auto* drop = app.add_flag("--drop", opts->drop, "the commit does not go to the branch");
        take->excludes(drop);
        app.add_option("--branch", opts->branch, "stable branch")->required();
        app.add_option("--reason", opts->reason, "why");
        app.add_option("--reviewer", opts->reviewer, "who decided (default: $USER)");
    };
    c.run = [opts](Context& ctx) -> int {
        if (!opts->take && !opts->drop)
            return report(Error{ErrorCode::kInvalidInput, "say --take or --drop"});
        Store& store = *ctx.store;
        auto id = main_commit(store, opts->commit);
        if (!id) return report(id.error());
        auto stable = store::is_stable_branch(store, opts->branch);
        if (!stable) return report(stable.error());
        if (!*stable)
            return report(Error{
                ErrorCode::kNotFound,
                fmt::format("'{}' is not a stable branch the store knows (run 'stablepick index')",
                            opts->branch)});
        stable::Decision d;
        d.commit = *id;
        d.branch = opts->branch;
        d.decision = opts->take ? "take" : "drop";
        d.reason = opts->reason;
        d.reviewer = acting_user(opts->reviewer);
        d.time = static_cast<int64_t>(std::time(nullptr));
        if (auto r = stable::record_decision(store, d); !r) return report(r.error());
        // The decision stands as given (the old form never refused one); the queue follows it
        // where it can.
        queue::Change move{d.commit,
                           d.branch,
                           opts->take ? queue::Action::kTake : queue::Action::kDrop,
                           d.reviewer,
                           d.reason.empty() && opts->drop ? "dropped (no reason given)" : d.reason,
                           d.time};
        move.force = true;
        auto moved = queue::change(store, move);
        if (!ctx.global.quiet) {
            fmt::print("{} {} for {} ({}{})\n", d.decision, id->substr(0, 12), d.branch, d.reviewer,
                       d.reason.empty() ? "" : ": " + d.reason);
            if (!moved) fmt::print("the queue is unchanged: {}\n", moved.error().message);
        }
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
