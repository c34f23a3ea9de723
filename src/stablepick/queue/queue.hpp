#pragma once
// The maintainer's queue: every (commit, tree) candidate's state and the rules that move it.
//
//   proposed → mailed → queued → released        (review --target, its mails, the review
//                                                  window, then index finding it in the tree)
//   side exits: objected (a reply on the list), dropped (never proposed again for that tree
//   unless reopened), waiting (until a tag, or held back by a dropped prerequisite), snoozed
//   (until a date), superseded (reverted upstream)
//
// Every change is kept with who, when and why (store/candidate_records). Changes a maintainer
// makes are refused when they make no sense (kInvalidInput, saying why) and when another
// maintainer decided the candidate first (kConflict, saying who and what, unless forced), so no
// decision is lost.
//
// Thread safety: as Store; each call is one transaction.
#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/store/candidate_records.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick::queue {

enum class State {
    kProposed,
    kMailed,
    kQueued,
    kReleased,
    kObjected,
    kDropped,
    kWaiting,
    kSnoozed,
    kSuperseded
};
std::string_view state_name(State state);
std::optional<State> parse_state(std::string_view name);
// Every state's name, in the order above.
std::vector<std::string> state_names();

enum class Action {
    kTake,       // a maintainer: it goes to the tree
    kDrop,       // a maintainer: it does not (reason required)
    kSnooze,     // a maintainer: not before a date
    kWait,       // a maintainer: not before a tag exists ("let it soak in mainline")
    kReopen,     // a maintainer: propose it again
    kObject,     // a reply on the list objected
    kMail,       // its review mail was written
    kRelease,    // index found it in the tree
    kSupersede,  // reverted upstream
    kWake,       // the snooze date passed or the tag came
    kHold,       // a prerequisite was dropped
    kQueue,      // mailed, and the review window passed without objection
};
std::string_view action_name(Action action);

// The state `action` moves a candidate in `from` to, or why it makes no sense.
std::expected<State, std::string> next_state(State from, Action action);

// The name automatic changes are made under.
inline constexpr std::string_view kAutomatic = "stablepick";

struct Change {
    std::string commit;  // full id of a main-branch commit
    std::string tree;    // a stable branch
    Action action = Action::kTake;
    std::string who, reason;
    int64_t time = 0;
    std::optional<int64_t> until_time;  // kSnooze
    std::string until_tag;              // kWait
    // The version the maintainer saw (a server's page); nullopt: whatever is current, unless
    // another maintainer decided it (see `force`).
    std::optional<int64_t> seen_version;
    bool force = false;  // act even on another maintainer's decision
};

// Applies a maintainer's change (or an objection). A take or drop of a commit that is not a
// candidate yet makes it one. kNotFound: the tree is no branch the store knows, or (snooze,
// reopen) there is no such candidate; kInvalidInput: the tree is not a stable branch or the
// change makes no sense from the candidate's state; kConflict: someone changed it first.
// A dropped candidate holds back the candidates that need it; reopening it releases them.
Result<store::CandidateRow> change(Store& store, const Change& change);

// The full id of the main-branch commit `prefix` (at least 4 hex digits) names: kNotFound,
// kAmbiguous otherwise.
Result<std::string> main_commit(Store& store, const std::string& prefix);

struct Proposal {
    std::string commit, tree;
    double probability = 0;
    std::string reason;                       // "review by greg: probability 0.87"
    std::vector<store::CandidateNeed> needs;  // prerequisites, in the order they must go
};
struct ProposeReport {
    size_t proposed = 0, held = 0;
    // Not proposed again: "<id> for <tree>: dropped by greg on 2026-11-02: not a fix".
    std::vector<std::string> kept;
};
// Adds the proposals (each prerequisite first, as a candidate of its own). A (commit, tree)
// that is a candidate already keeps its state: a dropped one is never proposed again. A
// proposal whose prerequisite was dropped is held back (waiting) with that reason.
Result<ProposeReport> propose(Store& store, const std::vector<Proposal>& proposals, int64_t now);

// Its review mail was written: proposed → mailed, remembering the Message-ID (replies find
// it by that).
Status mark_mailed(Store& store, const std::string& commit, const std::string& tree,
                   const std::string& message_id, int64_t now);

struct SettleOptions {
    int review_days = 7;  // a mailed candidate's window for objections
    std::map<std::string, int> review_days_by_tree;
    std::function<bool(const std::string& tag)> tag_exists;  // for kWait; null: none do
};
struct SettleReport {
    size_t released = 0, superseded = 0, queued = 0, woken = 0;
};
// What time and the history decide: in the tree → released; reverted upstream → superseded;
// mailed without objection for the review window → queued; a snooze date passed or a tag that
// came → proposed again. Run by index.
Result<SettleReport> settle(Store& store, int64_t now, const SettleOptions& options);

// Per tree and week (Monday 00:00 UTC), how many candidates were proposed, objected, dropped,
// queued and released, and the share of the proposed that were objected or dropped.
struct WeekStats {
    std::string tree;
    int64_t week = 0;  // its Monday, seconds since the epoch
    std::map<std::string, int64_t> counts;
    double rejected_share() const;  // (objected + dropped) / proposed; 0 without proposals
};
Result<std::vector<WeekStats>> weekly_stats(Store& store, const std::string& tree,
                                            int64_t since = 0);

}  // namespace stablepick::queue
