// stablepick serve: the review server a team shares — the queue page and the JSON API
// (docs/API.md) over the store, SQLite or PostgreSQL. `--add-reviewer NAME` makes a reviewer's
// token instead and exits.
#include <fmt/format.h>
#include <signal.h>

#include <memory>
#include <thread>

#include "stablepick/cli/command.hpp"
#include "stablepick/server/server.hpp"

namespace stablepick::cli {
namespace {

server::Server* running = nullptr;

// Ctrl-C and a service manager's SIGTERM stop the server between requests.
void on_signal(int) {
    if (running) running->stop();
}

}  // namespace

Command make_serve_command() {
    struct Options {
        std::string listen = "127.0.0.1:8080";
        std::string add_reviewer;
        bool anonymous_read = false;
        std::string reviewer_header;
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "serve";
    c.summary = "serve the review queue to a team: a web page and a JSON API";
    c.needs = kWantsRepo;
    c.setup = [opts](CLI::App& app) {
        app.add_option("--listen", opts->listen, "address and port to listen on")
            ->capture_default_str();
        app.add_option("--add-reviewer", opts->add_reviewer,
                       "make a token for reviewer NAME (printed once, stored hashed) and exit");
        app.add_flag("--anonymous-read", opts->anonymous_read,
                     "answer reads without a token (changes always need a reviewer)");
        app.add_option("--reviewer-header", opts->reviewer_header,
                       "trust this request header for the reviewer's name (set by a reverse "
                       "proxy that signs people in, e.g. X-Remote-User)");
        app.footer(
            "The page and the API are on http://ADDRESS/ (API reference: docs/API.md). Listen "
            "on loopback behind a reverse proxy that adds TLS when others reach it.");
    };
    c.run = [opts](Context& ctx) -> int {
        auto location = chosen_store(ctx);
        if (!location)
            return report(Error{ErrorCode::kNotFound,
                                "no store: give --repo or --db (or set STABLEPICK_DB)"});
        if (!opts->add_reviewer.empty()) {
            auto token = server::add_reviewer(*location, opts->add_reviewer);
            if (!token) return report(token.error());
            fmt::print("{}\n", *token);
            if (!ctx.global.quiet)
                fmt::print(stderr,
                           "reviewer '{}' signs in with the token above (shown once; run "
                           "--add-reviewer again for a new one)\n",
                           opts->add_reviewer);
            return exit_code::kOk;
        }
        server::ServerOptions options;
        options.store = *location;
        if (ctx.repo) options.repo = ctx.repo->git_dir().string();
        auto colon = opts->listen.rfind(':');
        if (colon == std::string::npos)
            return report(Error{ErrorCode::kInvalidInput,
                                fmt::format("--listen '{}': expected HOST:PORT", opts->listen)});
        options.host = opts->listen.substr(0, colon);
        try {
            options.port = std::stoi(opts->listen.substr(colon + 1));
        } catch (...) {
            options.port = -1;
        }
        if (options.port < 0 || options.port > 65535)
            return report(Error{ErrorCode::kInvalidInput,
                                fmt::format("--listen '{}': the port is 0-65535", opts->listen)});
        options.anonymous_read = opts->anonymous_read;
        options.reviewer_header = opts->reviewer_header;
        server::Server server(options);
        auto port = server.bind();
        if (!port) return report(port.error());
        // The first line says where: a script that asked for port 0 reads it.
        fmt::print("listening on http://{}:{}/\n", options.host, *port);
        std::fflush(stdout);
        running = &server;
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        server.run();
        running = nullptr;
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
