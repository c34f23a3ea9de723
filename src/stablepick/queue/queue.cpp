#include "stablepick/queue/queue.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "stablepick/store/commit_reads.hpp"
#include "stablepick/store/review_records.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick::queue {
namespace {

constexpr std::array<std::string_view, 9> kStateNames{"proposed", "mailed",   "queued",
                                                      "released", "objected", "dropped",
                                                      "waiting",  "snoozed",  "superseded"};
constexpr std::array<std::string_view, 12> kActionNames{"take",      "drop",   "snooze", "wait",
                                                        "reopen",    "object", "mail",   "release",
                                                        "supersede", "wake",   "hold",   "queue"};

bool one_of(State s, std::initializer_list<State> states) {
    return std::find(states.begin(), states.end(), s) != states.end();
}

// The states a candidate is still on its way in.
constexpr auto kOpen = {State::kProposed, State::kMailed,  State::kQueued,
                        State::kObjected, State::kWaiting, State::kSnoozed};

// Why a state refuses a change, in words a maintainer reads.
std::string refused(State from) {
    switch (from) {
        case State::kReleased:
            return "it is already released in the tree";
        case State::kDropped:
            return "it was dropped: reopen it first";
        case State::kSuperseded:
            return "it was reverted upstream: reopen it first";
        case State::kQueued:
            return "it is already queued";
        default:
            return fmt::format("it is {}", state_name(from));
    }
}

std::string day(int64_t t) {
    return util::format_date(t);
}

Error conflict(const store::CandidateRow& now) {
    return Error{ErrorCode::kConflict,
                 fmt::format("{} {} it for {} on {}{}; nothing changed (say --force to act anyway)",
                             now.changed_by, now.state, now.tree, day(now.changed_time),
                             now.reason.empty() ? "" : ": " + now.reason)};
}

// A maintainer's decision stands until the next maintainer changes it knowingly.
bool decided_by_other(const store::CandidateRow& row, const std::string& who) {
    return row.changed_by != kAutomatic && row.changed_by != who &&
           one_of(*parse_state(row.state), {State::kQueued, State::kDropped, State::kSnoozed,
                                            State::kWaiting, State::kProposed});
}

Result<std::string> check_tree(Store& store, const std::string& tree) {
    auto kind = store::branch_kind(store, tree);
    if (!kind) return std::unexpected(kind.error());
    if (!*kind)
        return fail(
            ErrorCode::kNotFound,
            fmt::format("'{}' is not a branch the store knows (run 'stablepick index')", tree));
    if (**kind != BranchKind::kStable)
        return fail(
            ErrorCode::kInvalidInput,
            fmt::format("'{}' is not a stable branch: candidates are for stable trees", tree));
    return tree;
}

// Moves `row` by `action` and writes it; false when someone changed it first.
Result<bool> move(Store& store, store::CandidateRow& row, Action action, const std::string& who,
                  const std::string& reason, int64_t now) {
    auto from = parse_state(row.state);
    if (!from) return fail(ErrorCode::kCorrupt, fmt::format("unknown queue state '{}'", row.state));
    auto to = next_state(*from, action);
    if (!to) return fail(ErrorCode::kInvalidInput, to.error());
    std::string before = row.state;
    row.state = std::string(state_name(*to));
    row.reason = reason;
    row.changed_by = who;
    row.changed_time = now;
    if (*to != State::kSnoozed) row.until_time.reset();
    if (*to != State::kWaiting) row.until_tag.reset();
    return store::update_candidate(store, row, before);
}

// Runs `body` in one transaction.
template <typename F>
auto in_transaction(Store& store, F&& body) -> decltype(body()) {
    if (auto b = store.begin(); !b) return std::unexpected(b.error());
    auto result = body();
    if (!result) {
        store.rollback();
        return result;
    }
    if (auto c = store.commit(); !c) return std::unexpected(c.error());
    return result;
}

// The candidates of `tree` that need `commit` and are still open: held back when it is dropped.
Result<size_t> hold_dependents(Store& store, const std::string& commit, const std::string& tree,
                               const std::string& why, int64_t now) {
    auto needing = store::candidates_needing(store, commit, tree);
    if (!needing) return std::unexpected(needing.error());
    size_t held = 0;
    for (auto& id : *needing) {
        auto row = store::candidate(store, id, tree);
        if (!row) return std::unexpected(row.error());
        if (!*row || !next_state(*parse_state((*row)->state), Action::kHold)) continue;
        auto moved = move(store, **row, Action::kHold, std::string(kAutomatic), why, now);
        if (!moved) return std::unexpected(moved.error());
        held += *moved;
    }
    return held;
}

constexpr std::string_view kHeldBack = "held back: prerequisite ";

}  // namespace

std::string_view state_name(State s) {
    return kStateNames[static_cast<size_t>(s)];
}

std::optional<State> parse_state(std::string_view name) {
    for (size_t i = 0; i < kStateNames.size(); ++i)
        if (kStateNames[i] == name) return static_cast<State>(i);
    return std::nullopt;
}

std::vector<std::string> state_names() {
    return {kStateNames.begin(), kStateNames.end()};
}

std::string_view action_name(Action a) {
    return kActionNames[static_cast<size_t>(a)];
}

std::expected<State, std::string> next_state(State from, Action action) {
    auto no = [&](std::string why) { return std::unexpected(std::move(why)); };
    switch (action) {
        case Action::kTake:
            if (one_of(from, {State::kProposed, State::kMailed, State::kObjected, State::kWaiting,
                              State::kSnoozed, State::kDropped}))
                return State::kQueued;
            return no(refused(from));
        case Action::kDrop:
            if (one_of(from, kOpen) || from == State::kSuperseded) {
                return State::kDropped;
            }
            return no(from == State::kDropped ? "it is already dropped"
                                              : "it is already released in the tree: revert it "
                                                "there instead");
        case Action::kSnooze:
        case Action::kWait:
            if (one_of(from, kOpen))
                return action == Action::kSnooze ? State::kSnoozed : State::kWaiting;
            return no(refused(from));
        case Action::kReopen:
            if (one_of(from, {State::kDropped, State::kObjected, State::kSuperseded,
                              State::kWaiting, State::kSnoozed}))
                return State::kProposed;
            return no(from == State::kReleased
                          ? refused(from)
                          : fmt::format("it is still open ({})", state_name(from)));
        case Action::kObject:
            if (one_of(from, kOpen)) return State::kObjected;
            return no(refused(from));
        case Action::kMail:
            if (one_of(from, {State::kProposed, State::kMailed})) return State::kMailed;
            return no(refused(from));
        case Action::kRelease:
            if (from != State::kReleased) return State::kReleased;
            return no(refused(from));
        case Action::kSupersede:
            if (one_of(from, kOpen)) return State::kSuperseded;
            return no(refused(from));
        case Action::kWake:
            if (one_of(from, {State::kSnoozed, State::kWaiting})) return State::kProposed;
            return no(fmt::format("it is not waiting ({})", state_name(from)));
        case Action::kHold:
            if (one_of(from, {State::kProposed, State::kMailed, State::kQueued}))
                return State::kWaiting;
            return no(refused(from));
        case Action::kQueue:
            if (from == State::kMailed) return State::kQueued;
            return no(fmt::format("it is not mailed ({})", state_name(from)));
    }
    return no("unknown action");
}

Result<store::CandidateRow> change(Store& store, const Change& c) {
    if (auto t = check_tree(store, c.tree); !t) return std::unexpected(t.error());
    if (c.action == Action::kDrop && c.reason.empty())
        return fail(ErrorCode::kInvalidInput, "a drop needs a reason: say why (--reason)");
    if (c.action == Action::kSnooze && !c.until_time)
        return fail(ErrorCode::kInvalidInput, "snooze until when? (--until DATE)");
    if (c.action == Action::kWait && c.until_tag.empty())
        return fail(ErrorCode::kInvalidInput, "wait for which tag? (--until-tag TAG)");
    return in_transaction(store, [&]() -> Result<store::CandidateRow> {
        // A take or a drop is also the maintainer's decision, which train learns from.
        if (c.action == Action::kTake || c.action == Action::kDrop) {
            auto d = store::put_decision(
                store, {c.commit, c.tree, c.action == Action::kTake ? "take" : "drop", c.reason,
                        c.who, c.time, std::nullopt});
            if (!d) return std::unexpected(d.error());
        }
        auto row = store::candidate(store, c.commit, c.tree);
        if (!row) return std::unexpected(row.error());
        if (!*row) {
            if (c.action != Action::kTake && c.action != Action::kDrop)
                return fail(ErrorCode::kNotFound, fmt::format("{} is not a candidate for {}",
                                                              c.commit.substr(0, 12), c.tree));
            if (c.action == Action::kTake) {
                auto carried = store::carried_to(store, c.commit, c.tree);
                if (!carried) return std::unexpected(carried.error());
                if (*carried)
                    return fail(ErrorCode::kInvalidInput,
                                fmt::format("{} is already in {}{}", c.commit.substr(0, 12), c.tree,
                                            (*carried)->empty() ? "" : " as " + **carried));
            }
            store::CandidateRow fresh;
            fresh.commit = c.commit;
            fresh.tree = c.tree;
            fresh.state = c.action == Action::kTake ? "queued" : "dropped";
            fresh.reason = c.reason;
            fresh.proposed_time = fresh.changed_time = c.time;
            fresh.changed_by = c.who;
            auto added = store::insert_candidate(store, fresh, c.reason);
            if (!added) return std::unexpected(added.error());
            if (!*added) return std::unexpected(conflict(fresh));
            fresh.version = 1;
            if (c.action == Action::kDrop) {
                auto held = hold_dependents(store, c.commit, c.tree,
                                            fmt::format("{}{} was dropped: {}", kHeldBack,
                                                        c.commit.substr(0, 12), c.reason),
                                            c.time);
                if (!held) return std::unexpected(held.error());
            }
            return fresh;
        }
        store::CandidateRow r = std::move(**row);
        if (c.seen_version && *c.seen_version != r.version) return std::unexpected(conflict(r));
        if (!c.seen_version && !c.force && c.action != Action::kObject &&
            decided_by_other(r, c.who))
            return std::unexpected(conflict(r));
        if (c.action == Action::kSnooze) r.until_time = c.until_time;
        if (c.action == Action::kWait) r.until_tag = c.until_tag;
        auto moved = move(store, r, c.action, c.who, c.reason, c.time);
        if (!moved) {
            return std::unexpected(
                Error{moved.error().code,
                      fmt::format("cannot {} {} for {}: {}", action_name(c.action),
                                  c.commit.substr(0, 12), c.tree, moved.error().message)});
        }
        if (!*moved) {
            auto now = store::candidate(store, c.commit, c.tree);
            if (!now) return std::unexpected(now.error());
            return std::unexpected(conflict(now->value_or(r)));
        }
        ++r.version;
        if (r.state == "dropped") {
            auto held = hold_dependents(
                store, c.commit, c.tree,
                fmt::format("{}{} was dropped: {}", kHeldBack, c.commit.substr(0, 12), c.reason),
                c.time);
            if (!held) return std::unexpected(held.error());
        }
        if (c.action == Action::kReopen || c.action == Action::kTake) {
            // What was held back only for this one goes on.
            auto needing = store::candidates_needing(store, c.commit, c.tree);
            if (!needing) return std::unexpected(needing.error());
            for (auto& id : *needing) {
                auto dep = store::candidate(store, id, c.tree);
                if (!dep) return std::unexpected(dep.error());
                if (!*dep || (*dep)->state != "waiting" ||
                    !(*dep)->reason.starts_with(std::string(kHeldBack) + c.commit.substr(0, 12)))
                    continue;
                auto woke = move(
                    store, **dep, Action::kWake, std::string(kAutomatic),
                    fmt::format("prerequisite {} is {} again", c.commit.substr(0, 12), r.state),
                    c.time);
                if (!woke) return std::unexpected(woke.error());
            }
        }
        return r;
    });
}

Result<ProposeReport> propose(Store& store, const std::vector<Proposal>& proposals, int64_t now) {
    return in_transaction(store, [&]() -> Result<ProposeReport> {
        ProposeReport report;
        // Adds (commit, tree) unless it is a candidate or in the tree already; the candidate's
        // state after, nullopt when it is in the tree.
        auto add = [&](const std::string& commit, const std::string& tree,
                       std::optional<double> probability,
                       const std::string& reason) -> Result<std::optional<store::CandidateRow>> {
            auto row = store::candidate(store, commit, tree);
            if (!row) return std::unexpected(row.error());
            if (*row) return *row;
            auto carried = store::carried_to(store, commit, tree);
            if (!carried) return std::unexpected(carried.error());
            if (*carried) return std::optional<store::CandidateRow>{};
            store::CandidateRow fresh;
            fresh.commit = commit;
            fresh.tree = tree;
            fresh.state = "proposed";
            fresh.reason = reason;
            fresh.probability = probability;
            fresh.proposed_time = fresh.changed_time = now;
            fresh.changed_by = std::string(kAutomatic);
            fresh.version = 1;
            auto added = store::insert_candidate(store, fresh, reason);
            if (!added) return std::unexpected(added.error());
            ++report.proposed;
            return std::optional<store::CandidateRow>{fresh};
        };
        for (auto& p : proposals) {
            auto existing = store::candidate(store, p.commit, p.tree);
            if (!existing) return std::unexpected(existing.error());
            if (*existing) {
                auto& e = **existing;
                if (e.state == "dropped" || e.state == "objected")
                    report.kept.push_back(fmt::format("{} for {}: {} by {} on {}{}",
                                                      p.commit.substr(0, 12), p.tree, e.state,
                                                      e.changed_by, day(e.changed_time),
                                                      e.reason.empty() ? "" : ": " + e.reason));
                continue;
            }
            // Prerequisites first, each a candidate of its own.
            std::string held_by;
            for (auto& n : p.needs) {
                auto pre =
                    add(n.needs, p.tree, std::nullopt,
                        fmt::format("prerequisite of {} ({})", p.commit.substr(0, 12), n.why));
                if (!pre) return std::unexpected(pre.error());
                if (*pre && (*pre)->state == "dropped" && held_by.empty())
                    held_by = fmt::format("{}{} was dropped: {}", kHeldBack, n.needs.substr(0, 12),
                                          (*pre)->reason);
            }
            auto added = add(p.commit, p.tree, p.probability, p.reason);
            if (!added) return std::unexpected(added.error());
            if (!*added) continue;
            if (auto st = store::set_candidate_needs(store, p.commit, p.tree, p.needs); !st)
                return std::unexpected(st.error());
            if (!held_by.empty()) {
                auto row = **added;
                auto moved = move(store, row, Action::kHold, std::string(kAutomatic), held_by, now);
                if (!moved) return std::unexpected(moved.error());
                ++report.held;
            }
        }
        return report;
    });
}

Status mark_mailed(Store& store, const std::string& commit, const std::string& tree,
                   const std::string& message_id, int64_t now) {
    auto done = in_transaction(store, [&]() -> Result<bool> {
        auto row = store::candidate(store, commit, tree);
        if (!row) return std::unexpected(row.error());
        if (!*row || !next_state(*parse_state((*row)->state), Action::kMail)) return false;
        (*row)->message_id = message_id;
        return move(store, **row, Action::kMail, std::string(kAutomatic),
                    "review mail " + message_id, now);
    });
    if (!done) return std::unexpected(done.error());
    return {};
}

Result<SettleReport> settle(Store& store, int64_t now, const SettleOptions& options) {
    return in_transaction(store, [&]() -> Result<SettleReport> {
        SettleReport report;
        auto rows = store::candidates_in(store, {"proposed", "mailed", "queued", "objected",
                                                 "waiting", "snoozed", "dropped", "superseded"});
        if (!rows) return std::unexpected(rows.error());
        for (auto& r : *rows) {
            auto carried = store::carried_to(store, r.commit, r.tree);
            if (!carried) return std::unexpected(carried.error());
            std::optional<Action> action;
            std::string why;
            if (*carried && r.state != "dropped") {
                action = Action::kRelease;
                why = (*carried)->empty() ? "in the tree" : "in the tree as " + **carried;
            } else if (one_of(*parse_state(r.state), kOpen)) {
                auto reverts = store::main_reverts_of(store, r.commit);
                if (!reverts) return std::unexpected(reverts.error());
                if (!reverts->empty()) {
                    action = Action::kSupersede;
                    why = "reverted upstream by " + reverts->front().substr(0, 12);
                } else if (r.state == "mailed") {
                    auto days = options.review_days;
                    if (auto it = options.review_days_by_tree.find(r.tree);
                        it != options.review_days_by_tree.end())
                        days = it->second;
                    if (r.changed_time + int64_t{days} * 86400 <= now) {
                        action = Action::kQueue;
                        why = fmt::format("no objection in {} days", days);
                    }
                } else if (r.state == "snoozed" && r.until_time && *r.until_time <= now) {
                    action = Action::kWake;
                    why = "snoozed until " + day(*r.until_time);
                } else if (r.state == "waiting" && r.until_tag && options.tag_exists &&
                           options.tag_exists(*r.until_tag)) {
                    action = Action::kWake;
                    why = *r.until_tag + " is out";
                }
            }
            if (!action) continue;
            auto moved = move(store, r, *action, std::string(kAutomatic), why, now);
            if (!moved) return std::unexpected(moved.error());
            if (!*moved) continue;
            switch (*action) {
                case Action::kRelease:
                    ++report.released;
                    break;
                case Action::kSupersede:
                    ++report.superseded;
                    break;
                case Action::kQueue:
                    ++report.queued;
                    break;
                default:
                    ++report.woken;
            }
        }
        return report;
    });
}

double WeekStats::rejected_share() const {
    auto get = [&](const char* k) {
        auto it = counts.find(k);
        return it == counts.end() ? int64_t{0} : it->second;
    };
    int64_t proposed = get("proposed");
    return proposed ? static_cast<double>(get("objected") + get("dropped")) / proposed : 0;
}

Result<std::string> main_commit(Store& store, const std::string& prefix) {
    std::string p = prefix;
    for (auto& ch : p) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto found = store::main_commits_with_prefix(store, p, 2);
    if (!found) return std::unexpected(found.error());
    if (p.size() < 4 || found->empty())
        return fail(ErrorCode::kNotFound,
                    fmt::format("'{}' is not a main-branch commit in the store", prefix));
    if (found->size() > 1)
        return fail(ErrorCode::kAmbiguous, fmt::format("'{}' names more than one commit", prefix));
    return found->front();
}

Result<std::vector<WeekStats>> weekly_stats(Store& store, const std::string& tree, int64_t since) {
    auto events = store::events_since(store, since);
    if (!events) return std::unexpected(events.error());
    std::map<std::pair<std::string, int64_t>, WeekStats> weeks;
    // 1970-01-01 was a Thursday: Mondays are 4 days later, every 7.
    constexpr int64_t kWeek = 7 * 86400, kMonday = 4 * 86400;
    for (auto& e : *events) {
        if (!tree.empty() && e.tree != tree) continue;
        int64_t monday = e.time - ((e.time - kMonday) % kWeek + kWeek) % kWeek;
        auto& w = weeks[{e.tree, monday}];
        w.tree = e.tree;
        w.week = monday;
        ++w.counts[e.to_state];
    }
    std::vector<WeekStats> out;
    for (auto& [key, w] : weeks) out.push_back(std::move(w));
    return out;
}

}  // namespace stablepick::queue
