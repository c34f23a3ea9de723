#pragma once
// Review mails on the list and the replies to them, as rows: AUTOSEL's proposals (one mail
// names one upstream commit and the trees it is proposed for), and each reply with what it
// said (its kind, its own text without the quoted mail) about which commit and trees. Which
// reply says what is ingest/replies's business; this part only reads and writes.
//
// Same thread rules as Store: the Store belongs to the calling thread.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "stablepick/store/store.hpp"

namespace stablepick::store {

struct ListProposal {
    std::string message_id;  // without the angle brackets
    std::string commit;      // the upstream commit it proposes
    std::vector<std::string> trees;
    int64_t time = 0;
    std::string subject;
    bool llm_explained = false;  // carries "LLM Generated explanations"
};

struct ListReply {
    std::string message_id;
    std::string answers;  // the Message-ID of the proposal or stablepick mail it answers
    std::string commit;
    std::vector<std::string> trees;  // those it speaks of (all the proposal's, or fewer)
    std::string kind;                // ack, objection, request, other
    std::string author;              // "Name <address>"
    int64_t time = 0;
    std::string text;                   // what the reply itself says, quotes left out
    std::vector<std::string> asks_for;  // commit ids or subjects a request names
};

// Stores a proposal; false when its Message-ID is there already (left as it is).
Result<bool> add_list_proposal(Store& store, const ListProposal& proposal);
// The proposal with this Message-ID, nullopt when none is stored.
Result<std::optional<ListProposal>> list_proposal(Store& store, const std::string& message_id);

// Stores a reply; false when its Message-ID is there already (left as it is).
Result<bool> add_list_reply(Store& store, const ListReply& reply);
// The replies about `commit`, oldest first.
Result<std::vector<ListReply>> replies_on(Store& store, const std::string& commit);

// The (commit, tree) candidates whose review mail had this Message-ID (queue::mark_mailed).
Result<std::vector<std::pair<std::string, std::string>>> candidates_mailed_as(
    Store& store, const std::string& message_id);
// Every Message-ID the queue's review mails had (without angle brackets), to tell their
// replies from the rest.
Result<std::set<std::string>> mailed_message_ids(Store& store);

// The names of the branches the store knows as stable branches.
Result<std::vector<std::string>> stable_branch_names(Store& store);

}  // namespace stablepick::store
