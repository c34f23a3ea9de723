// stablepick import: history that is not a git repository — commit-notification mails
// (public-inbox archives, mbox files) and kernel.org stable ChangeLogs.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "stablepick/cli/command.hpp"
#include "stablepick/git/lookup.hpp"
#include "stablepick/ingest/changelog.hpp"
#include "stablepick/ingest/cve_sources.hpp"
#include "stablepick/ingest/mail.hpp"
#include "stablepick/ingest/public_inbox.hpp"
#include "stablepick/util/compress.hpp"
#include "stablepick/util/progress.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick::cli {
namespace {

constexpr int kBatch = 1000;  // mails per transaction: a killed import keeps its progress

struct ImportCounts {
    int64_t mails = 0, imported = 0, already = 0, no_commit = 0;
    int64_t cut_short = 0, oversized = 0;      // mails left out: half a diff, or too large
    std::vector<std::string> cut_short_named;  // the first few, by Message-ID or subject
    int64_t labels = 0, labels_already = 0, files = 0;
};

Result<std::string> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(ErrorCode::kNotFound, fmt::format("cannot read '{}'", path.string()));
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Stores the commits of `mails` (fed one by one) in batches.
class MailImporter {
  public:
    MailImporter(Store& store, int64_t branch_row, const TrailerConfig& trailers,
                 ImportCounts& counts)
        : store_(store), branch_row_(branch_row), trailers_(trailers), counts_(counts) {}

    Status add(std::string_view raw) {
        ++counts_.mails;
        bool damaged = false;
        auto commit = commit_from_mail(raw, trailers_, &damaged);
        if (damaged) {
            // Stored, it would be a commit with half a diff and no patch id, and a later
            // import of the whole archive would find it "already present".
            ++counts_.cut_short;
            if (counts_.cut_short_named.size() < 3) {
                Mail mail = parse_mail(raw.substr(0, raw.find("\n\n")));
                std::string id = mail.header("Message-ID");
                std::string name = id.empty() ? mail.header("Subject") : id;
                counts_.cut_short_named.push_back(name.substr(0, 200));  // warn() escapes it
            }
            return {};
        }
        if (!commit || commit->id.empty()) {
            ++counts_.no_commit;
            return {};
        }
        if (pending_ == 0)
            if (auto r = store_.begin(); !r) return r;
        ++pending_;
        auto row = store_.commit_row(commit->id);
        if (!row) return abort(row.error());
        if (*row) {
            ++counts_.already;
        } else {
            std::string compressed = commit->diff.empty() ? "" : util::zstd_compress(commit->diff);
            auto inserted = store_.insert_commit(*commit, compressed);
            if (!inserted) return abort(inserted.error());
            if (auto r = store_.add_to_branch(branch_row_, *inserted); !r) return abort(r.error());
            ++counts_.imported;
        }
        if (pending_ >= kBatch) return flush();
        return {};
    }

    Status flush() {
        if (pending_ == 0) return {};
        pending_ = 0;
        return store_.commit();
    }

  private:
    Status abort(const Error& e) {
        store_.rollback();
        pending_ = 0;
        return std::unexpected(e);
    }
    Store& store_;
    int64_t branch_row_;
    const TrailerConfig& trailers_;
    ImportCounts& counts_;
    int pending_ = 0;
};

int import_mbox(Context& ctx, const std::vector<std::string>& paths, const std::string& branch,
                ImportCounts& counts) {
    Store& store = *ctx.store;
    if (auto r = store.begin(); !r) return report(r.error());
    auto branch_row = store.ensure_branch(branch, BranchKind::kMain);
    if (!branch_row) {
        store.rollback();
        return report(branch_row.error());
    }
    if (auto r = store.commit(); !r) return report(r.error());
    MailImporter importer(store, *branch_row, ctx.config.trailers, counts);
    for (auto& p : paths) {
        std::error_code ec;
        if (!std::filesystem::exists(p, ec))
            return report(Error{ErrorCode::kNotFound,
                                fmt::format("cannot read '{}': no such file or directory", p)});
        ++counts.files;
        if (std::filesystem::is_directory(p, ec)) {
            auto archive = git::Repository::open(p);
            if (!archive)
                return report(Error{
                    ErrorCode::kInvalidInput,
                    fmt::format("'{}' is a directory but not a public-inbox git archive", p)});
            std::unique_ptr<util::Progress> progress;
            Status failed;
            auto walked = for_each_public_inbox_mail(
                *archive,
                [&](int64_t total) {
                    progress = std::make_unique<util::Progress>(fmt::format("import {}", p), total,
                                                                ctx.global.quiet);
                },
                [&](std::string_view mail) {
                    failed = importer.add(mail);
                    progress->advance();
                    return failed.has_value();
                });
            if (!failed) return report(failed.error());
            if (!walked) return report(walked.error());
            if (progress) progress->finish();
        } else {
            // Read one mail at a time: an archive of any size (or an endless device) takes
            // the memory of one mail.
            std::ifstream in(p, std::ios::binary);
            if (!in) return report(Error{ErrorCode::kNotFound, fmt::format("cannot read '{}'", p)});
            MboxReader reader(in);
            auto not_mbox = [&] {
                return report(
                    Error{ErrorCode::kInvalidInput, fmt::format("'{}' is not an mbox file", p)});
            };
            auto first = reader.next();
            if (!first || first->find(':') == std::string::npos) return not_mbox();
            std::error_code ec;
            auto size = std::filesystem::is_regular_file(p, ec)
                            ? static_cast<int64_t>(std::filesystem::file_size(p, ec))
                            : 0;
            util::Progress progress(fmt::format("import {} (bytes)", p), ec ? 0 : size,
                                    ctx.global.quiet);
            for (auto m = std::move(first); m; m = reader.next()) {
                if (auto r = importer.add(*m); !r) return report(r.error());
                progress.advance(static_cast<int64_t>(m->size()));
            }
            if (in.bad()) return report(Error{ErrorCode::kIo, fmt::format("cannot read '{}'", p)});
            counts.oversized += static_cast<int64_t>(reader.oversized());
        }
        if (auto r = importer.flush(); !r) return report(r.error());
    }
    return exit_code::kOk;
}

std::vector<std::filesystem::path> changelog_files(const std::string& path, Error& error) {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        error = {ErrorCode::kNotFound,
                 fmt::format("cannot read '{}': no such file or directory", path)};
        return out;
    }
    if (!std::filesystem::is_directory(path, ec)) return {path};
    for (auto& e : std::filesystem::recursive_directory_iterator(path, ec))
        if (e.is_regular_file() && e.path().filename().string().starts_with("ChangeLog-"))
            out.push_back(e.path());
    std::ranges::sort(out);
    return out;
}

int import_changelogs(Context& ctx, const std::vector<std::string>& paths, const std::string& date,
                      ImportCounts& counts) {
    int64_t default_time = 0;
    if (!date.empty()) {
        auto d = util::parse_date(date);
        if (!d)
            return report(Error{ErrorCode::kInvalidInput,
                                fmt::format("invalid date '{}': use YYYY-MM-DD", date)});
        default_time = *d;
    }
    std::vector<std::filesystem::path> files;
    for (auto& p : paths) {
        Error error;
        auto found = changelog_files(p, error);
        if (!error.message.empty()) return report(error);
        files.insert(files.end(), found.begin(), found.end());
    }
    // git log forms first, so a plain id list of the same release adds only what is new.
    std::vector<std::pair<std::filesystem::path, ChangelogParse>> parsed;
    for (auto& f : files) {
        auto text = read_file(f);
        if (!text) return report(text.error());
        auto p = parse_changelog(f.filename().string(), *text);
        if (!p) {
            warn(fmt::format("skipping {}", p.error().message));
            continue;
        }
        parsed.emplace_back(f, std::move(*p));
    }
    std::ranges::stable_sort(parsed, {}, [](auto& p) { return p.second.id_list; });
    Store& store = *ctx.store;
    util::Progress progress("import changelogs", static_cast<int64_t>(parsed.size()),
                            ctx.global.quiet);
    auto exists =
        store.db().prepare("SELECT 1 FROM backports WHERE main_sha = ? AND branch = ? LIMIT 1");
    auto expand =
        store.db().prepare("SELECT sha FROM commits WHERE sha >= ?1 AND sha < ?1 || 'g' LIMIT 2");
    if (!exists || !expand)
        return report(Store::error(!exists ? exists.error() : expand.error(), "read labels"));
    if (auto r = store.begin(); !r) return report(r.error());
    for (auto& [file, p] : parsed) {
        ++counts.files;
        for (auto& label : p.labels) {
            if (label.main_id.size() < 40) {
                // An abbreviated upstream id counts when the store knows the one commit it names.
                expand->bind(1, label.main_id);
                std::vector<std::string> ids;
                while (*expand->step()) ids.push_back(expand->text(0));
                expand->reset();
                if (ids.size() != 1) continue;
                label.main_id = ids[0];
            }
            if (p.id_list) {
                exists->bind(1, label.main_id).bind(2, label.branch);
                bool known = *exists->step();
                exists->reset();
                if (known) {
                    ++counts.labels_already;
                    continue;
                }
                label.stable_time = default_time;
            }
            if (auto r = store.add_label(label); !r) {
                store.rollback();
                return report(r.error());
            }
            if (store.db().changes() > 0)
                ++counts.labels;
            else
                ++counts.labels_already;
        }
        progress.advance();
    }
    if (auto r = store.commit(); !r) return report(r.error());
    progress.finish();
    return exit_code::kOk;
}

// The CVE sources: reads them, reports malformed lines (file:line) and stores what is good.
int import_cves(Context& ctx, const std::string& kind, const std::vector<std::string>& paths,
                bool json) {
    std::vector<cve::SourceProblem> problems;
    std::vector<cve::CveRecord> records;
    std::string source = kind;
    if (kind == "vulns") {
        auto r = cve::read_vulns_repository(paths.front(), problems);
        if (!r) return report(r.error());
        records = std::move(*r);
    } else if (kind == "cve-list") {
        for (auto& path : paths) {
            std::ifstream in(path, std::ios::binary);
            if (!in)
                return report(Error{ErrorCode::kNotFound, fmt::format("cannot read '{}'", path)});
            std::stringstream text;
            text << in.rdbuf();
            auto more = cve::read_cve_list(text.str(), path, problems);
            records.insert(records.end(), more.begin(), more.end());
        }
    } else {  // advisories: glibc's advisories/GLIBC-SA-* on the main branch, or files given
        std::vector<std::pair<std::string, std::string>> files;  // name, text
        if (!paths.empty()) {
            for (auto& path : paths) {
                std::vector<std::filesystem::path> found;
                if (std::filesystem::is_directory(path))
                    for (auto& e : std::filesystem::directory_iterator(path))
                        found.push_back(e.path());
                else
                    found.push_back(path);
                for (auto& f : found) {
                    if (!f.filename().string().starts_with("GLIBC-SA-")) continue;
                    std::ifstream in(f, std::ios::binary);
                    std::stringstream text;
                    text << in.rdbuf();
                    files.emplace_back(f.string(), text.str());
                }
            }
        } else {
            if (!ctx.repo)
                return report(
                    Error{ErrorCode::kNotFound, "advisories are read from the repository: use -C"});
            auto q =
                ctx.store->db().prepare("SELECT name FROM branches WHERE kind = 'main' LIMIT 1");
            std::string main = "HEAD";
            if (q)
                if (auto row = q->step(); row && *row) main = q->text(0);
            auto found = git::files_in_directory(*ctx.repo, main, "advisories", "GLIBC-SA-");
            if (!found) return report(found.error());
            for (auto& f : *found) {
                if (!f.content) {
                    problems.push_back(
                        {"advisories/" + f.name, 0, "cannot read the file (missing blob?)"});
                    continue;
                }
                files.emplace_back("advisories/" + f.name, std::move(*f.content));
            }
        }
        for (auto& [name, text] : files)
            if (auto r = cve::read_glibc_advisory(text, name, problems))
                records.push_back(std::move(*r));
    }
    for (size_t i = 0; i < problems.size() && i < 20; ++i)
        warn(problems[i].line
                 ? fmt::format("{}:{}: {}", problems[i].file, problems[i].line, problems[i].message)
                 : fmt::format("{}: {}", problems[i].file, problems[i].message));
    if (problems.size() > 20) warn(fmt::format("… and {} more problems", problems.size() - 20));
    auto counts = cve::store_cves(*ctx.store, records, source);
    if (!counts) return report(counts.error());
    if (json)
        fmt::print("{}\n", nlohmann::json{{"published", counts->published},
                                          {"rejected", counts->rejected},
                                          {"fix_commits", counts->fix_commits},
                                          {"fix_commits_in_store", counts->fixes_in_store},
                                          {"ranges", counts->ranges},
                                          {"problems", problems.size()}}
                               .dump(2));
    else
        fmt::print(
            "{} CVEs imported ({} rejected ids): {} fix commits, {} of them in the store; {} "
            "vulnerable:fixed "
            "ranges; {} lines or files skipped (named above)\n",
            counts->published, counts->rejected, counts->fix_commits, counts->fixes_in_store,
            counts->ranges, problems.size());
    return exit_code::kOk;
}

}  // namespace

Command make_import_command() {
    struct Options {
        std::vector<std::string> mbox_paths, changelog_paths, cve_paths;
        std::string cve_kind;
        std::string branch = "main";
        std::string date;
        bool json = false;
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "import";
    c.summary =
        "import commits from mail archives, backport labels from stable ChangeLogs, or CVEs";
    c.needs = kWantsRepo | kNeedsStoreWrite;
    c.setup = [opts](CLI::App& app) {
        app.require_subcommand(1);
        auto* mbox =
            app.add_subcommand("mbox", "commits from a public-inbox git archive or an mbox file");
        mbox->add_option("paths", opts->mbox_paths, "archives or mbox files")->required();
        mbox->add_option("--branch", opts->branch, "main branch the commits belong to")
            ->capture_default_str();
        mbox->add_flag("--json", opts->json, "print the summary as JSON");
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
        ImportCounts counts;
        int rc = !opts->mbox_paths.empty()
                     ? import_mbox(ctx, opts->mbox_paths, opts->branch, counts)
                     : import_changelogs(ctx, opts->changelog_paths, opts->date, counts);
        if (rc != exit_code::kOk) return rc;
        if (opts->json) {
            nlohmann::json j{{"files", counts.files}};
            if (!opts->mbox_paths.empty())
                j.update({{"mails", counts.mails},
                          {"imported", counts.imported},
                          {"already_present", counts.already},
                          {"without_commit", counts.no_commit},
                          {"cut_short", counts.cut_short},
                          {"too_large", counts.oversized}});
            else
                j.update({{"labels", counts.labels}, {"already_present", counts.labels_already}});
            fmt::print("{}\n", j.dump(2));
        } else if (!opts->mbox_paths.empty()) {
            fmt::print(
                "{} mails read: {} commits imported, {} already present, {} carried no commit\n",
                counts.mails, counts.imported, counts.already, counts.no_commit);
        }
        if (counts.cut_short > 0)
            warn(
                fmt::format("{} mail(s) end inside a diff and were not imported (a truncated "
                            "archive?): {}{}",
                            counts.cut_short, fmt::join(counts.cut_short_named, ", "),
                            counts.cut_short > 3 ? ", …" : ""));
        if (counts.oversized > 0)
            warn(fmt::format("{} mail(s) larger than {} MiB were not imported", counts.oversized,
                             MboxReader::kMaxMessageBytes >> 20));
        if (!opts->json && opts->mbox_paths.empty()) {
            fmt::print("{} ChangeLogs read: {} labels imported, {} already present\n", counts.files,
                       counts.labels, counts.labels_already);
        }
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
