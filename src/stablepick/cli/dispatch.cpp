#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

#include "stablepick/cli/cli_reference.hpp"
#include "stablepick/cli/command.hpp"
#include "stablepick/core/version.hpp"
#include "stablepick/util/terminal.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick::cli {

std::vector<Command> all_commands() {
    return {
        make_index_command(),  make_branches_command(), make_import_command(),
        make_stats_command(),  make_labels_command(),   make_resolve_command(),
        make_embed_command(),  make_similar_command(),  make_train_command(),
        make_review_command(), make_decide_command(),   make_queue_command(),
        make_check_command(),  make_eval_command(),     make_cve_command(),
        make_store_command(),  make_serve_command(),
    };
}

int report(const Error& error) {
    fmt::print(stderr, "error: {}\n", error.message);
    return exit_code_for(error.code);
}

void warn(const std::string& message) {
    // Warnings quote what files, mails and commits say: nothing of it reaches the terminal raw.
    fmt::print(stderr, "warning: {}\n", util::terminal_safe(message));
}

Result<int64_t> parse_as_of(const std::string& text) {
    if (text.empty()) return INT64_MAX;
    auto d = util::parse_date(text);
    if (!d)
        return fail(ErrorCode::kInvalidInput,
                    fmt::format("invalid date '{}': use YYYY-MM-DD", text));
    return *d + 86399;
}

std::optional<std::string> chosen_store(const Context& ctx) {
    if (!ctx.global.db.empty()) return ctx.global.db;
    // A team's shared store, named once for every command.
    const char* from_env = std::getenv("STABLEPICK_DB");
    if (from_env && *from_env) return std::string(from_env);
    if (ctx.repo) return Store::default_path(ctx.repo->git_dir()).string();
    return std::nullopt;
}

namespace {

int open_needs(const Command& command, Context& ctx) {
    std::optional<std::filesystem::path> git_dir;
    if (command.needs & (kNeedsRepo | kWantsRepo)) {
        auto repo = git::Repository::open(ctx.global.repo);
        if (repo) {
            git_dir = repo->git_dir();
            ctx.repo.emplace(std::move(*repo));
        } else if ((command.needs & kNeedsRepo) || !chosen_store(ctx)) {
            return report(repo.error());
        }
    }
    std::optional<std::filesystem::path> config_path;
    if (!ctx.global.config.empty()) config_path = ctx.global.config;
    auto config = find_config(config_path, git_dir);
    if (!config) return report(config.error());
    ctx.config = std::move(*config);

    if (command.needs & (kNeedsStoreRead | kNeedsStoreWrite)) {
        auto path = chosen_store(ctx);
        if (!path)
            return report(Error{ErrorCode::kNotFound,
                                "no store: give --repo or --db (or set STABLEPICK_DB)"});
        auto mode = (command.needs & kNeedsStoreWrite) ? Store::Mode::kWrite : Store::Mode::kRead;
        auto store = Store::open(*path, mode);
        if (!store) return report(store.error());
        ctx.store.emplace(std::move(*store));
    }
    return exit_code::kOk;
}

}  // namespace

int run_cli(int argc, char** argv) {
    CLI::App app{"stablepick: find the mainline commits that belong in your stable branches",
                 "stablepick"};
    app.set_version_flag("--version", std::string("stablepick ") + kVersion);
    app.require_subcommand(1);
    app.fallthrough();
    Context ctx;
    app.add_option("-C,--repo", ctx.global.repo, "git repository (work tree or git directory)")
        ->capture_default_str();
    app.add_option(
        "--db", ctx.global.db,
        "the store: a path, sqlite:PATH or postgresql://[user@]host[:port]/dbname (default "
        "$STABLEPICK_DB, else <git-dir>/stablepick/store.sqlite)");
    app.add_option("--config", ctx.global.config, "config file (TOML)");
    app.add_flag("-q,--quiet", ctx.global.quiet, "no progress output");
    app.add_flag("-v,--verbose", ctx.global.verbose, "say more about what is done");
    app.footer(
        "Exit codes: 0 ok, 1 failure, 2 usage, 3 not found, 4 ambiguous, 5 unavailable "
        "(store locked), 6 corrupt, 7 i/o (disk full), 8 invalid input, 9 conflict "
        "(someone else changed it first).");

    auto commands = all_commands();
    std::vector<CLI::App*> subs;
    for (auto& c : commands) {
        CLI::App* sub = app.add_subcommand(c.name, c.summary);
        c.setup(*sub);
        subs.push_back(sub);
    }
    // Hidden: the manual pages and shell completion, made by the build from this very app.
    if (int rc = run_reference_output(app, argc, argv); rc >= 0) return rc;
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
        fmt::print(stderr, "error: {}\n", e.what());
        fmt::print(
            stderr, "usage: see 'stablepick {}--help'\n",
            app.get_subcommands().empty() ? "" : app.get_subcommands().front()->get_name() + " ");
        return exit_code::kUsage;
    }
    for (size_t i = 0; i < commands.size(); ++i) {
        if (!subs[i]->parsed()) continue;
        if (int rc = open_needs(commands[i], ctx); rc != exit_code::kOk) return rc;
        try {
            return commands[i].run(ctx);
        } catch (const std::exception& e) {
            return report(Error{ErrorCode::kInternal, fmt::format("internal error: {}", e.what())});
        }
    }
    return exit_code::kUsage;
}

}  // namespace stablepick::cli
