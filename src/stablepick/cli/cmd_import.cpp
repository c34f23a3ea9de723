// stablepick import: history that is not a git repository — commit-notification mails
// (public-inbox archives, mbox files), kernel.org stable ChangeLogs, CVE lists, and the
// replies on the list to review mails.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "stablepick/cli/command.hpp"
#include "stablepick/ingest/imports.hpp"
#include "stablepick/ingest/mail.hpp"
#include "stablepick/queue/list_replies.hpp"
#include "stablepick/report/replies_text.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick::cli {
namespace {

void warn_of(std::string_view message) {
    warn(std::string(message));
}

// The CVE sources: reports malformed lines (file:line) and stores what is good.
int import_cves(Context& ctx, const std::string& kind, const std::vector<std::string>& paths,
                bool json) {
    auto counts = import_cve_sources(
        *ctx.store, ctx.repo ? &*ctx.repo : nullptr, kind, paths,
        [](const std::vector<cve::SourceProblem>& problems) {
            for (size_t i = 0; i < problems.size() && i < 20; ++i)
                warn(problems[i].line
                         ? fmt::format("{}:{}: {}", problems[i].file, problems[i].line,
                                       problems[i].message)
                         : fmt::format("{}: {}", problems[i].file, problems[i].message));
            if (problems.size() > 20)
                warn(fmt::format("… and {} more problems", problems.size() - 20));
        });
    if (!counts) return report(counts.error());
    const auto& stored = counts->stored;
    if (json)
        fmt::print("{}\n", nlohmann::json{{"published", stored.published},
                                          {"rejected", stored.rejected},
                                          {"fix_commits", stored.fix_commits},
                                          {"fix_commits_in_store", stored.fixes_in_store},
                                          {"ranges", stored.ranges},
                                          {"problems", counts->problems}}
                               .dump(2));
    else
        fmt::print(
            "{} CVEs imported ({} rejected ids): {} fix commits, {} of them in the store; {} "
            "vulnerable:fixed "
            "ranges; {} lines or files skipped (named above)\n",
            stored.published, stored.rejected, stored.fix_commits, stored.fixes_in_store,
            stored.ranges, counts->problems);
    return exit_code::kOk;
}

int import_mbox(Context& ctx, const std::vector<std::string>& paths, const std::string& branch,
                bool json) {
    auto counts = import_mails(*ctx.store, paths, branch, ctx.config.trailers, ctx.global.quiet);
    if (!counts) return report(counts.error());
    if (json)
        fmt::print("{}\n", nlohmann::json{{"files", counts->files},
                                          {"mails", counts->mails},
                                          {"imported", counts->imported},
                                          {"already_present", counts->already},
                                          {"without_commit", counts->no_commit},
                                          {"cut_short", counts->cut_short},
                                          {"too_large", counts->oversized}}
                               .dump(2));
    else
        fmt::print("{} mails read: {} commits imported, {} already present, {} carried no commit\n",
                   counts->mails, counts->imported, counts->already, counts->no_commit);
    if (counts->cut_short > 0)
        warn(
            fmt::format("{} mail(s) end inside a diff and were not imported (a truncated "
                        "archive?): {}{}",
                        counts->cut_short, fmt::join(counts->cut_short_named, ", "),
                        counts->cut_short > 3 ? ", …" : ""));
    if (counts->oversized > 0)
        warn(fmt::format("{} mail(s) larger than {} MiB were not imported", counts->oversized,
                         MboxReader::kMaxMessageBytes >> 20));
    return exit_code::kOk;
}

int import_list_replies(Context& ctx, const std::vector<std::string>& paths, bool json) {
    auto found = queue::import_list_replies(*ctx.store, paths, ctx.global.quiet);
    if (!found) return report(found.error());
    fmt::print("{}", json ? report::replies_import_json(*found).dump(2) + "\n"
                          : report::replies_import_text(*found));
    return exit_code::kOk;
}

int import_changelog_labels(Context& ctx, const std::vector<std::string>& paths,
                            const std::string& date, bool json) {
    int64_t default_time = 0;
    if (!date.empty()) {
        auto d = util::parse_date(date);
        if (!d)
            return report(Error{ErrorCode::kInvalidInput,
                                fmt::format("invalid date '{}': use YYYY-MM-DD", date)});
        default_time = *d;
    }
    auto counts = import_changelogs(*ctx.store, paths, default_time, ctx.global.quiet, warn_of);
    if (!counts) return report(counts.error());
    if (json)
        fmt::print("{}\n", nlohmann::json{{"files", counts->files},
                                          {"labels", counts->labels},
                                          {"already_present", counts->labels_already}}
                               .dump(2));
    else
        fmt::print("{} ChangeLogs read: {} labels imported, {} already present\n", counts->files,
                   counts->labels, counts->labels_already);
    return exit_code::kOk;
}

}  // namespace

Command make_import_command() {
    struct Options {
        std::vector<std::string> mbox_paths, changelog_paths, cve_paths, reply_paths;
        std::string cve_kind;
        std::string branch = "main";
        std::string date;
        bool json = false;
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "import";
    c.summary =
        "import commits from mail archives, backport labels from stable ChangeLogs, CVEs, or "
        "replies from the list";
    c.needs = kWantsRepo | kNeedsStoreWrite;
    c.setup = [opts](CLI::App& app) {
        app.require_subcommand(1);
        auto* mbox =
            app.add_subcommand("mbox", "commits from a public-inbox git archive or an mbox file");
        mbox->add_option("paths", opts->mbox_paths, "archives or mbox files")->required();
        mbox->add_option("--branch", opts->branch, "main branch the commits belong to")
            ->capture_default_str();
        mbox->add_flag("--json", opts->json, "print the summary as JSON");
        auto* replies = app.add_subcommand(
            "replies",
            "AUTOSEL proposals and the replies to them or to stablepick's review mails (ack, "
            "objection, request, other) from public-inbox git archives or mbox files; an "
            "objection moves its candidate to objected");
        replies->add_option("paths", opts->reply_paths, "archives or mbox files")->required();
        replies->add_flag("--json", opts->json, "print the summary as JSON");
        auto* changelog =
            app.add_subcommand("changelog", "backport labels from ChangeLog-X.Y.Z files");
        changelog->add_option("paths", opts->changelog_paths, "ChangeLog files or directories")
            ->required();
        changelog->add_option("--date", opts->date,
                              "date of plain id lists, which carry none (YYYY-MM-DD)");
        changelog->add_flag("--json", opts->json, "print the summary as JSON");
        auto* vulns =
            app.add_subcommand("vulns",
                               "CVE fix commits, vulnerable:fixed ranges and rejected ids from a "
                               "clone of the kernel CNA vulns repository");
        vulns->add_option("path", opts->cve_paths, "the clone (a work tree of its master branch)")
            ->required()
            ->expected(1);
        vulns->add_flag("--json", opts->json, "print the summary as JSON");
        vulns->callback([opts] { opts->cve_kind = "vulns"; });
        auto* list =
            app.add_subcommand("cve-list", "CVE fix commits from 'CVE-id <TAB> fix-commit' lines");
        list->add_option("files", opts->cve_paths, "list files")->required();
        list->add_flag("--json", opts->json, "print the summary as JSON");
        list->callback([opts] { opts->cve_kind = "cve-list"; });
        auto* advisories = app.add_subcommand("advisories",
                                              "CVEs from glibc's advisories/GLIBC-SA-* files (on "
                                              "the main branch, or the files given)");
        advisories->add_option("paths", opts->cve_paths,
                               "advisory files or directories (default: the repository's)");
        advisories->add_flag("--json", opts->json, "print the summary as JSON");
        advisories->callback([opts] { opts->cve_kind = "advisories"; });
    };
    c.run = [opts](Context& ctx) -> int {
        if (!opts->cve_kind.empty())
            return import_cves(ctx, opts->cve_kind, opts->cve_paths, opts->json);
        if (!opts->reply_paths.empty())
            return import_list_replies(ctx, opts->reply_paths, opts->json);
        if (!opts->mbox_paths.empty())
            return import_mbox(ctx, opts->mbox_paths, opts->branch, opts->json);
        return import_changelog_labels(ctx, opts->changelog_paths, opts->date, opts->json);
    };
    return c;
}

}  // namespace stablepick::cli
