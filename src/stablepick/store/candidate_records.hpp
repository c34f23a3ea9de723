#pragma once
// The maintainer's queue as rows: one candidate per (commit, tree) with its state, every change
// of state (who, when, why), and what must go to the tree before it. The rules of which change
// is allowed are queue/'s; this part only reads and writes.
//
// Same thread rules as Store: the Store belongs to the calling thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/store/store.hpp"

namespace stablepick::store {

struct CandidateRow {
    std::string commit, tree, state, reason;
    std::optional<double> probability;
    std::optional<int64_t> until_time;
    std::optional<std::string> until_tag, message_id;
    int64_t proposed_time = 0, changed_time = 0;
    std::string changed_by;
    int64_t version = 0;  // how many times it changed; a change names the version it saw
    std::string subject;  // the commit's, read with it
};

struct CandidateEvent {
    std::string commit, tree;
    int64_t time = 0;
    std::string who, from_state, to_state, reason;
};

// The candidate (commit, tree); nullopt when there is none.
Result<std::optional<CandidateRow>> candidate(Store& store, const std::string& commit,
                                              const std::string& tree);

// Adds a new candidate (version 1) and its first event. false when (commit, tree) already
// has one, which is left as it is.
Result<bool> insert_candidate(Store& store, const CandidateRow& row, const std::string& reason);

// Writes `row` (its state, reason, until, message id, changed time and by) as the next version
// of the candidate, if its version is still `row.version`, and records the event. false when
// someone else changed it first (nothing written).
Result<bool> update_candidate(Store& store, const CandidateRow& row, const std::string& from_state);

struct CandidateFilter {
    std::string tree, state, commit_prefix;
    size_t limit = 0;  // 0: all
};
// Candidates by tree, then highest probability first.
Result<std::vector<CandidateRow>> candidates(Store& store, const CandidateFilter& filter);

// One page of the candidates that pass `filter` (its limit unused) and whose subject holds
// `text` or whose id starts with it (any case; empty: all), highest probability first, and how
// many pass in all: what the review server's queue shows, read a page at a time.
struct CandidatePage {
    std::vector<CandidateRow> rows;
    int64_t total = 0;
};
Result<CandidatePage> candidates_page(Store& store, const CandidateFilter& filter,
                                      const std::string& text, size_t offset, size_t limit);

// The candidates in `states` (any tree).
Result<std::vector<CandidateRow>> candidates_in(Store& store,
                                                const std::vector<std::string>& states);

// The changes of (commit, tree), oldest first; all trees when `tree` is empty.
Result<std::vector<CandidateEvent>> candidate_events(Store& store, const std::string& commit,
                                                     const std::string& tree);
// Every change made at or after `since`, oldest first.
Result<std::vector<CandidateEvent>> events_since(Store& store, int64_t since);

// What must go to `tree` before `commit`, in the order it must go, with why.
struct CandidateNeed {
    std::string needs, why;
};
Status set_candidate_needs(Store& store, const std::string& commit, const std::string& tree,
                           const std::vector<CandidateNeed>& needs);
Result<std::vector<CandidateNeed>> candidate_needs(Store& store, const std::string& commit,
                                                   const std::string& tree);
// The candidates of `tree` that need `commit`.
Result<std::vector<std::string>> candidates_needing(Store& store, const std::string& commit,
                                                    const std::string& tree);

// Whether `commit` is in `tree` by a backport label; the stable commit when it is ("" for a
// label without one, such as a ChangeLog's).
Result<std::optional<std::string>> carried_to(Store& store, const std::string& commit,
                                              const std::string& tree);

// What a patch of a queued commit carries, read with it.
struct ExportCommit {
    std::string commit, subject, body, author_name, author_email;
    int64_t author_time = 0;
};
// The candidates of `tree` in `state`, in the order the main branch took them (a prerequisite,
// older, comes first).
Result<std::vector<ExportCommit>> commits_to_export(Store& store, const std::string& tree,
                                                    const std::string& state);

// A branch's kind, nullopt when the store knows no branch of that name.
Result<std::optional<BranchKind>> branch_kind(Store& store, const std::string& name);

}  // namespace stablepick::store
