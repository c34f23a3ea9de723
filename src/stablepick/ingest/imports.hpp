#pragma once
// The imports of history that is not a git repository: commit-notification mails (public-inbox
// archives, mbox files), kernel.org stable ChangeLogs, and CVE lists. Each reads its inputs,
// stores what it finds and returns what it counted; the command renders the counts.
//
// Same thread rules as Store: the Store belongs to the calling thread. REQUIRES: a store opened
// for writing.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/core/config.hpp"
#include "stablepick/core/error.hpp"
#include "stablepick/git/repository.hpp"
#include "stablepick/ingest/cve_sources.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick {

struct MailImportCounts {
    int64_t files = 0;  // archives and mbox files read
    int64_t mails = 0, imported = 0, already = 0, no_commit = 0;
    int64_t cut_short = 0, oversized = 0;      // mails left out: half a diff, or too large
    std::vector<std::string> cut_short_named;  // the first few, by Message-ID or subject
};

// Stores the commits of the mails in `paths` (public-inbox git archives or mbox files) on the
// main branch `branch`, in batches: a killed import keeps its progress. Progress goes to stderr
// unless `quiet`.
Result<MailImportCounts> import_mails(Store& store, const std::vector<std::string>& paths,
                                      const std::string& branch, const TrailerConfig& trailers,
                                      bool quiet);

struct ChangelogImportCounts {
    int64_t files = 0;  // ChangeLogs read
    int64_t labels = 0, labels_already = 0;
};

// Stores the backport labels of the ChangeLog-X.Y.Z files in `paths` (files or directories), in
// one transaction; the labels of plain id lists get `default_time`. A file that is no ChangeLog
// is skipped with a warning through `warn`.
Result<ChangelogImportCounts> import_changelogs(Store& store, const std::vector<std::string>& paths,
                                                int64_t default_time, bool quiet,
                                                const std::function<void(std::string_view)>& warn);

struct CveListImportCounts {
    store::CveImportCounts stored;
    size_t problems = 0;  // lines or files skipped
};

// Reads the CVE sources of `kind` ("vulns": a clone of the kernel CNA's repository, the first
// of `paths`; "cve-list": list files; "advisories": glibc's GLIBC-SA-* files given, or those on
// the main branch of `repo` when none are) and stores their records in place of what that kind
// stored before. `problems_found` sees the malformed lines and files before anything is stored.
Result<CveListImportCounts> import_cve_sources(
    Store& store, const git::Repository* repo, const std::string& kind,
    const std::vector<std::string>& paths,
    const std::function<void(const std::vector<cve::SourceProblem>&)>& problems_found);

}  // namespace stablepick
