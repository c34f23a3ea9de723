#pragma once
// Configuration: what a project calls its branches and trailers, and where things live.
// Loaded from TOML; every field has a default, so no config file is needed.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/core/error.hpp"

namespace stablepick {

struct BranchConfig {
    // Names the main branch may have. Of those that exist, the one that contains the others
    // is taken (ingest/branch_choice); when `main_from_config`, the first that exists.
    std::vector<std::string> main_names{"master", "main", "staging", "trunk"};
    bool main_from_config = false;  // [branches] main was set
    // RE2 patterns matched against the whole short branch name. The defaults are hints: a
    // branch they match is a stable branch, and branches they miss are still recognised by
    // their history. When `stable_from_config`, the stable branches are exactly those they match.
    std::vector<std::string> stable_patterns{
        R"(linux-\d+\.\d+\.y)",        // linux-6.6.y
        R"(v\d+-stable)",              // v255-stable (systemd)
        R"(stable-\d+(\.\d+)*)",       // stable-2.4
        R"(release/\d+\.\d+/master)",  // release/2.39/master (glibc)
        R"(\d+\.\d+)",                 // 23.11 (DPDK LTS)
        R"(\d+\.\d+\.y)",              // 6.6.y
    };
    bool stable_from_config = false;  // [branches] stable was set
};

struct TrailerConfig {
    // Trailer keys (compared without case) whose value names the commit being fixed.
    std::vector<std::string> fixes_keys{"Fixes", "Follow-up for", "Follow-up-for", "Followup-for"};
};

// How a stable commit without a marker is matched to a main commit by patch id. A patch id
// ignores context lines, so a small diff ("-break;" "+return;") recurs by chance across a long
// history: alone it is no evidence.
struct LabelConfig {
    // A diff changing fewer lines than this (added + removed) is matched only to a main commit
    // whose subject agrees, made at most `patch_id_small_max_days` before the stable one.
    int patch_id_min_lines = 5;
    int patch_id_small_max_days = 365;
};

struct IndexConfig {
    int64_t max_diff_bytes = 256 * 1024;  // diffs above this are cut (and marked) in the store
    int threads = 0;                      // 0: one per core
    // "git": patches from `git diff-tree` (fast), libgit2 for what git can't show;
    // "libgit2": libgit2 only (no git command needed).
    std::string diff_reader = "git";
};

// One LLM voter. The URL chooses the wire protocol (llm/provider.hpp) through the table of
// core/url_scheme.hpp: openai://host[:port]/model, anthropic://model, ollama://host[:port]/model,
// exec:/program args. A URL the table refuses is refused when the config is read.
struct ProviderConfig {
    std::string url;
    std::string name;         // the voter's name in ballots; default derived from the URL
    std::string api_key_env;  // environment variable holding the API key (never stored)
    double temperature = 0;
    int max_tokens = 2048;     // per answer
    int timeout_ms = 120'000;  // per HTTP request or exec run
    int concurrency = 4;       // requests in flight at once
    int max_attempts = 4;      // 429, 5xx, timeouts and dropped connections are retried
    int backoff_ms = 1000;     // first retry delay, doubled each time; Retry-After wins if longer
    double input_price = 0;    // US dollars per million input tokens
    double output_price = 0;   // US dollars per million output tokens
    bool tools = true;         // offer the read-only git tools when the protocol has them
    // Bounds on what a provider may send back; the [llm] keys of the same names set them for
    // every provider, an [[llm.providers]] entry may override them.
    int64_t max_response_bytes = 8 * 1024 * 1024;  // an HTTP body past this aborts the transfer
    int max_retry_after_ms = 60'000;  // a longer Retry-After waits this long, never past wall time
    int max_tool_calls = 16;          // run per reply; the model is told of the rest
    int64_t max_answer_bytes = 64 * 1024;  // the answer text is cut here before it is read
    int max_reasons = 10;                  // reasons, risks and cited commits kept from an answer
    int max_reason_chars = 500;            // each reason or risk is cut here (bytes)
};

struct LlmConfig {
    std::vector<ProviderConfig> providers;
    // Stable rules given to the models when the repository has no
    // Documentation/process/stable-kernel-rules.rst. Empty: a generic text.
    std::string policy_text;
    int precedents = 5;                  // similar past commits shown in the prompt
    int64_t max_diff_bytes = 24 * 1024;  // of each diff in the prompt, cut with a marker
    int max_turns = 8;                   // model turns when it calls tools
    int64_t tool_output_bytes = 16 * 1024;
    int wall_time_ms = 300'000;  // per commit and provider, tools included
    // The bounds read from [llm] (max_response_bytes, max_retry_after_ms, max_tool_calls,
    // max_answer_bytes, max_reasons, max_reason_chars): what each [[llm.providers]] entry starts
    // from, and what a provider added on the command line should start from.
    ProviderConfig provider_defaults;
};

// How an embedding server is asked (embed/openai_embedder.hpp). Which embedder is current is
// recorded in the store (`embed --embedder URL`), not here: these are its key and its limits.
struct EmbedConfig {
    // Environment variable holding the server's API key (never stored). Empty: the variable
    // `embed --api-key-env` named when the embedder was chosen, if any.
    std::string api_key_env;
    int batch = 64;           // texts per request
    int concurrency = 4;      // requests in flight at once
    int timeout_ms = 60'000;  // per request
    int max_attempts = 4;     // 429, 5xx, timeouts and dropped connections are retried
    int backoff_ms = 500;     // first retry delay, doubled each time; Retry-After wins if longer
    int max_retry_after_ms = 60'000;                // a longer Retry-After waits this long
    int64_t max_response_bytes = 64 * 1024 * 1024;  // one batch of vectors as JSON text
};

// Review mails and per-tree checks (review --target).
struct ReviewConfig {
    std::string sender = "stablepick <stablepick@localhost>";  // From: of the mails
    std::vector<std::string> to;  // e.g. the stable list; empty: the commit's author
    std::vector<std::string> cc;  // always copied
    bool cc_author = true, cc_fixes_author = true, cc_maintainers = true;
    // Paths (fnmatch patterns) whose changes are never selected automatically, e.g. a
    // subsystem that asked not to be.
    std::vector<std::string> opt_out_paths;
    // A commit whose mail would be larger is not mailed (a huge diff is no review mail).
    int64_t max_mail_bytes = 2 * 1024 * 1024;
};

// CVE work: how versions are named, and what records and announcements say.
struct CveConfig {
    std::string versions = "auto";  // "tags" (6.6.74), "describe" (2.39-31) or "auto"
    // Release tags are a prefix and a version ("v6.6.74", "glibc-2.39", "RELEASE-1.17.6"); the
    // prefix is learned from the stable branches' tags, without case (text/release_tags). Set,
    // this RE2 pattern (matched without case at the start of a tag name) says it.
    std::string tag_prefix;
    // The record's project and CNA are never guessed: cve record refuses to write a record
    // without them (or its flags).
    std::string vendor;    // CVE record "vendor"
    std::string product;   // CVE record "product"
    std::string repo_url;  // the record's "repo", e.g.
                           // https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git
    // Reference URL of a fix commit; {sha} is replaced. Default: the form of repo_url's host
    // (GitHub, GitLab, Codeberg, Bitbucket, git.kernel.org's cgit); none for another host.
    std::string commit_url;
    std::string org_id;    // the CNA's UUID
    std::string cna_name;  // how the announcement names the CNA; default: "<product> CVE team"
    std::string sender;    // From: of announcements
    std::vector<std::string> announce_to;  // e.g. linux-cve-announce@vger.kernel.org
    std::string schema;                    // CVE JSON 5.x schema that records are validated against
    std::string policy_text;  // what counts as a vulnerability; empty: the kernel CNA's rules
};

// The maintainer's queue (queue/queue.hpp).
struct QueueConfig {
    // Days a mailed candidate waits for objections on the list before it is queued.
    int review_days = 7;
    std::map<std::string, int> review_days_by_tree;  // per stable branch, overriding review_days
};

struct Config {
    BranchConfig branches;
    QueueConfig queue;
    CveConfig cve;
    ReviewConfig review;
    TrailerConfig trailers;
    IndexConfig index;
    EmbedConfig embed;
    LabelConfig labels;
    LlmConfig llm;
    std::optional<std::filesystem::path> loaded_from;
};

// Reads a config file. Every key must be one stablepick knows, of the type it expects, within
// its bounds: a typo or a wrong type is an error naming the line (values are never echoed, so
// a secret written by mistake does not reach a terminal or a log). A missing optional file is
// not an error for the caller that looked for it.
Result<Config> load_config(const std::filesystem::path& file);
// The same rules over TOML text; `name` (a file name) is what errors call it. Pure: reads no
// file and no environment; thread safe.
Result<Config> parse_config(std::string_view text, const std::string& name);

// The search order of DESIGN: explicit path, $STABLEPICK_CONFIG, <git-dir>/stablepick/config.toml,
// ~/.config/stablepick/config.toml; defaults when none exists.
Result<Config> find_config(const std::optional<std::filesystem::path>& explicit_path,
                           const std::optional<std::filesystem::path>& git_dir);

}  // namespace stablepick
