// stablepick cve classify: does a commit look like the fixes that got CVEs before? The ballot
// of the CVE classifier (`train --label cve`): the precedents' vote over CVE-labelled history,
// the learned model, and LLM voters asked the security question. Commits that are already
// covered (a CVE of their own or of the fix they backport, a revert, an earlier CVE fix of the
// same bug) are flagged and never proposed.
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "stablepick/cli/cve_commands.hpp"
#include "stablepick/cli/review_common.hpp"
#include "stablepick/report/review_text.hpp"

namespace stablepick::cli {

CveSubcommand make_cve_classify_command() {
    auto opts = std::make_shared<VotingOptions>();
    opts->precedents = 5;
    CveSubcommand c;
    c.name = "classify";
    c.summary = "which commits fix vulnerabilities that should get a CVE";
    c.setup = [opts](CLI::App& app) {
        add_voting_options(app, *opts,
                           "commits or ranges (v6.1..v6.2); stable-branch commits are classified "
                           "as the main-branch commit they backport",
                           "CVE-labelled precedents shown per commit",
                           "show only the N commits ranked highest; LLMs are asked only about "
                           "the N the offline voters rank highest (0: all)",
                           "write each commit's security prompt to DIR/<id>.prompt.md and call "
                           "nothing");
        app.footer(
            "Needs the CVE classifier: import CVEs ('stablepick import vulns|cve-list|"
            "advisories'), then 'stablepick train --label cve'.");
    };
    c.run = [opts](Context& ctx) -> int {
        review::ReviewRun run;
        if (auto done = run_review(ctx, *opts, review::cve_question(ctx.config),
                                   review_options(*opts, ctx.config), run))
            return *done;
        if (run.reviews.empty()) {
            fmt::print("no commits to classify\n");
            return exit_code::kOk;
        }
        if (opts->json) {
            nlohmann::json out = nlohmann::json::array();
            for (auto& r : run.reviews) out.push_back(review::to_json(r, run));
            fmt::print("{}\n", out.dump(2));
        } else {
            fmt::print("{}", report::classification_table(run, ctx.global.verbose));
        }
        print_llm_usage(run, opts->json, ctx.global.quiet);
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
