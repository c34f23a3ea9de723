#include "stablepick/cli/review_common.hpp"

#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "stablepick/report/review_text.hpp"
#include "stablepick/util/progress.hpp"

namespace stablepick::cli {
namespace {

// CLI11's own number checks name their range as "0.000000 to 1797693…(300 digits)": these say
// what is wanted in words.
CLI::Validator at_least_one() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            size_t used = 0;
            long long n = 0;
            try {
                n = std::stoll(text, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used == 0 || used != text.size() || n < 1)
                return fmt::format("'{}' is not a whole number of at least 1", text);
            return {};
        },
        "N>=1");
}

CLI::Validator not_negative() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            size_t used = 0;
            double x = 0;
            try {
                x = std::stod(text, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used == 0 || used != text.size() || !(x >= 0) || !std::isfinite(x))
                return fmt::format("'{}' is not a number of at least 0", text);
            return {};
        },
        "X>=0");
}

}  // namespace

void add_voting_options(CLI::App& app, VotingOptions& o, const std::string& commits_help,
                        const std::string& precedents_help, const std::string& limit_help,
                        const std::string& prompt_help) {
    // Commits are required unless --last names them; --last clears the requirement as soon as
    // it is parsed, so that `--target A B RANGE` still leaves RANGE to the commits.
    auto* commits = app.add_option("commits", o.specs, commits_help)->required();
    app.add_option("--last", o.last,
                   "also review the newest N commits of the main branch (whatever HEAD is)")
        ->type_name("N")
        ->check(at_least_one())
        ->trigger_on_parse()
        ->each([commits](const std::string&) { commits->required(false); });
    app.add_option("--policy", o.policy,
                   "ballot policy: weighted or majority (default: the trained one)")
        ->check(CLI::IsMember({"weighted", "majority"}));
    app.add_option("--precedents", o.precedents, precedents_help)->capture_default_str();
    app.add_option("-n,--limit", o.limit, limit_help)->capture_default_str();
    app.add_flag("--json", o.json, "print JSON");
    app.add_option("--llm", o.llm_urls,
                   "add an LLM voter: openai://host[:port]/model, anthropic://model, "
                   "ollama://host[:port]/model or exec:/program (repeatable; also "
                   "[[llm.providers]] in the config)")
        ->type_name("URL");
    app.add_flag("--no-llm", o.no_llm, "leave out the LLM voters of the config");
    app.add_flag("--refresh", o.refresh,
                 "ask the LLMs again instead of reading their cached answers");
    app.add_option("--max-cost", o.max_cost,
                   "stop asking LLMs before their cost passes this many US dollars (0: no limit)")
        ->check(not_negative());
    app.add_option("--make-prompt", o.make_prompt, prompt_help);
}

review::ReviewOptions review_options(const VotingOptions& o, const Config& config) {
    review::ReviewOptions r;
    if (!o.policy.empty()) r.policy = parse_ballot_policy(o.policy);
    r.precedents = o.precedents;
    r.limit = o.limit;
    r.last = o.last;
    if (!o.no_llm) r.providers = config.llm.providers;
    for (auto& url : o.llm_urls) {  // with the [llm] defaults, as a config entry would have
        ProviderConfig p = config.llm.provider_defaults;
        p.url = url;
        r.providers.push_back(std::move(p));
    }
    r.refresh = o.refresh;
    r.max_cost = o.max_cost;
    r.prompts_only = !o.make_prompt.empty();
    return r;
}

review::ReviewHooks progress_hooks(const GlobalOptions& global) {
    struct Bar {
        std::mutex mutex;
        std::optional<util::Progress> progress;
    };
    auto bar = std::make_shared<Bar>();
    review::ReviewHooks hooks;
    hooks.warn = [](const std::string& text) { warn(text); };
    hooks.note = [quiet = global.quiet](const std::string& text) {
        if (!quiet) warn(text);
    };
    if (global.quiet) return hooks;
    hooks.start = [bar](const std::string& what, int64_t total) {
        std::lock_guard lock(bar->mutex);
        bar->progress.emplace(what, total);
    };
    hooks.advance = [bar] {
        std::lock_guard lock(bar->mutex);
        if (bar->progress) bar->progress->advance();
    };
    hooks.finish = [bar] {
        std::lock_guard lock(bar->mutex);
        if (bar->progress) bar->progress->finish();
    };
    return hooks;
}

void print_llm_usage(const review::ReviewRun& run, bool machine_readable, bool quiet) {
    if (machine_readable) {  // stdout stays machine-readable
        if (auto j = report::usage_json(*run.usage); !j.is_null())
            fmt::print(stderr, "{}\n", j.dump());
    } else if (!quiet) {
        fmt::print("{}", report::usage_text(*run.usage));
    }
}

std::optional<int> run_review(Context& ctx, const VotingOptions& options,
                              const review::Question& question, review::ReviewOptions review,
                              review::ReviewRun& run) {
    auto result =
        review::review_commits(*ctx.store, ctx.repo ? &*ctx.repo : nullptr, ctx.config,
                               options.specs, question, review, progress_hooks(ctx.global));
    if (!result) return report(result.error());
    run = std::move(*result);
    if (review.prompts_only && !run.prompt_ids.empty()) {
        if (auto w = review::write_prompts(options.make_prompt, run); !w) return report(w.error());
        fmt::print("wrote {} prompt(s) to {}; no LLM was called\n", run.prompts.size(),
                   options.make_prompt);
        return exit_code::kOk;
    }
    return std::nullopt;
}

}  // namespace stablepick::cli
