#pragma once
// Replies from the list, acted on: ingest/replies reads and records them; an objection moves
// each candidate it names (commit, tree) to `objected`, with the reply's author as who and its
// first lines as why. AUTOSEL's proposals usually have no candidate in the store: their
// replies are only recorded.
//
// Thread safety: as Store. REQUIRES: a store opened for writing (import_list_replies).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "stablepick/ingest/replies.hpp"
#include "stablepick/store/candidate_records.hpp"
#include "stablepick/store/reply_records.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick::queue {

struct ListRepliesReport {
    ReplyImportCounts counts;
    int64_t objected = 0;           // candidates moved to objected
    int64_t without_candidate = 0;  // (commit, tree) an objection names that is no candidate
    std::vector<std::string> kept;  // candidates an objection could not move, and why
};

// Imports the replies of `paths` (ingest::import_replies), then moves the candidates the new
// objections name to objected, oldest objection first. A candidate the queue cannot move (it
// was released, or dropped already) keeps its state and is named in `kept`.
Result<ListRepliesReport> import_list_replies(Store& store, const std::vector<std::string>& paths,
                                              bool quiet);

// The first lines of a reply, as the reason of the change it makes.
std::string objection_reason(const std::string& text);

// The objections on each candidate of `rows` ("<commit> <tree>" → replies, oldest first): those
// whose trees include the candidate's tree.
Result<std::map<std::string, std::vector<store::ListReply>>> objections_on(
    Store& store, const std::vector<store::CandidateRow>& rows);

}  // namespace stablepick::queue
