#pragma once
// A CVE JSON 5.1 record and its announcement mail for one fix, in the shape the kernel CNA's
// bippy writes them: git ranges (vulnerable commit, lessThan the fix) and version ranges per
// line of development, the program files, references to every fix commit; the mail with the
// description, affected and fixed versions, affected files and mitigation.
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "stablepick/core/config.hpp"
#include "stablepick/core/error.hpp"
#include "stablepick/cve/affected_ranges.hpp"

namespace stablepick::cve {

struct RecordInputs {
    std::string cve_id;   // CVE-2024-26581
    std::string subject;  // of the fix
    std::string body;     // the fix's message after the subject, trailers removed
    AffectedRanges ranges;
    std::string product, vendor;  // resolved (never empty)
    std::string repo_url;         // the record's "repo"
    std::string commit_url;       // with {sha}
    std::string org_id, team;     // the CNA's UUID and how the mail names it
    std::string sender;
    std::vector<std::string> announce_to;
};

nlohmann::json cve_record(const RecordInputs& in);
struct Announcement {
    std::string text;
    std::vector<std::string> warnings;  // announce_to addresses left out
};
// The mail; kInvalidInput when the sender is not an e-mail address.
Result<Announcement> cve_announcement(const RecordInputs& in);

// A commit message without its trailer block and backport markers, for descriptions.
std::string description_body(const std::string& body);

}  // namespace stablepick::cve
