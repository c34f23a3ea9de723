#pragma once
// Where CVE facts come from: the kernel CNA's vulns repository (cve/published/YYYY/CVE-*.sha1
// fix commits, .dyad vulnerable:fixed pairs, .vulnerable commits; cve/rejected/), any project's
// "CVE-id <TAB> fix-commit" list, and glibc's advisories/GLIBC-SA-* files (CVE-Id:,
// Vulnerable-Commit:, Fix-Commit: <sha> (2.39-31)). Malformed lines are reported with their
// file and line and skipped; the rest is read.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/core/error.hpp"
#include "stablepick/store/cve_tables.hpp"

namespace stablepick::cve {

// The records as the store keeps them (store/cve_tables).
using store::CveRange;
using store::CveRecord;

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

}  // namespace stablepick::cve
