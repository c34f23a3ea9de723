// stablepick labels: which stable branches got a main commit, when, as which commit —
// optionally as the labels stood on a past date, so evaluations never see the future.
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "stablepick/cli/command.hpp"
#include "stablepick/store/stats_reads.hpp"
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
        store::LabelFilter filter{as_of, "", opts->branch, opts->method, opts->subjects_differ};
        int64_t count = 0;
        for (auto& prefix : prefixes) {
            filter.prefix = prefix;
            for (auto& ch : filter.prefix)
                ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            auto rows = store::labels_matching(*ctx.store, filter);
            if (!rows) return report(rows.error());
            for (auto& [l, main_subject, stable_subject] : *rows) {
                ++count;
                if (opts->json) {
                    nlohmann::json j{
                        {"main", l.main_id},     {"branch", l.branch},
                        {"stable", l.stable_id}, {"date", util::format_date(l.stable_time)},
                        {"time", l.stable_time}, {"method", l.method},
                        {"release", l.release}};
                    if (opts->subjects_differ) {
                        j["main_subject"] = main_subject;
                        j["stable_subject"] = stable_subject;
                    }
                    fmt::print("{}\n", j.dump());
                } else {
                    fmt::print(
                        "{} {:<22} {} {} {}{}\n", l.main_id.substr(0, 12), l.branch,
                        l.stable_id.empty() ? std::string(12, '-') : l.stable_id.substr(0, 12),
                        l.stable_time ? util::format_date(l.stable_time) : "----------", l.method,
                        l.release.empty() ? "" : " " + l.release);
                    if (opts->subjects_differ)
                        fmt::print("    main:   {}\n    stable: {}\n", main_subject,
                                   stable_subject);
                }
            }
        }
        if (count == 0 && !opts->commits.empty())
            return report(Error{ErrorCode::kNotFound, "no backport labels for the given commits"});
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
