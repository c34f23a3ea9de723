#pragma once
// The table of subcommands and what each needs opened. The dispatcher (cli/dispatch.cpp)
// opens what a command declares, so commands never repeat it (git's git.c does the same).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/core/config.hpp"
#include "stablepick/core/error.hpp"
#include "stablepick/embed/embeddings.hpp"
#include "stablepick/git/repository.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick::cli {

struct GlobalOptions {
    std::string repo = ".";
    std::string db;      // store path; default <git-dir>/stablepick/store.sqlite
    std::string config;  // config file; default: see find_config
    bool quiet = false;
    bool verbose = false;
};

// What a command needs before it runs.
enum Needs : unsigned {
    kNeedsNothing = 0,
    kNeedsRepo = 1u << 0,        // a git repository (error when --repo is not one)
    kWantsRepo = 1u << 1,        // a repository if there is one (--db then locates the store)
    kNeedsStoreRead = 1u << 2,   // an existing store
    kNeedsStoreWrite = 1u << 3,  // a store to write, created if missing, locked
};

struct Context {
    GlobalOptions global;
    Config config;
    std::optional<git::Repository> repo;
    std::optional<Store> store;
};

struct Command {
    std::string name;
    std::string summary;
    unsigned needs = kNeedsNothing;
    // Adds the command's options and arguments to its CLI11 subcommand.
    std::function<void(CLI::App&)> setup;
    // Runs the command; returns the process exit code.
    std::function<int(Context&)> run;
};

// One factory per subcommand file (cmd_<name>.cpp).
Command make_index_command();
Command make_branches_command();
Command make_stats_command();
Command make_labels_command();
Command make_resolve_command();
Command make_import_command();
Command make_embed_command();
Command make_similar_command();
Command make_eval_command();
Command make_train_command();
Command make_review_command();
Command make_decide_command();
Command make_queue_command();
Command make_check_command();
Command make_cve_command();
Command make_store_command();
Command make_serve_command();

// The table: every subcommand, in the order `stablepick --help` lists them.
std::vector<Command> all_commands();

// Prints "error: <message>" on stderr and returns the exit code for the error.
int report(const Error& error);
void warn(const std::string& message);

int run_cli(int argc, char** argv);

// The store a command works on: --db, else $STABLEPICK_DB, else the repository's own
// (<git-dir>/stablepick/store.sqlite); nullopt without any of them.
std::optional<std::string> chosen_store(const Context& ctx);

// "--as-of YYYY-MM-DD" as the last second of that day (the whole day counts); INT64_MAX when
// empty. kInvalidInput naming the text otherwise.
Result<int64_t> parse_as_of(const std::string& text);

struct EmbedRun {
    std::unique_ptr<Embedder> embedder;  // the store's current one
    EmbedReport report;
};
// Embeds through the store's current embedder every commit that has no vector of it yet (with
// the builtin embedder, learning its model first when there is none).
Result<EmbedRun> ensure_embeddings(Store& store, const Config& config, bool quiet);

}  // namespace stablepick::cli
