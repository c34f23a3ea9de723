#pragma once
// Where CVE facts come from: the kernel CNA's vulns repository (cve/published/YYYY/CVE-*.sha1
// fix commits, .dyad vulnerable:fixed pairs, .vulnerable commits; cve/rejected/), any project's
// "CVE-id <TAB> fix-commit" list, and glibc's advisories/GLIBC-SA-* files (CVE-Id:,
// Vulnerable-Commit:, Fix-Commit: <sha> (2.39-31)). Malformed lines are reported with their
// file and line and skipped; the rest is read.
#include <filesystem>
#include <string>
#include <vector>

#include "stablepick/core/error.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick::cve {

// One vulnerable:fixed pair: where the bug came in and where it was fixed, on one line of
// development ("6.6.51:c03185f…:6.6.133:9a3a2ae…"; 0:0 when never fixed there).
struct CveRange {
    std::string vulnerable_version, vulnerable_sha;
    std::string fixed_version, fixed_sha;
};

struct CveRecord {
    std::string id;                       // CVE-2024-26581
    std::string status = "published";     // or "rejected"
    std::vector<std::string> fixes;       // fix commits on the main branch
    std::vector<std::string> vulnerable;  // commits that brought the bug in
    std::vector<CveRange> ranges;
};

struct SourceProblem {
    std::string file;
    int line = 0;
    std::string message;
};

// Reads a clone (with a work tree) of the kernel CNA's vulns repository. Symbolic links in it
// are never followed (each is a problem naming it), and a cve/published that leads out of the
// clone is kInvalidInput.
Result<std::vector<CveRecord>> read_vulns_repository(const std::filesystem::path& root,
                                                     std::vector<SourceProblem>& problems);
// "CVE-2024-1234<TAB or spaces>fix-commit" lines; '#' starts a comment.
std::vector<CveRecord> read_cve_list(const std::string& text, const std::string& file,
                                     std::vector<SourceProblem>& problems);
// One GLIBC-SA advisory; nullopt (with a problem) when it names no CVE.
std::optional<CveRecord> read_glibc_advisory(const std::string& text, const std::string& file,
                                             std::vector<SourceProblem>& problems);

struct CveImportCounts {
    size_t published = 0, rejected = 0, fix_commits = 0, fixes_in_store = 0, ranges = 0;
};
// Stores the records (replacing what `source` stored before), in one transaction.
Result<CveImportCounts> store_cves(Store& store, const std::vector<CveRecord>& records,
                                   const std::string& source);

}  // namespace stablepick::cve
