// stablepick cve record: the CVE JSON 5.1 record and the announcement mail for a fix, from
// the ranges `cve ranges` computes, validated against the CVE schema when one is known.
#include <fmt/format.h>
#include <re2/re2.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "stablepick/cli/cve_commands.hpp"
#include "stablepick/cve/cve_record.hpp"
#include "stablepick/cve/schema_check.hpp"
#include "stablepick/git/lookup.hpp"
#include "stablepick/store/commit_reads.hpp"
#include "stablepick/store/cve_tables.hpp"
#include "stablepick/util/atomic_file.hpp"
#include "stablepick/util/mail.hpp"

namespace stablepick::cli {
namespace {

namespace fs = std::filesystem;

// Writes every file or none: each goes to a temporary name first, then all are renamed.
Status write_all(const fs::path& dir,
                 const std::vector<std::pair<std::string, std::string>>& files) {
    // Only the last part of the path is made: a mistyped --out is not created whole.
    if (auto st = util::make_directory(dir); !st) return st;
    std::error_code ec;
    std::vector<fs::path> temps;
    auto cleanup = [&] {
        for (auto& t : temps) fs::remove(t, ec);
    };
    for (auto& [name, text] : files) {
        auto tmp = dir / (name + ".tmp");
        temps.push_back(tmp);
        std::ofstream out(tmp, std::ios::binary);
        if (!(out << text) || !out.flush()) {
            cleanup();
            return fail(ErrorCode::kIo, fmt::format("cannot write '{}'", (dir / name).string()));
        }
    }
    for (size_t i = 0; i < files.size(); ++i) {
        fs::rename(temps[i], dir / files[i].first, ec);
        if (ec) {
            cleanup();
            return fail(ErrorCode::kIo, fmt::format("cannot write '{}': {}",
                                                    (dir / files[i].first).string(), ec.message()));
        }
    }
    return {};
}

std::string remote_url(const git::Repository& repo) {
    std::string url = git::remote_url(repo, "origin");
    if (url.ends_with(".git")) url.resize(url.size() - 4);
    return url.starts_with("http://") || url.starts_with("https://") ? url : std::string();
}

// The placeholder orgId earlier versions wrote when none was given.
constexpr const char* kPlaceholderOrgId = "00000000-0000-4000-8000-000000000000";

// A fix commit's URL on hosts whose scheme is known; empty for any other.
std::string commit_url_of(const std::string& repo_url) {
    static const RE2 host_re(R"(https?://([^/:]+)(?::\d+)?/.+)");
    std::string host;
    if (!RE2::FullMatch(repo_url, host_re, &host)) return {};
    for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string base = repo_url;
    while (base.ends_with("/")) base.pop_back();
    if (host == "github.com" || host == "codeberg.org") return base + "/commit/{sha}";
    if (host == "gitlab.com" || host.starts_with("gitlab.")) return base + "/-/commit/{sha}";
    if (host == "bitbucket.org") return base + "/commits/{sha}";
    // cgit, as git.kernel.org serves it.
    if (host == "git.kernel.org") return base + "/commit/?id={sha}";
    return {};
}

}  // namespace

CveSubcommand make_cve_record_command() {
    struct Options {
        std::string fix, cve_id, out_dir, schema, repo_url, commit_url, product, vendor, org_id;
        std::vector<std::string> vulnerable;
        bool mail = false;
    };
    auto opts = std::make_shared<Options>();
    CveSubcommand c;
    c.name = "record";
    c.summary = "write the CVE JSON 5.1 record and the announcement mail for a fix";
    c.setup = [opts](CLI::App& app) {
        app.add_option("fix", opts->fix, "the fix commit on the main branch")->required();
        app.add_option("--cve", opts->cve_id, "the CVE id assigned to it (CVE-YYYY-NNNN)")
            ->required();
        app.add_option("--vulnerable", opts->vulnerable,
                       "the commit that brought the bug in (repeatable; default: Fixes: targets)");
        app.add_option(
            "--out", opts->out_dir,
            "write DIR/<id>.json and DIR/<id>.mbox (both or neither) instead of printing");
        app.add_flag("--mail", opts->mail, "print the announcement mail instead of the record");
        app.add_option("--schema", opts->schema,
                       "CVE JSON schema to validate against (default: cve.schema in the config); "
                       "an invalid record is not written");
        app.add_option("--repo-url", opts->repo_url,
                       "the repository's public URL (default: cve.repo_url, else origin's)");
        app.add_option("--commit-url", opts->commit_url,
                       "a fix commit's URL with {sha} (default: cve.commit_url, else the form "
                       "of the repository's host: GitHub, GitLab, Codeberg, Bitbucket, "
                       "git.kernel.org)");
        app.add_option("--product", opts->product, "the record's product (default: cve.product)");
        app.add_option("--vendor", opts->vendor, "the record's vendor (default: cve.vendor)");
        app.add_option("--org-id", opts->org_id,
                       "the CNA's orgId, a UUID (default: cve.org_id); never guessed");
    };
    c.run = [opts](Context& ctx) -> int {
        if (!ctx.repo)
            return report(
                Error{ErrorCode::kNotFound, "cve record needs the repository: use -C/--repo"});
        static const RE2 id_re(R"(CVE-\d{4}-\d{4,})");
        if (!RE2::FullMatch(opts->cve_id, id_re))
            return report(Error{ErrorCode::kInvalidInput,
                                fmt::format("'{}' is not a CVE id (CVE-YYYY-NNNN)", opts->cve_id)});
        Store& store = *ctx.store;
        // What the store knows of the id: rejected, or assigned to another fix.
        std::vector<std::string> other_fixes;
        auto status = store::cve_status_of(store, opts->cve_id);
        if (!status) return report(status.error());
        if (*status == "rejected")
            return report(
                Error{ErrorCode::kInvalidInput,
                      fmt::format("{} was rejected: it can't be given to a fix", opts->cve_id)});

        // What the record says of the project is never guessed: a directory's name is no
        // product, a URL scheme that is not the host's names no commit, a placeholder is no CNA.
        const auto& cfg = ctx.config.cve;
        auto given = [](const std::string& flag, const std::string& key) {
            return !flag.empty() ? flag : key;
        };
        std::string product = given(opts->product, cfg.product);
        std::string vendor = given(opts->vendor, cfg.vendor);
        std::string org_id = given(opts->org_id, cfg.org_id);
        std::string repo_url = given(opts->repo_url, cfg.repo_url);
        if (repo_url.empty()) repo_url = remote_url(*ctx.repo);
        std::string commit_url = given(opts->commit_url, cfg.commit_url);
        if (commit_url.empty()) commit_url = commit_url_of(repo_url);
        std::vector<std::string> missing;
        if (product.empty()) missing.push_back("product (--product or cve.product)");
        if (vendor.empty()) missing.push_back("vendor (--vendor or cve.vendor)");
        if (org_id.empty() || org_id == kPlaceholderOrgId)
            missing.push_back("the CNA's orgId (--org-id or cve.org_id)");
        if (repo_url.empty())
            missing.push_back("the repository's public URL (--repo-url or cve.repo_url)");
        else if (commit_url.empty())
            missing.push_back(
                fmt::format("a fix commit's URL, with {{sha}} (--commit-url or cve.commit_url; "
                            "it can't be told from '{}')",
                            repo_url));
        bool mail_wanted = opts->mail || !opts->out_dir.empty();
        if (mail_wanted && cfg.sender.empty())
            missing.push_back("the announcement's sender (cve.sender)");
        if (!missing.empty())
            return report(Error{ErrorCode::kInvalidInput,
                                fmt::format("cannot write the record for {}: missing {}",
                                            opts->cve_id, fmt::join(missing, ", "))});
        static const RE2 uuid_re(
            R"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})");
        if (!RE2::FullMatch(org_id, uuid_re))
            return report(Error{ErrorCode::kInvalidInput,
                                fmt::format("the CNA's orgId '{}' is not a UUID", org_id)});
        if (commit_url.find("{sha}") == std::string::npos)
            return report(Error{
                ErrorCode::kInvalidInput,
                fmt::format("the commit URL '{}' has no {{sha}} for the fix's id", commit_url)});

        cve::RangesOptions range_options{opts->vulnerable};
        // Without --vulnerable, the origins the imported lists name for this id come first.
        auto listed = cve::listed_vulnerable_of(store, opts->cve_id);
        if (!listed) return report(listed.error());
        range_options.listed_vulnerable = std::move(*listed);
        // The fixes the lists name for the id: when the fix given is one of them (or one of
        // them backports it), the record covers them all, each on the lines that have it.
        auto known_found = store::fixes_listed_for(store, opts->cve_id);
        if (!known_found) return report(known_found.error());
        const std::vector<std::string>& known = *known_found;
        std::vector<std::string> fixes{opts->fix};
        if (auto given = ctx.repo->resolve_commit(opts->fix); given && !known.empty()) {
            std::string id = git::to_hex(*given);
            bool listed_fix = std::ranges::any_of(known, [&](const std::string& k) {
                if (k == id) return true;
                auto main = store::main_commit_of_backport(store, k);
                return main && *main == id;
            });
            if (listed_fix) {
                fixes = known;
                if (std::ranges::find(fixes, id) == fixes.end()) fixes.insert(fixes.begin(), id);
                range_options.listed_fixes = true;
            } else {
                for (auto& k : known) other_fixes.push_back(k.substr(0, 12));
            }
        }
        auto ranges = cve::affected_ranges(*ctx.repo, store, ctx.config, fixes, range_options);
        if (!ranges) return report(ranges.error());
        if (!other_fixes.empty())
            warn(fmt::format("{} is already known as the CVE of {}", opts->cve_id,
                             fmt::join(other_fixes, ", ")));

        cve::RecordInputs in;
        in.cve_id = opts->cve_id;
        in.ranges = *ranges;
        {
            auto oid = git::from_hex(ranges->fix_sha);
            auto commit_message = git::commit_message(*ctx.repo, *oid);
            if (!commit_message) return report(commit_message.error());
            // Records and mails are UTF-8: bytes of another encoding are replaced.
            std::string message = util::valid_utf8(*commit_message);
            auto nl = message.find('\n');
            in.subject = message.substr(0, nl);
            in.body = nl == std::string::npos ? "" : message.substr(nl + 1);
        }
        in.product = product;
        in.vendor = vendor;
        in.repo_url = repo_url;
        in.commit_url = commit_url;
        in.org_id = org_id;
        in.team = cfg.cna_name.empty() ? in.product + " CVE team" : cfg.cna_name;
        in.sender = cfg.sender;
        in.announce_to = cfg.announce_to;
        auto record = cve::cve_record(in);
        std::string mail;
        if (opts->mail || !opts->out_dir.empty()) {
            auto announcement = cve::cve_announcement(in);
            if (!announcement) return report(announcement.error());
            for (auto& w : announcement->warnings) warn(w);
            mail = std::move(announcement->text);
        }

        std::string schema = opts->schema.empty() ? cfg.schema : opts->schema;
        if (schema.empty()) {
            warn("record not validated: no schema (give --schema or set cve.schema)");
        } else {
            auto check = cve::check_against_schema(record, schema);
            if (!check) return report(check.error());
            for (auto& ref : check->not_checked)
                warn(fmt::format("schema part '{}' is missing: not checked", ref));
            if (!check->violations.empty()) {
                for (size_t i = 0; i < std::min<size_t>(20, check->violations.size()); ++i)
                    fmt::print(stderr, "  {}: {}\n", check->violations[i].path,
                               check->violations[i].message);
                return report(Error{ErrorCode::kInternal,
                                    fmt::format("the record for {} does not validate against '{}' "
                                                "({} problem(s)); nothing written",
                                                opts->cve_id, schema, check->violations.size())});
            }
        }
        if (!opts->out_dir.empty()) {
            auto st = write_all(opts->out_dir, {{opts->cve_id + ".json", record.dump(3) + "\n"},
                                                {opts->cve_id + ".mbox", mail}});
            if (!st) return report(st.error());
            if (!ctx.global.quiet)
                fmt::print(stderr, "wrote {0}.json and {0}.mbox to {1}\n", opts->cve_id,
                           opts->out_dir);
            return exit_code::kOk;
        }
        fmt::print("{}", opts->mail ? mail : record.dump(3) + "\n");
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
