#include "stablepick/ingest/imports.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

#include "stablepick/git/lookup.hpp"
#include "stablepick/ingest/changelog.hpp"
#include "stablepick/ingest/mail.hpp"
#include "stablepick/ingest/public_inbox.hpp"
#include "stablepick/store/backport_records.hpp"
#include "stablepick/store/commit_reads.hpp"
#include "stablepick/store/cve_tables.hpp"
#include "stablepick/util/compress.hpp"
#include "stablepick/util/progress.hpp"

namespace stablepick {
namespace {

constexpr int kBatch = 1000;  // mails per transaction: a killed import keeps its progress

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
                 MailImportCounts& counts)
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
    MailImportCounts& counts_;
    int pending_ = 0;
};

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

}  // namespace

Result<MailImportCounts> import_mails(Store& store, const std::vector<std::string>& paths,
                                      const std::string& branch, const TrailerConfig& trailers,
                                      bool quiet) {
    MailImportCounts counts;
    if (auto r = store.begin(); !r) return std::unexpected(r.error());
    auto branch_row = store.ensure_branch(branch, BranchKind::kMain);
    if (!branch_row) {
        store.rollback();
        return std::unexpected(branch_row.error());
    }
    if (auto r = store.commit(); !r) return std::unexpected(r.error());
    MailImporter importer(store, *branch_row, trailers, counts);
    for (auto& p : paths) {
        std::error_code ec;
        if (!std::filesystem::exists(p, ec))
            return fail(ErrorCode::kNotFound,
                        fmt::format("cannot read '{}': no such file or directory", p));
        ++counts.files;
        if (std::filesystem::is_directory(p, ec)) {
            auto archive = git::Repository::open(p);
            if (!archive)
                return fail(
                    ErrorCode::kInvalidInput,
                    fmt::format("'{}' is a directory but not a public-inbox git archive", p));
            std::unique_ptr<util::Progress> progress;
            Status failed;
            auto walked = for_each_public_inbox_mail(
                *archive,
                [&](int64_t total) {
                    progress =
                        std::make_unique<util::Progress>(fmt::format("import {}", p), total, quiet);
                },
                [&](std::string_view mail) {
                    failed = importer.add(mail);
                    progress->advance();
                    return failed.has_value();
                });
            if (!failed) return std::unexpected(failed.error());
            if (!walked) return std::unexpected(walked.error());
            if (progress) progress->finish();
        } else {
            // Read one mail at a time: an archive of any size (or an endless device) takes
            // the memory of one mail.
            std::ifstream in(p, std::ios::binary);
            if (!in) return fail(ErrorCode::kNotFound, fmt::format("cannot read '{}'", p));
            MboxReader reader(in);
            auto first = reader.next();
            if (!first || first->find(':') == std::string::npos)
                return fail(ErrorCode::kInvalidInput, fmt::format("'{}' is not an mbox file", p));
            std::error_code ec;
            auto size = std::filesystem::is_regular_file(p, ec)
                            ? static_cast<int64_t>(std::filesystem::file_size(p, ec))
                            : 0;
            util::Progress progress(fmt::format("import {} (bytes)", p), ec ? 0 : size, quiet);
            for (auto m = std::move(first); m; m = reader.next()) {
                if (auto r = importer.add(*m); !r) return std::unexpected(r.error());
                progress.advance(static_cast<int64_t>(m->size()));
            }
            if (in.bad()) return fail(ErrorCode::kIo, fmt::format("cannot read '{}'", p));
            counts.oversized += static_cast<int64_t>(reader.oversized());
        }
        if (auto r = importer.flush(); !r) return std::unexpected(r.error());
    }
    return counts;
}

Result<ChangelogImportCounts> import_changelogs(Store& store, const std::vector<std::string>& paths,
                                                int64_t default_time, bool quiet,
                                                const std::function<void(std::string_view)>& warn) {
    std::vector<std::filesystem::path> files;
    for (auto& p : paths) {
        Error error;
        auto found = changelog_files(p, error);
        if (!error.message.empty()) return std::unexpected(error);
        files.insert(files.end(), found.begin(), found.end());
    }
    // git log forms first, so a plain id list of the same release adds only what is new.
    std::vector<std::pair<std::filesystem::path, ChangelogParse>> parsed;
    for (auto& f : files) {
        auto text = read_file(f);
        if (!text) return std::unexpected(text.error());
        auto p = parse_changelog(f.filename().string(), *text);
        if (!p) {
            warn(fmt::format("skipping {}", p.error().message));
            continue;
        }
        parsed.emplace_back(f, std::move(*p));
    }
    std::ranges::stable_sort(parsed, {}, [](auto& p) { return p.second.id_list; });
    ChangelogImportCounts counts;
    util::Progress progress("import changelogs", static_cast<int64_t>(parsed.size()), quiet);
    if (auto r = store.begin(); !r) return std::unexpected(r.error());
    auto failed = [&](const Error& e) {
        store.rollback();
        return std::unexpected(e);
    };
    for (auto& [file, p] : parsed) {
        ++counts.files;
        for (auto& label : p.labels) {
            if (label.main_id.size() < 40) {
                // An abbreviated upstream id counts when the store knows the one commit it names.
                auto ids = store::commits_with_prefix(store, label.main_id, 2);
                if (!ids) return failed(ids.error());
                if (ids->size() != 1) continue;
                label.main_id = ids->front();
            }
            if (p.id_list) {
                auto known = store::has_label(store, label.main_id, label.branch);
                if (!known) return failed(known.error());
                if (*known) {
                    ++counts.labels_already;
                    continue;
                }
                label.stable_time = default_time;
            }
            auto added = store::add_label_if_new(store, label);
            if (!added) return failed(added.error());
            if (*added)
                ++counts.labels;
            else
                ++counts.labels_already;
        }
        progress.advance();
    }
    if (auto r = store.commit(); !r) return std::unexpected(r.error());
    progress.finish();
    return counts;
}

Result<CveListImportCounts> import_cve_sources(
    Store& store, const git::Repository* repo, const std::string& kind,
    const std::vector<std::string>& paths,
    const std::function<void(const std::vector<cve::SourceProblem>&)>& problems_found) {
    std::vector<cve::SourceProblem> problems;
    std::vector<cve::CveRecord> records;
    const std::string& source = kind;
    if (kind == "vulns") {
        auto r = cve::read_vulns_repository(paths.front(), problems);
        if (!r) return std::unexpected(r.error());
        records = std::move(*r);
    } else if (kind == "cve-list") {
        for (auto& path : paths) {
            std::ifstream in(path, std::ios::binary);
            if (!in) return fail(ErrorCode::kNotFound, fmt::format("cannot read '{}'", path));
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
            if (!repo)
                return fail(ErrorCode::kNotFound,
                            "advisories are read from the repository: use -C");
            std::string main = store::main_branch_name(store);
            auto found = git::files_in_directory(*repo, main, "advisories", "GLIBC-SA-");
            if (!found) return std::unexpected(found.error());
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
    problems_found(problems);
    auto counts = store::store_cves(store, records, source);
    if (!counts) return std::unexpected(counts.error());
    return CveListImportCounts{*counts, problems.size()};
}

}  // namespace stablepick
