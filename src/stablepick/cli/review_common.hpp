#pragma once
// What `review` and `cve classify` share on the command line: the voting options, the
// review stage's hooks as progress bars and warnings, and the LLM usage at the end.
#include <string>
#include <vector>

#include "stablepick/cli/command.hpp"
#include "stablepick/review/review.hpp"

namespace stablepick::cli {

struct VotingOptions {
    std::vector<std::string> specs;
    std::string policy;
    size_t precedents = 3;
    size_t limit = 0;
    size_t last = 0;  // --last N: the newest N main-branch commits
    bool json = false;
    std::vector<std::string> llm_urls;
    bool no_llm = false;
    bool refresh = false;
    double max_cost = 0;
    std::string make_prompt;
};

// Adds the commits argument and the options above; `limit_help` says what -n leaves out.
void add_voting_options(CLI::App& app, VotingOptions& options, const std::string& commits_help,
                        const std::string& precedents_help, const std::string& limit_help,
                        const std::string& prompt_help);

// The review stage's options from the command line's (the config's LLM voters unless
// --no-llm, then the --llm ones).
review::ReviewOptions review_options(const VotingOptions& options, const Config& config);

// Warnings through warn(); progress bars on stderr unless quiet.
review::ReviewHooks progress_hooks(const GlobalOptions& global);

// Requests, tokens and dollars per provider: JSON on stderr when stdout is machine-readable,
// else a few lines on stdout (none when quiet).
void print_llm_usage(const review::ReviewRun& run, bool machine_readable, bool quiet);

// Runs the review, then `--make-prompt`'s writing when asked: returns the exit code when the
// command is done (an error, or the prompts written), nullopt when there is a run to render.
std::optional<int> run_review(Context& ctx, const VotingOptions& options,
                              const review::Question& question, review::ReviewOptions review,
                              review::ReviewRun& run);

}  // namespace stablepick::cli
