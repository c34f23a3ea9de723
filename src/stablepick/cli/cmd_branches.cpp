// stablepick branches: which branch is the main branch, which are stable branches and which
// tags name releases, as `index` would take them, with the reason for every branch. Reads the
// repository only: a check before a long first index, or after a change to [branches].
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "stablepick/cli/branch_choice_text.hpp"
#include "stablepick/cli/command.hpp"

namespace stablepick::cli {

Command make_branches_command() {
    struct Options {
        std::string main;
        std::vector<std::string> branches;
        bool json = false;
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "branches";
    c.summary = "say which branches index takes as the main and stable branches, and why";
    c.needs = kNeedsRepo;
    c.setup = [opts](CLI::App& app) {
        app.add_option("--main", opts->main,
                       "main branch name (default: of master, main, staging, trunk, the one "
                       "that contains the others)");
        app.add_option("--branch", opts->branches,
                       "take just these stable branches, whatever their history (repeatable)");
        app.add_flag("--json", opts->json, "print JSON");
    };
    c.run = [opts](Context& ctx) -> int {
        git::BranchChoiceOptions options;
        if (!opts->main.empty()) options.main = opts->main;
        options.only = opts->branches;
        auto set = git::find_branches(*ctx.repo, ctx.config, options);
        if (!set) return report(set.error());
        for (auto& w : set->warnings) warn(w);
        if (opts->json)
            fmt::print("{}\n", branch_choice_json(*set).dump(2));
        else
            print_branch_choice(*set, true);
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
