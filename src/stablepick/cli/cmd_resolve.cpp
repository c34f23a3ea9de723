// stablepick resolve: an abbreviated, ambiguous or wrong commit id to the full commit.
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "stablepick/cli/command.hpp"
#include "stablepick/history/resolve.hpp"
#include "stablepick/text/message.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick::cli {

Command make_resolve_command() {
    struct Options {
        std::string id;
        std::string subject;
        bool force = false;
        bool full = false;
        bool json = false;
        bool no_store = false;
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "resolve";
    c.summary = "expand an abbreviated, ambiguous or wrong commit id, choosing by subject";
    // The store is optional: without one (or with --no-store) the repository answers.
    c.needs = kWantsRepo;
    c.setup = [opts](CLI::App& app) {
        app.add_option("id", opts->id, "commit id or prefix; a whole Fixes: line works too")
            ->required();
        app.add_option("subject", opts->subject, "the commit's subject; '...' matches any text");
        app.add_flag("-f,--force", opts->force,
                     "when the id does not match, search by subject alone");
        app.add_flag("--full", opts->full, "print the full 40-character id only");
        app.add_flag("--json", opts->json, "print the candidates as JSON");
        app.add_flag("--no-store", opts->no_store, "ask the repository, not the store");
        app.footer("Exit codes: 0 resolved, 3 not found, 4 ambiguous (candidates on stderr).");
    };
    c.run = [opts](Context& ctx) -> int {
        auto query = parse_resolve_input(opts->id, opts->subject, opts->force);
        if (!query) return report(query.error());
        Result<ResolveOutcome> outcome = fail(ErrorCode::kNotFound, "no repository and no store");
        auto db = opts->no_store ? std::nullopt : chosen_store(ctx);
        // No store yet (never indexed): the repository answers.
        std::optional<Store> store;
        if (db) {
            auto opened = Store::open(*db, Store::Mode::kRead);
            if (opened)
                store.emplace(std::move(*opened));
            else if (opened.error().code != ErrorCode::kNotFound)
                return report(opened.error());
        }
        if (store) {
            outcome = resolve_in_store(*store, *query);
        } else if (ctx.repo) {
            outcome = resolve_in_repository(*ctx.repo, *query);
        } else {
            return report(Error{
                ErrorCode::kNotFound,
                fmt::format("cannot open repository '{}': not a git repository", ctx.global.repo)});
        }
        if (!outcome) return report(outcome.error());
        auto& found = outcome->candidates;
        if (opts->json) {
            nlohmann::json j = nlohmann::json::array();
            // A subject read from the repository may be in any encoding; JSON is UTF-8.
            for (auto& f : found)
                j.push_back({{"id", f.id},
                             {"subject", to_valid_utf8(f.subject)},
                             {"date", util::format_date(f.time)}});
            fmt::print("{}\n", j.dump(2));
        }
        if (found.size() == 1) {
            if (outcome->by_subject_only)
                warn(fmt::format("'{}' does not name this commit; found by subject", query->id));
            if (!opts->json) {
                if (opts->full)
                    fmt::print("{}\n", found[0].id);
                else
                    fmt::print("{} (\"{}\")\n", found[0].id.substr(0, 12), found[0].subject);
            }
            return exit_code::kOk;
        }
        if (found.empty()) {
            std::string hint = !query->subject.empty() && !query->force
                                   ? "; try --force to search by subject"
                                   : "";
            return report(Error{ErrorCode::kNotFound,
                                fmt::format("no commit matches '{}'{}{}",
                                            query->id.empty() ? query->subject : query->id,
                                            query->subject.empty() || query->id.empty()
                                                ? ""
                                                : fmt::format(" with subject '{}'", query->subject),
                                            hint)});
        }
        // The newest candidates first; a two-character prefix must not flood the terminal.
        constexpr size_t kShown = 20;
        for (size_t i = 0; i < found.size() && i < kShown; ++i)
            fmt::print(stderr, "  {} {} {}\n", found[i].id.substr(0, 12),
                       util::format_date(found[i].time), found[i].subject);
        if (found.size() > kShown) fmt::print(stderr, "  ... and {} more\n", found.size() - kShown);
        return report(
            Error{ErrorCode::kAmbiguous,
                  fmt::format("'{}' is ambiguous: {} candidates{}",
                              query->id.empty() ? query->subject : query->id, found.size(),
                              query->subject.empty() ? "; give the subject to choose" : "")});
    };
    return c;
}

}  // namespace stablepick::cli
