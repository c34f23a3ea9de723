// stablepick cve ranges: for a fix on the main branch, where the bug came in and where it was
// fixed on every line of development, as the kernel CNA's dyad tool says it.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "stablepick/cli/cve_commands.hpp"
#include "stablepick/cve/affected_ranges.hpp"

namespace stablepick::cli {
namespace {

const char* scheme_name(cve::VersionScheme s) {
    switch (s) {
        case cve::VersionScheme::kTags:
            return "tags";
        case cve::VersionScheme::kDescribe:
            return "describe";
        default:
            return "auto";
    }
}

nlohmann::json line_json(const cve::LineRange& l) {
    return {{"branch", l.branch},
            {"main", l.main},
            {"vulnerable_version", l.vulnerable_version},
            {"vulnerable_sha", l.vulnerable_sha},
            {"fixed_version", l.fixed_version},
            {"fixed_sha", l.fixed_sha},
            {"note", l.note},
            {"dyad", cve::dyad_line(l)}};
}

}  // namespace

CveSubcommand make_cve_ranges_command() {
    struct Options {
        std::string fix;
        std::vector<std::string> vulnerable;
        std::string versions;
        bool dyad = false, json = false;
    };
    auto opts = std::make_shared<Options>();
    CveSubcommand c;
    c.name = "ranges";
    c.summary = "where a fixed bug came in and where it was fixed, on every branch";
    c.setup = [opts](CLI::App& app) {
        app.add_option("fix", opts->fix,
                       "the fix commit on the main branch, or a CVE id the store knows (all of "
                       "its fix commits are used)")
            ->required();
        app.add_option("--vulnerable", opts->vulnerable,
                       "the commit that brought the bug in (repeatable; default: the fix's "
                       "Fixes: targets)");
        app.add_option("--versions", opts->versions,
                       "how versions are named: tags (6.6.74: the first tag holding the commit) "
                       "or describe (2.39-31: nearest tag and commits since); default: "
                       "cve.versions in the config, else chosen by whether stable branches "
                       "carry tags")
            ->check(CLI::IsMember({"tags", "describe", "auto"}));
        app.add_flag("--dyad", opts->dyad,
                     "print vulnerable:fixed lines as the kernel CNA's dyad does "
                     "(version:sha:version:sha, 0 where unknown or not fixed)");
        app.add_flag("--json", opts->json, "print JSON");
    };
    c.run = [opts](Context& ctx) -> int {
        if (!ctx.repo)
            return report(
                Error{ErrorCode::kNotFound, "cve ranges needs the repository: use -C/--repo"});
        cve::RangesOptions options;
        options.vulnerable = opts->vulnerable;
        if (opts->versions == "tags") options.scheme = cve::VersionScheme::kTags;
        if (opts->versions == "describe") options.scheme = cve::VersionScheme::kDescribe;
        std::vector<std::string> fixes{opts->fix};
        if (std::string id = opts->fix; id.starts_with("CVE-") || id.starts_with("cve-")) {
            for (auto& ch : id)
                ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            // Every fix the lists name for the id, each on the lines that have it.
            auto found = cve::fixes_of(*ctx.store, id);
            if (!found) return report(found.error());
            auto listed = cve::listed_vulnerable_of(*ctx.store, id);
            if (!listed) return report(listed.error());
            options.listed_vulnerable = std::move(*listed);
            options.listed_fixes = true;
            fixes = std::move(*found);
        }
        auto r = cve::affected_ranges(*ctx.repo, *ctx.store, ctx.config, fixes, options);
        if (!r) return report(r.error());
        if (opts->dyad) {
            for (auto& l : cve::dyad_order(r->lines)) fmt::print("{}\n", cve::dyad_line(l));
            return exit_code::kOk;
        }
        if (opts->json) {
            nlohmann::json j{{"fix", r->fix_sha},
                             {"fixes", r->fixes},
                             {"vulnerable", r->vulnerable},
                             {"versions", scheme_name(r->scheme)},
                             {"files", r->files}};
            j["lines"] = nlohmann::json::array();
            for (auto& l : r->lines) j["lines"].push_back(line_json(l));
            j["not_affected"] = nlohmann::json::array();
            for (auto& l : r->not_affected) j["not_affected"].push_back(line_json(l));
            fmt::print("{}\n", j.dump(2));
            return exit_code::kOk;
        }
        auto named = [](const std::string& version, const std::string& sha) {
            return sha.empty() ? std::string("unknown")
                               : fmt::format("{} ({})", version, sha.substr(0, 12));
        };
        std::vector<std::string> fixes_shown;
        for (auto& f : r->fixes) fixes_shown.push_back(f.substr(0, 12));
        fmt::print("{} {} ; bug from {} ; versions by {}\n\n",
                   fixes_shown.size() == 1 ? "fix" : "fixes", fmt::join(fixes_shown, ", "),
                   r->vulnerable.empty() ? std::string("an unknown commit (no Fixes: tag)")
                                         : fmt::format("{}", fmt::join(r->vulnerable, ", ")),
                   scheme_name(r->scheme));
        size_t width = 6;
        for (auto& l : r->lines) width = std::max(width, l.branch.size());
        for (auto& l : r->not_affected) width = std::max(width, l.branch.size());
        fmt::print("{:<{}}  {:<22}  {:<22}  {}\n", "branch", width, "introduced", "fixed", "note");
        for (auto& l : r->lines)
            fmt::print("{:<{}}  {:<22}  {:<22}  {}\n", l.branch, width,
                       named(l.vulnerable_version, l.vulnerable_sha),
                       l.fixed_sha.empty() ? std::string("not fixed")
                                           : named(l.fixed_version, l.fixed_sha),
                       l.note);
        if (!r->not_affected.empty()) {
            fmt::print("\nnot affected:\n");
            for (auto& l : r->not_affected) fmt::print("  {:<{}}  {}\n", l.branch, width, l.note);
        }
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
