// stablepick stats: what the store holds — commits and backport rates per branch and per year,
// labels by method, and what indexing skipped.
#include <fmt/format.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "stablepick/cli/command.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick::cli {
namespace {

using nlohmann::json;

// Runs `sql` with `as_of` bound to every "?" and calls `row` for each result row.
template <typename F>
Status for_rows(Store& store, std::string_view sql, int64_t as_of, F&& row) {
    auto q = store.db().prepare(sql);
    if (!q) return std::unexpected(Store::error(q.error(), "read the store"));
    int params = q->parameter_count();
    for (int i = 1; i <= params; ++i) q->bind(i, as_of);
    while (true) {
        auto r = q->step();
        if (!r) return std::unexpected(Store::error(r.error(), "read the store"));
        if (!*r) break;
        row(*q);
    }
    return {};
}

Result<json> gather(Store& store, int64_t as_of) {
    json j;
    j["as_of"] = as_of == INT64_MAX ? json(nullptr) : json(util::format_date(as_of));
    Status ok = for_rows(
        store,
        R"(SELECT b.name, b.kind, b.tip, COUNT(bc.commit_id) FROM branches b
           LEFT JOIN branch_commits bc ON bc.branch_id = b.id GROUP BY b.id ORDER BY b.kind, b.name)",
        as_of, [&](util::Statement& q) {
            j["branches"].push_back({{"name", q.text(0)},
                                     {"kind", q.text(1)},
                                     {"tip", q.is_null(2) ? json(nullptr) : json(q.text(2))},
                                     {"commits", q.int64(3)}});
        });
    if (!ok) return std::unexpected(ok.error());

    // Labels per branch and method, as they stood on the as-of date.
    std::map<std::string, json> per_branch;
    ok = for_rows(store,
                  R"(SELECT branch, method, COUNT(DISTINCT stable_sha), COUNT(DISTINCT main_sha)
           FROM backports WHERE stable_time <= ? GROUP BY branch, method)",
                  as_of, [&](util::Statement& q) {
                      auto& b = per_branch[q.text(0)];
                      b["branch"] = q.text(0);
                      b["stable_commits_" + q.text(1)] = q.int64(2);
                      b["main_commits_" + q.text(1)] = q.int64(3);
                  });
    if (!ok) return std::unexpected(ok.error());
    for (auto& [_, b] : per_branch) j["labels_by_branch"].push_back(b);

    ok = for_rows(store,
                  R"(SELECT method, COUNT(DISTINCT main_sha), COUNT(*) FROM backports
           WHERE stable_time <= ? GROUP BY method)",
                  as_of, [&](util::Statement& q) {
                      j["labels_by_method"][q.text(0)] = {{"main_commits", q.int64(1)},
                                                          {"labels", q.int64(2)}};
                  });
    if (!ok) return std::unexpected(ok.error());

    // Main commits backported by any method, and those that only patch-id matching found.
    ok = for_rows(store,
                  R"(SELECT COUNT(DISTINCT main_sha),
                  COUNT(DISTINCT CASE WHEN method = 'patch-id' AND main_sha NOT IN
                        (SELECT main_sha FROM backports WHERE method != 'patch-id' AND stable_time <= ?)
                        THEN main_sha END)
           FROM backports WHERE stable_time <= ?)",
                  as_of, [&](util::Statement& q) {
                      j["main_backported"] = q.int64(0);
                      j["main_backported_only_by_patch_id"] = q.int64(1);
                  });
    if (!ok) return std::unexpected(ok.error());

    // Per year of the main commit's committer date: how many were backported (as of the date).
    ok = for_rows(store,
                  R"(SELECT strftime('%Y', c.commit_time, 'unixepoch') AS y, COUNT(*),
                  SUM(EXISTS(SELECT 1 FROM backports l WHERE l.main_sha = c.sha AND l.stable_time <= ?))
           FROM commits c
           WHERE c.commit_time <= ? AND EXISTS(SELECT 1 FROM branch_commits bc JOIN branches b
                ON b.id = bc.branch_id WHERE bc.commit_id = c.id AND b.kind = 'main')
           GROUP BY y ORDER BY y)",
                  as_of, [&](util::Statement& q) {
                      int64_t n = q.int64(1), k = q.int64(2);
                      j["years"].push_back({{"year", q.text(0)},
                                            {"main_commits", n},
                                            {"backported", k},
                                            {"rate", n ? double(k) / n : 0.0}});
                  });
    if (!ok) return std::unexpected(ok.error());

    ok = for_rows(store, R"(SELECT COUNT(DISTINCT commit_id), COUNT(*) FROM skips)", as_of,
                  [&](util::Statement& q) {
                      j["skipped"] = {{"commits", q.int64(0)}, {"files", q.int64(1)}};
                  });
    if (!ok) return std::unexpected(ok.error());
    ok = for_rows(
        store,
        R"(SELECT path, COUNT(*) FROM skips GROUP BY path ORDER BY COUNT(*) DESC, path LIMIT 10)",
        as_of, [&](util::Statement& q) {
            j["skipped"]["paths"].push_back({{"path", q.text(0)}, {"commits", q.int64(1)}});
        });
    if (!ok) return std::unexpected(ok.error());
    ok = for_rows(store, "SELECT COUNT(*), SUM(diff_truncated) FROM commits", as_of,
                  [&](util::Statement& q) {
                      j["commits"] = q.int64(0);
                      j["diffs_truncated"] = q.int64(1);
                  });
    if (!ok) return std::unexpected(ok.error());
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
