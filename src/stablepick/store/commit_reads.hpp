#pragma once
// Reads of single commits and branches that the later stages share (the review stage, the
// mails, the CVE questions), each a named operation so no stage writes SQL.
//
// Same thread rules as Store: the Store belongs to the calling thread.
#include <optional>
#include <string>
#include <vector>

#include "stablepick/store/store.hpp"

namespace stablepick::store {

// The main branch's name as the store recorded it ("HEAD" when it has none).
std::string main_branch_name(Store& store);

// "Name <email>" of a stored commit's author; kNotFound for an unknown row.
Result<std::string> author_of(Store& store, int64_t row);
// A stored commit's message after its subject, trailers included; kNotFound for an unknown row.
Result<std::string> body_of(Store& store, int64_t row);

// What a prompt quotes of a stored commit besides its subject.
struct CommitText {
    std::string body;  // the message after its subject, trailers included
    std::string author_name;
    std::string author_email;
    std::optional<std::string> compressed_diff;  // as stored (zstd); nullopt when none is stored
};
// The text of the stored commit `row`, its diff only when `with_diff`; nullopt for an unknown
// row.
Result<std::optional<CommitText>> commit_text_of(Store& store, int64_t row, bool with_diff);

// Main-branch commits that revert `id` (full id), oldest first.
Result<std::vector<std::string>> main_reverts_of(Store& store, const std::string& id);

// The main commit that stable commit `stable_id` backports; empty when it backports none.
Result<std::string> main_commit_of_backport(Store& store, const std::string& stable_id);

// The stable branches `id` (full id) was backported to, by name, each once.
Result<std::vector<std::string>> backport_branches_of(Store& store, const std::string& id);

// Up to `limit` main-branch commits whose id starts with `prefix` (lower case hex), in id order.
Result<std::vector<std::string>> main_commits_with_prefix(Store& store, const std::string& prefix,
                                                          size_t limit);

// Up to `limit` stored commits of any branch whose id starts with `prefix` (lower case hex).
Result<std::vector<std::string>> commits_with_prefix(Store& store, const std::string& prefix,
                                                     size_t limit);

// Whether the store knows `name` as a stable branch.
Result<bool> is_stable_branch(Store& store, const std::string& name);

// Published CVEs whose fix is `id` (rejected ids are left out), in id order.
Result<std::vector<std::string>> cves_fixed_by(Store& store, const std::string& id);

}  // namespace stablepick::store
