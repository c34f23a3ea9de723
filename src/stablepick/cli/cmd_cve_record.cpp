// stablepick cve record: the CVE JSON 5.1 record and the announcement mail for a fix, from
// the ranges `cve ranges` computes, validated against the CVE schema when one is known.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "stablepick/cli/cve_commands.hpp"
#include "stablepick/cve/fix_record.hpp"
#include "stablepick/cve/schema_check.hpp"
#include "stablepick/util/atomic_file.hpp"

namespace stablepick::cli {
namespace {

// Prints what a check against `schema` found; an error when the record does not validate.
Status report_schema_check(const nlohmann::json& record, const std::string& cve_id,
                           const std::string& schema) {
    auto check = cve::check_against_schema(record, schema);
    if (!check) return std::unexpected(check.error());
    for (auto& ref : check->not_checked)
        warn(fmt::format("schema part '{}' is missing: not checked", ref));
    if (check->violations.empty()) return {};
    for (size_t i = 0; i < std::min<size_t>(20, check->violations.size()); ++i)
        fmt::print(stderr, "  {}: {}\n", check->violations[i].path, check->violations[i].message);
    return fail(ErrorCode::kInternal,
                fmt::format("the record for {} does not validate against '{}' ({} problem(s)); "
                            "nothing written",
                            cve_id, schema, check->violations.size()));
}

}  // namespace

CveSubcommand make_cve_record_command() {
    struct Options {
        cve::RecordRequest request;
        std::string out_dir, schema;
        bool mail = false;
    };
    auto opts = std::make_shared<Options>();
    CveSubcommand c;
    c.name = "record";
    c.summary = "write the CVE JSON 5.1 record and the announcement mail for a fix";
    c.setup = [opts](CLI::App& app) {
        auto& r = opts->request;
        app.add_option("fix", r.fix, "the fix commit on the main branch")->required();
        app.add_option("--cve", r.cve_id, "the CVE id assigned to it (CVE-YYYY-NNNN)")->required();
        app.add_option("--vulnerable", r.vulnerable,
                       "the commit that brought the bug in (repeatable; default: Fixes: targets)");
        app.add_option(
            "--out", opts->out_dir,
            "write DIR/<id>.json and DIR/<id>.mbox (both or neither) instead of printing");
        app.add_flag("--mail", opts->mail, "print the announcement mail instead of the record");
        app.add_option("--schema", opts->schema,
                       "CVE JSON schema to validate against (default: cve.schema in the config); "
                       "an invalid record is not written");
        app.add_option("--repo-url", r.repo_url,
                       "the repository's public URL (default: cve.repo_url, else origin's)");
        app.add_option("--commit-url", r.commit_url,
                       "a fix commit's URL with {sha} (default: cve.commit_url, else the form "
                       "of the repository's host: GitHub, GitLab, Codeberg, Bitbucket, "
                       "git.kernel.org)");
        app.add_option("--product", r.product, "the record's product (default: cve.product)");
        app.add_option("--vendor", r.vendor, "the record's vendor (default: cve.vendor)");
        app.add_option("--org-id", r.org_id,
                       "the CNA's orgId, a UUID (default: cve.org_id); never guessed");
    };
    c.run = [opts](Context& ctx) -> int {
        if (!ctx.repo)
            return report(
                Error{ErrorCode::kNotFound, "cve record needs the repository: use -C/--repo"});
        const std::string& cve_id = opts->request.cve_id;
        opts->request.mail = opts->mail || !opts->out_dir.empty();
        auto made = cve::fix_record(*ctx.repo, *ctx.store, ctx.config, opts->request,
                                    [](const std::string& w) { warn(w); });
        if (!made) return report(made.error());

        std::string schema = opts->schema.empty() ? ctx.config.cve.schema : opts->schema;
        if (schema.empty()) {
            warn("record not validated: no schema (give --schema or set cve.schema)");
        } else if (auto st = report_schema_check(made->record, cve_id, schema); !st) {
            return report(st.error());
        }
        if (!opts->out_dir.empty()) {
            auto st = util::write_files_together(
                opts->out_dir,
                {{cve_id + ".json", made->record.dump(3) + "\n"}, {cve_id + ".mbox", made->mail}});
            if (!st) return report(st.error());
            if (!ctx.global.quiet)
                fmt::print(stderr, "wrote {0}.json and {0}.mbox to {1}\n", cve_id, opts->out_dir);
            return exit_code::kOk;
        }
        fmt::print("{}", opts->mail ? made->mail : made->record.dump(3) + "\n");
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
