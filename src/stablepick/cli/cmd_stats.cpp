// stablepick stats: what the store holds — commits and backport rates per branch and per year,
// labels by method, and what indexing skipped.
#include <fmt/format.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "stablepick/cli/command.hpp"
#include "stablepick/store/stats_reads.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick::cli {
namespace {

using nlohmann::json;

// The store's counts as `stats --json` prints them (and the table is rendered from).
Result<json> gather(Store& store, int64_t as_of) {
    json j;
    j["as_of"] = as_of == INT64_MAX ? json(nullptr) : json(util::format_date(as_of));
    auto branches = store::branch_counts(store);
    if (!branches) return std::unexpected(branches.error());
    for (auto& b : *branches)
        j["branches"].push_back({{"name", b.name},
                                 {"kind", b.kind},
                                 {"tip", b.tip ? json(*b.tip) : json(nullptr)},
                                 {"commits", b.commits}});

    // Labels per branch and method, as they stood on the as-of date.
    auto by_branch = store::label_counts_by_branch(store, as_of);
    if (!by_branch) return std::unexpected(by_branch.error());
    std::map<std::string, json> per_branch;
    for (auto& c : *by_branch) {
        auto& b = per_branch[c.branch];
        b["branch"] = c.branch;
        b["stable_commits_" + c.method] = c.stable_commits;
        b["main_commits_" + c.method] = c.main_commits;
    }
    for (auto& [_, b] : per_branch) j["labels_by_branch"].push_back(b);

    auto by_method = store::label_counts_by_method(store, as_of);
    if (!by_method) return std::unexpected(by_method.error());
    for (auto& m : *by_method)
        j["labels_by_method"][m.method] = {{"main_commits", m.main_commits}, {"labels", m.labels}};

    // Main commits backported by any method, and those that only patch-id matching found.
    auto backported = store::backported_count(store, as_of);
    if (!backported) return std::unexpected(backported.error());
    j["main_backported"] = backported->main_commits;
    j["main_backported_only_by_patch_id"] = backported->only_by_patch_id;

    // Per year of the main commit's committer date: how many were backported (as of the date).
    auto years = store::main_commits_by_year(store, as_of);
    if (!years) return std::unexpected(years.error());
    for (auto& y : *years)
        j["years"].push_back(
            {{"year", y.year},
             {"main_commits", y.main_commits},
             {"backported", y.backported},
             {"rate", y.main_commits ? double(y.backported) / y.main_commits : 0.0}});

    auto skips = store::skip_counts(store, 10);
    if (!skips) return std::unexpected(skips.error());
    j["skipped"] = {{"commits", skips->commits}, {"files", skips->files}};
    for (auto& p : skips->paths)
        j["skipped"]["paths"].push_back({{"path", p.path}, {"commits", p.commits}});
    auto commits = store::commit_count(store);
    if (!commits) return std::unexpected(commits.error());
    j["commits"] = commits->commits;
    j["diffs_truncated"] = commits->diffs_truncated;
    auto summary = store.meta("label_summary");
    if (!summary) return std::unexpected(summary.error());
    if (!summary->empty()) j["marker_summary"] = json::parse(*summary, nullptr, false);
    return j;
}

void print_table(const json& j) {
    if (!j["as_of"].is_null()) fmt::print("labels as of {}\n\n", j["as_of"].get<std::string>());
    fmt::print("{:<28} {:<7} {:>9}\n", "branch", "kind", "commits");
    for (auto& b : j.value("branches", json::array()))
        fmt::print("{:<28} {:<7} {:>9}\n", b["name"].get<std::string>(),
                   b["kind"].get<std::string>(), b["commits"].get<int64_t>());
    if (j.contains("marker_summary") && j["marker_summary"].is_object()) {
        auto& m = j["marker_summary"];
        fmt::print("\n{:<28} {:>9} {:>9} {:>9} {:>9} {:>10}\n", "stable branch", "only-here",
                   "marker", "->main", "patch-id", "unresolved");
        int64_t t[5] = {0, 0, 0, 0, 0};
        for (auto& b : m.value("branches", json::array())) {
            int64_t v[5] = {b["stable_commits"], b["with_marker"], b["by_marker"], b["by_patch_id"],
                            b["unresolved_markers"]};
            for (int i = 0; i < 5; ++i) t[i] += v[i];
            fmt::print("{:<28} {:>9} {:>9} {:>9} {:>9} {:>10}\n", b["branch"].get<std::string>(),
                       v[0], v[1], v[2], v[3], v[4]);
        }
        fmt::print("{:<28} {:>9} {:>9} {:>9} {:>9} {:>10}\n", "(all, per branch)", t[0], t[1], t[2],
                   t[3], t[4]);
        fmt::print("\nmain commits backported: {} by marker, {} more only by patch id\n",
                   m.value("main_backported_by_marker", 0),
                   m.value("main_backported_by_patch_id", 0));
        if (m.contains("patch_id") && m["patch_id"].is_object()) {
            auto& p = m["patch_id"];
            fmt::print(
                "patch-id labels: {}, {} of them between different subjects ('stablepick labels "
                "--method patch-id --subjects-differ'); matches refused: {} already in the "
                "branch, {} small diffs with other subjects, {} small diffs too far apart\n",
                p.value("labels", 0), p.value("subjects_differ", 0),
                p.value("refused_in_branch", 0), p.value("refused_small", 0),
                p.value("refused_years", 0));
        }
    }
    if (j.contains("labels_by_method")) {
        fmt::print("\nlabels by method{}:\n", j["as_of"].is_null() ? "" : " (as of the date)");
        for (auto& [method, v] : j["labels_by_method"].items())
            fmt::print("  {:<10} {:>8} main commits  {:>8} labels\n", method,
                       v["main_commits"].get<int64_t>(), v["labels"].get<int64_t>());
        fmt::print("  {:<10} {:>8} main commits (any method)\n", "all",
                   j.value("main_backported", 0));
    }
    if (j.contains("years")) {
        fmt::print("\n{:<6} {:>9} {:>11} {:>7}\n", "year", "main", "backported", "rate");
        for (auto& y : j["years"])
            fmt::print("{:<6} {:>9} {:>11} {:>6.1f}%\n", y["year"].get<std::string>(),
                       y["main_commits"].get<int64_t>(), y["backported"].get<int64_t>(),
                       100 * y["rate"].get<double>());
    }
    auto& s = j["skipped"];
    fmt::print(
        "\nskipped: {} file diffs in {} commits (blob missing or unreadable); {} diffs cut at the "
        "size cap\n",
        s["files"].get<int64_t>(), s["commits"].get<int64_t>(), j.value("diffs_truncated", 0));
    for (auto& p : s.value("paths", json::array()))
        fmt::print("  {:>6}  {}\n", p["commits"].get<int64_t>(), p["path"].get<std::string>());
}

}  // namespace

Command make_stats_command() {
    struct Options {
        std::string as_of;
        bool json = false;
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "stats";
    c.summary = "commits and backport rates per branch and per year, and what indexing skipped";
    c.needs = kWantsRepo | kNeedsStoreRead;
    c.setup = [opts](CLI::App& app) {
        app.add_option("--as-of", opts->as_of, "count only labels known on this date (YYYY-MM-DD)");
        app.add_flag("--json", opts->json, "print JSON");
    };
    c.run = [opts](Context& ctx) -> int {
        auto parsed = parse_as_of(opts->as_of);
        if (!parsed) return report(parsed.error());
        int64_t as_of = *parsed;
        auto j = gather(*ctx.store, as_of);
        if (!j) return report(j.error());
        if (opts->json)
            fmt::print("{}\n", j->dump(2));
        else
            print_table(*j);
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
