// stablepick decide: records a maintainer's decision on a main-branch commit for one stable
// branch (take or drop, why, who), so `review` shows it next time and `train` learns from it.
#include <fmt/format.h>

#include <cstdlib>
#include <ctime>
#include <memory>

#include "stablepick/cli/command.hpp"
#include "stablepick/stable/decisions.hpp"
#include "stablepick/store/commit_reads.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick::cli {
namespace {

// The full id of the main-branch commit `prefix` names.
Result<std::string> main_commit(Store& store, const std::string& prefix) {
    std::string p = prefix;
    for (auto& ch : p) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto found = store::main_commits_with_prefix(store, p, 2);
    if (!found) return std::unexpected(found.error());
    if (p.size() < 4 || found->empty())
        return fail(ErrorCode::kNotFound,
                    fmt::format("'{}' is not a main-branch commit in the store", prefix));
    if (found->size() > 1)
        return fail(ErrorCode::kAmbiguous, fmt::format("'{}' names more than one commit", prefix));
    return found->front();
}

}  // namespace

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
        const char* user = std::getenv("USER");
        d.reviewer = !opts->reviewer.empty() ? opts->reviewer : user ? user : "unknown";
        d.time = static_cast<int64_t>(std::time(nullptr));
        if (auto r = stable::record_decision(store, d); !r) return report(r.error());
        if (!ctx.global.quiet)
            fmt::print("{} {} for {} ({}{})\n", d.decision, id->substr(0, 12), d.branch, d.reviewer,
                       d.reason.empty() ? "" : ": " + d.reason);
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
