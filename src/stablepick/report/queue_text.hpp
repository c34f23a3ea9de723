#pragma once
// The maintainer's queue as text and JSON: `queue`'s list, one candidate's history, and the
// weekly report of what was proposed, objected, dropped, queued and released.
#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "stablepick/queue/queue.hpp"
#include "stablepick/store/candidate_records.hpp"
#include "stablepick/store/reply_records.hpp"

namespace stablepick::report {

// One line per candidate, grouped by tree, with its age against `now`, and under it one line per
// objection from the list (`objections`: "<commit> <tree>" → replies, queue::objections_on).
std::string queue_table(
    const std::vector<store::CandidateRow>& rows, int64_t now,
    const std::map<std::string, std::vector<store::ListReply>>& objections = {});
nlohmann::json queue_json(const std::vector<store::CandidateRow>& rows);

// Every change of one commit's candidates, oldest first.
std::string history_text(const std::vector<store::CandidateEvent>& events);
nlohmann::json history_json(const std::vector<store::CandidateEvent>& events);

// Per tree and week: proposed, objected, dropped, queued, released, and the share of proposals
// objected or dropped.
std::string stats_table(const std::vector<queue::WeekStats>& weeks);
nlohmann::json stats_json(const std::vector<queue::WeekStats>& weeks);

}  // namespace stablepick::report
