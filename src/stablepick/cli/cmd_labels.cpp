// stablepick labels: which stable branches got a main commit, when, as which commit —
// optionally as the labels stood on a past date, so evaluations never see the future.
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "stablepick/cli/command.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick::cli {

Command make_labels_command() {
    struct Options {
        std::vector<std::string> commits;
        std::string as_of;
        std::string branch;
        std::string method;
        bool json = false;
        bool subjects_differ = false;
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "labels";
    c.summary = "list backport labels: main commit, stable branch, stable commit, date, method";
    c.needs = kWantsRepo | kNeedsStoreRead;
    c.setup = [opts](CLI::App& app) {
        app.add_option("commits", opts->commits, "main commit ids or prefixes (default: all)");
        app.add_option("--as-of", opts->as_of, "labels as they stood on this date (YYYY-MM-DD)");
        app.add_option("--branch", opts->branch, "only this stable branch");
        app.add_option("--method", opts->method,
                       "only labels found by: marker, patch-id, changelog");
        app.add_flag("--subjects-differ", opts->subjects_differ,
                     "only labels whose stable commit's subject differs from the main commit's "
                     "(doubtful patch-id matches), each with both subjects");
        app.add_flag("--json", opts->json, "print JSON lines");
    };
    c.run = [opts](Context& ctx) -> int {
        auto parsed = parse_as_of(opts->as_of);
        if (!parsed) return report(parsed.error());
        int64_t as_of = *parsed;
        std::vector<std::string> prefixes = opts->commits;
        if (prefixes.empty()) prefixes.push_back("");
        auto q = ctx.store->db().prepare(
            R"(SELECT b.main_sha, b.branch, b.stable_sha, b.stable_time, b.method, b.release,
                      COALESCE(m.subject, ''), COALESCE(s.subject, '') FROM backports b
               LEFT JOIN commits m ON m.sha = b.main_sha
               LEFT JOIN commits s ON s.sha = b.stable_sha
               WHERE b.stable_time <= ?1 AND b.main_sha >= ?2 AND b.main_sha < ?2 || 'g'
                 AND (?3 = '' OR b.branch = ?3) AND (?4 = '' OR b.method = ?4)
                 AND (?5 = 0 OR (s.subject IS NOT NULL AND m.subject IS NOT s.subject))
               ORDER BY b.main_sha, b.stable_time, b.branch)");
        if (!q) return report(Store::error(q.error(), "read labels"));
        int64_t count = 0;
        for (auto& prefix : prefixes) {
            std::string p = prefix;
            for (auto& ch : p) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            q->bind(1, as_of).bind(2, p).bind(3, opts->branch).bind(4, opts->method);
            q->bind(5, opts->subjects_differ ? 1 : 0);
            while (true) {
                auto row = q->step();
                if (!row) return report(Store::error(row.error(), "read labels"));
                if (!*row) break;
                ++count;
                if (opts->json) {
                    nlohmann::json j{
                        {"main", q->text(0)},   {"branch", q->text(1)},
                        {"stable", q->text(2)}, {"date", util::format_date(q->int64(3))},
                        {"time", q->int64(3)},  {"method", q->text(4)},
                        {"release", q->text(5)}};
                    if (opts->subjects_differ) {
                        j["main_subject"] = q->text(6);
                        j["stable_subject"] = q->text(7);
                    }
                    fmt::print("{}\n", j.dump());
                } else {
                    fmt::print("{} {:<22} {} {} {}{}\n", q->text(0).substr(0, 12), q->text(1),
                               q->text(2).empty() ? std::string(12, '-') : q->text(2).substr(0, 12),
                               q->int64(3) ? util::format_date(q->int64(3)) : "----------",
                               q->text(4), q->text(5).empty() ? "" : " " + q->text(5));
                    if (opts->subjects_differ)
                        fmt::print("    main:   {}\n    stable: {}\n", q->text(6), q->text(7));
                }
            }
            q->reset();
        }
        if (count == 0 && !opts->commits.empty())
            return report(Error{ErrorCode::kNotFound, "no backport labels for the given commits"});
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
