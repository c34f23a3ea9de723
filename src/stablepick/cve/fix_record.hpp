#pragma once
// `cve record` as a stage: from a fix and the CVE id given to it, what the store knows of the
// id (rejected, or listed with other fixes), the project's settings (flags over the config,
// never guessed), the affected ranges and the fix's message, the CVE JSON 5.1 record and the
// announcement mail. Validating against a schema and writing the files are the caller's.
//
// Not thread safe: it uses one Repository and one Store, which belong to the calling thread.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/core/config.hpp"
#include "stablepick/core/error.hpp"
#include "stablepick/git/repository.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick::cve {

// What is asked. The project's settings are the flags' when given, else the config's (cve.*).
struct RecordRequest {
    std::string fix;                      // the fix commit, as the user names it
    std::string cve_id;                   // CVE-YYYY-NNNN
    std::vector<std::string> vulnerable;  // the commits that brought the bug in; default: Fixes:
    std::string product, vendor, org_id, repo_url, commit_url;  // empty: from the config
    bool mail = false;                                          // the announcement is wanted
};

// The record's project and CNA, settled.
struct RecordProject {
    std::string product, vendor, org_id;
    std::string repo_url;    // the record's "repo"
    std::string commit_url;  // a fix commit's URL, with {sha}
};

// The settings of `request` over `config`; where neither gives the repository's URL, `origin`
// (the public URL of the repository's origin remote, maybe empty) is used, and the commit URL
// then follows from the host. kInvalidInput names everything missing at once ("cannot write
// the record for CVE-…: missing product (--product or cve.product), …"), the sender among them
// when the mail is wanted; then an orgId that is not a UUID, a commit URL without {sha}.
Result<RecordProject> record_project(const RecordRequest& request, const CveConfig& config,
                                     std::string_view origin);

// A fix commit's URL with {sha}, in the form of the repository's host (GitHub, Codeberg,
// GitLab, Bitbucket, git.kernel.org's cgit); empty for any other host.
std::string commit_url_of(const std::string& repo_url);

// A remote's URL as a record's "repo": without ".git", and only an http(s) URL; empty else.
std::string public_url(std::string remote_url);

struct FixRecord {
    nlohmann::json record;  // CVE JSON 5.1; not yet validated
    std::string mail;       // the announcement, when asked for; else empty
};

// The record (and the mail) for `request`. When the fix is one of the fixes the imported lists
// name for the id (or a backport of one), the record covers them all; when the id is known for
// other fixes, `warn` says so, and the mail's left-out recipients are warned of too. Errors:
// kInvalidInput for a malformed or rejected id and for the settings (record_project), else
// what reading the store, the ranges or the fix's message gives.
Result<FixRecord> fix_record(git::Repository& repo, Store& store, const Config& config,
                             const RecordRequest& request,
                             const std::function<void(const std::string&)>& warn);

}  // namespace stablepick::cve
