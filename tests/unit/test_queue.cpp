// The maintainer's queue on a real store: each state change, who/when/why kept, nonsense and
// conflicts refused, prerequisites first and held back, what index settles, weekly counts.
#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "stablepick/queue/queue.hpp"
#include "stablepick/store/candidate_records.hpp"
#include "stablepick/store/history_reads.hpp"
#include "stablepick/store/review_records.hpp"
#include "support/fixture_repo.hpp"
#include "support/test_store.hpp"

namespace stablepick::queue {
namespace {

using testing::TempDir;

constexpr int64_t kT0 = 1767225600;  // 2026-01-01, a Thursday
constexpr int64_t kDay = 86400;

std::string id(char c) {
    return std::string(40, c);
}

class Queue : public ::testing::Test {
  protected:
    void SetUp() override {
        auto location = testing::test_store(dir_.path());
        SKIP_WITHOUT_TEST_STORE(location);
        auto s = Store::open(location, Store::Mode::kWrite);
        ASSERT_TRUE(s.has_value()) << s.error().message;
        store_.emplace(std::move(*s));
        main_ = *store_->ensure_branch("main", BranchKind::kMain);
        ASSERT_TRUE(store_->ensure_branch("v2-stable", BranchKind::kStable));
        ASSERT_TRUE(store_->ensure_branch("v1-stable", BranchKind::kStable));
        for (char c : std::string("abcdef")) add(c, std::string("fix ") + c);
    }
    void add(char c, const std::string& subject, std::optional<std::string> revert_of = {}) {
        Commit commit;
        commit.id = id(c);
        commit.subject = subject;
        commit.commit_time = kT0;
        commit.revert_of = std::move(revert_of);
        commit.is_revert = commit.revert_of.has_value();
        auto row = store_->insert_commit(commit, "");
        ASSERT_TRUE(row.has_value());
        ASSERT_TRUE(store_->add_to_branch(main_, *row));
    }
    Result<store::CandidateRow> act(char c, Action action, const std::string& who,
                                    const std::string& reason = "", int64_t time = kT0,
                                    bool force = false) {
        Change ch{id(c), "v2-stable", action, who, reason, time};
        ch.force = force;
        return change(*store_, ch);
    }
    std::string state(char c, const std::string& tree = "v2-stable") {
        auto row = store::candidate(*store_, id(c), tree);
        EXPECT_TRUE(row.has_value());
        return row && *row ? (*row)->state : "none";
    }
    Proposal proposal(char c, std::vector<store::CandidateNeed> needs = {}) {
        return Proposal{id(c), "v2-stable", 0.9, "review by greg: probability 0.90",
                        std::move(needs)};
    }
    TempDir dir_;
    std::optional<Store> store_;
    int64_t main_ = 0;
};

TEST(QueueStates, TheTableOfMoves) {
    EXPECT_EQ(next_state(State::kProposed, Action::kTake), State::kQueued);
    EXPECT_EQ(next_state(State::kMailed, Action::kObject), State::kObjected);
    EXPECT_EQ(next_state(State::kMailed, Action::kQueue), State::kQueued);
    EXPECT_EQ(next_state(State::kDropped, Action::kReopen), State::kProposed);
    EXPECT_EQ(next_state(State::kSnoozed, Action::kWake), State::kProposed);
    EXPECT_EQ(next_state(State::kQueued, Action::kRelease), State::kReleased);
    EXPECT_EQ(next_state(State::kQueued, Action::kHold), State::kWaiting);
    EXPECT_EQ(next_state(State::kReleased, Action::kTake).error(),
              "it is already released in the tree");
    EXPECT_FALSE(next_state(State::kReleased, Action::kDrop));
    EXPECT_FALSE(next_state(State::kDropped, Action::kDrop));
    EXPECT_FALSE(next_state(State::kSuperseded, Action::kTake));
    EXPECT_FALSE(next_state(State::kProposed, Action::kReopen));
    EXPECT_FALSE(next_state(State::kDropped, Action::kObject));
    for (auto& name : state_names()) EXPECT_EQ(state_name(*parse_state(name)), name);
    EXPECT_FALSE(parse_state("maybe"));
}

TEST_F(Queue, ProposedTakenAndEveryChangeKept) {
    auto added = propose(*store_, {proposal('a')}, kT0);
    ASSERT_TRUE(added) << added.error().message;
    EXPECT_EQ(added->proposed, 1u);
    EXPECT_EQ(state('a'), "proposed");
    ASSERT_TRUE(mark_mailed(*store_, id('a'), "v2-stable", "<1.a@x>", kT0 + 10));
    auto taken = act('a', Action::kTake, "greg", "crash fix", kT0 + kDay);
    ASSERT_TRUE(taken) << taken.error().message;
    EXPECT_EQ(taken->state, "queued");
    EXPECT_EQ(taken->version, 3);
    auto events = store::candidate_events(*store_, id('a'), "v2-stable");
    ASSERT_TRUE(events);
    ASSERT_EQ(events->size(), 3u);
    EXPECT_EQ((*events)[0].to_state, "proposed");
    EXPECT_EQ((*events)[1].to_state, "mailed");
    EXPECT_EQ((*events)[1].reason, "review mail <1.a@x>");
    EXPECT_EQ((*events)[2].who, "greg");
    EXPECT_EQ((*events)[2].from_state, "mailed");
    EXPECT_EQ((*events)[2].reason, "crash fix");
    // The take is also the decision train learns from.
    auto decided = store::decisions_on(*store_, id('a'));
    ASSERT_TRUE(decided && decided->size() == 1u);
    EXPECT_EQ((*decided)[0].decision, "take");
    EXPECT_EQ((*decided)[0].reviewer, "greg");
}

TEST_F(Queue, DroppedIsNeverProposedAgainUntilReopened) {
    ASSERT_TRUE(propose(*store_, {proposal('a')}, kT0));
    EXPECT_EQ(act('a', Action::kDrop, "greg").error().code, ErrorCode::kInvalidInput);  // no why
    ASSERT_TRUE(act('a', Action::kDrop, "greg", "not a fix"));
    auto again = propose(*store_, {proposal('a')}, kT0 + kDay);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->proposed, 0u);
    ASSERT_EQ(again->kept.size(), 1u);
    EXPECT_NE(again->kept[0].find("dropped by greg on 2026-01-01: not a fix"), std::string::npos)
        << again->kept[0];
    EXPECT_EQ(state('a'), "dropped");
    ASSERT_TRUE(act('a', Action::kReopen, "greg", "it is a fix after all"));
    EXPECT_EQ(state('a'), "proposed");
    // Another tree is another candidate.
    Proposal other = proposal('a');
    other.tree = "v1-stable";
    ASSERT_TRUE(propose(*store_, {other}, kT0));
    EXPECT_EQ(state('a', "v1-stable"), "proposed");
}

TEST_F(Queue, NonsenseIsRefusedWithTheReason) {
    ASSERT_TRUE(store_->add_label({id('b'), "v2-stable", id('9'), kT0, "marker", ""}));
    auto take = act('b', Action::kTake, "greg");
    ASSERT_FALSE(take);
    EXPECT_EQ(take.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(take.error().message.find("already in v2-stable as " + id('9')), std::string::npos);
    ASSERT_TRUE(propose(*store_, {proposal('c')}, kT0));
    ASSERT_TRUE(store_->add_label({id('c'), "v2-stable", id('8'), kT0, "marker", ""}));
    ASSERT_TRUE(settle(*store_, kT0, {}));
    EXPECT_EQ(state('c'), "released");
    auto again = act('c', Action::kTake, "greg");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(again.error().message.find("cannot take cccccccccccc for v2-stable: it is already "
                                         "released in the tree"),
              std::string::npos)
        << again.error().message;
    Change on_main{id('d'), "main", Action::kTake, "greg", "", kT0};
    EXPECT_EQ(change(*store_, on_main).error().code, ErrorCode::kInvalidInput);
    Change unknown{id('d'), "v9-stable", Action::kTake, "greg", "", kT0};
    EXPECT_EQ(change(*store_, unknown).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(act('d', Action::kReopen, "greg").error().code, ErrorCode::kNotFound);
    // Nothing of a refused change is kept.
    EXPECT_EQ(state('d'), "none");
    auto decided = store::decisions_on(*store_, id('b'));
    ASSERT_TRUE(decided);
    EXPECT_TRUE(decided->empty());
}

TEST_F(Queue, TheSecondMaintainerIsToldAndNothingIsLost) {
    ASSERT_TRUE(propose(*store_, {proposal('a')}, kT0));
    ASSERT_TRUE(act('a', Action::kDrop, "greg", "breaks the build on arm"));
    auto second = act('a', Action::kTake, "sasha");
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, ErrorCode::kConflict);
    EXPECT_NE(second.error().message.find("greg dropped it for v2-stable on 2026-01-01: breaks "
                                          "the build on arm"),
              std::string::npos)
        << second.error().message;
    EXPECT_EQ(state('a'), "dropped");
    // The same maintainer may change his mind; another one only knowingly.
    EXPECT_TRUE(act('a', Action::kTake, "sasha", "", kT0, /*force=*/true));
    EXPECT_EQ(state('a'), "queued");
    // A page that saw an older version is told too.
    Change stale{id('a'), "v2-stable", Action::kDrop, "greg", "again", kT0};
    stale.seen_version = 2;
    EXPECT_EQ(change(*store_, stale).error().code, ErrorCode::kConflict);
    stale.seen_version = 3;
    EXPECT_TRUE(change(*store_, stale));
    auto events = store::candidate_events(*store_, id('a'), "v2-stable");
    ASSERT_TRUE(events);
    EXPECT_EQ(events->size(), 4u);  // proposed, dropped, queued, dropped: none lost
}

TEST_F(Queue, PrerequisitesGoFirstAndADroppedOneHoldsTheRestBack) {
    auto added =
        propose(*store_, {proposal('b', {{id('a'), "changed the lines it changes"}})}, kT0);
    ASSERT_TRUE(added);
    EXPECT_EQ(added->proposed, 2u);
    EXPECT_EQ(state('a'), "proposed");
    auto needs = store::candidate_needs(*store_, id('b'), "v2-stable");
    ASSERT_TRUE(needs && needs->size() == 1u);
    EXPECT_EQ((*needs)[0].needs, id('a'));
    ASSERT_TRUE(act('a', Action::kDrop, "greg", "too risky"));
    EXPECT_EQ(state('b'), "waiting");
    auto b = store::candidate(*store_, id('b'), "v2-stable");
    EXPECT_EQ((*b)->reason, "held back: prerequisite aaaaaaaaaaaa was dropped: too risky");
    ASSERT_TRUE(act('a', Action::kReopen, "greg", "needed after all"));
    EXPECT_EQ(state('b'), "proposed");
    // Proposed while its prerequisite is dropped: held back at once.
    ASSERT_TRUE(act('a', Action::kDrop, "greg", "too risky"));
    auto c = propose(*store_, {proposal('c', {{id('a'), "blame"}})}, kT0);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->held, 1u);
    EXPECT_EQ(state('c'), "waiting");
}

TEST_F(Queue, IndexSettlesReleasedSupersededQueuedAndWoken) {
    add('r', "Revert \"fix e\"", id('e'));
    ASSERT_TRUE(propose(
        *store_, {proposal('a'), proposal('b'), proposal('c'), proposal('d'), proposal('e')}, kT0));
    ASSERT_TRUE(store_->add_label({id('a'), "v2-stable", "", kT0, "changelog", "2.1"}));
    ASSERT_TRUE(mark_mailed(*store_, id('b'), "v2-stable", "<b@x>", kT0));
    ASSERT_TRUE(mark_mailed(*store_, id('c'), "v2-stable", "<c@x>", kT0));
    ASSERT_TRUE(act('c', Action::kObject, "maintainer", "not needed for 2.x"));
    Change snooze{id('d'), "v2-stable", Action::kSnooze, "greg", "let it soak", kT0};
    snooze.until_time = kT0 + 3 * kDay;
    ASSERT_TRUE(change(*store_, snooze));

    SettleOptions options;
    options.review_days_by_tree["v2-stable"] = 14;
    auto early = settle(*store_, kT0 + 8 * kDay, options);
    ASSERT_TRUE(early) << early.error().message;
    EXPECT_EQ(state('a'), "released");
    EXPECT_EQ(state('e'), "superseded");
    EXPECT_EQ(state('b'), "mailed");  // 14 days for this tree
    EXPECT_EQ(state('d'), "proposed");
    EXPECT_EQ(early->released, 1u);
    EXPECT_EQ(early->superseded, 1u);
    EXPECT_EQ(early->woken, 1u);
    auto late = settle(*store_, kT0 + 15 * kDay, options);
    ASSERT_TRUE(late);
    EXPECT_EQ(late->queued, 1u);
    EXPECT_EQ(state('b'), "queued");
    EXPECT_EQ(state('c'), "objected");  // an objection is never queued by time

    Change wait{id('d'), "v2-stable", Action::kWait, "greg", "", kT0};
    wait.until_tag = "v3.0";
    ASSERT_TRUE(change(*store_, wait));
    options.tag_exists = [](const std::string& tag) { return tag == "v2.9"; };
    ASSERT_TRUE(settle(*store_, kT0 + 20 * kDay, options));
    EXPECT_EQ(state('d'), "waiting");
    options.tag_exists = [](const std::string& tag) { return tag == "v3.0"; };
    ASSERT_TRUE(settle(*store_, kT0 + 21 * kDay, options));
    EXPECT_EQ(state('d'), "proposed");
}

TEST_F(Queue, TrainLearnsWhatTheQueueTookAndNotWhatItDropped) {
    ASSERT_TRUE(propose(*store_, {proposal('a'), proposal('b'), proposal('c')}, kT0));
    ASSERT_TRUE(mark_mailed(*store_, id('a'), "v2-stable", "<a@x>", kT0));
    ASSERT_TRUE(settle(*store_, kT0 + 8 * kDay, {}));  // queued by the review window
    ASSERT_TRUE(act('b', Action::kTake, "greg", "", kT0 + kDay));
    ASSERT_TRUE(act('b', Action::kDrop, "greg", "broke the build", kT0 + 2 * kDay));
    ASSERT_TRUE(act('c', Action::kObject, "maintainer", "not a fix", kT0 + kDay));
    std::map<std::string, int64_t> taken;
    ASSERT_TRUE(store::for_each_first_take(
        *store_, [&](const std::string& commit, int64_t time) { taken[commit] = time; }));
    EXPECT_EQ(taken, (std::map<std::string, int64_t>{{id('a'), kT0 + 8 * kDay}}));
}

TEST_F(Queue, WeeklyCountsAndTheRejectedShare) {
    ASSERT_TRUE(
        propose(*store_, {proposal('a'), proposal('b'), proposal('c'), proposal('d')}, kT0));
    ASSERT_TRUE(act('a', Action::kDrop, "greg", "no", kT0 + kDay));
    ASSERT_TRUE(act('b', Action::kTake, "greg", "", kT0 + 5 * kDay));  // the next week
    auto weeks = weekly_stats(*store_, "");
    ASSERT_TRUE(weeks);
    ASSERT_EQ(weeks->size(), 2u);
    EXPECT_EQ((*weeks)[0].week, kT0 - 3 * kDay);  // Monday 2025-12-29
    EXPECT_EQ((*weeks)[0].counts.at("proposed"), 4);
    EXPECT_EQ((*weeks)[0].counts.at("dropped"), 1);
    EXPECT_DOUBLE_EQ((*weeks)[0].rejected_share(), 0.25);
    EXPECT_EQ((*weeks)[1].counts.at("queued"), 1);
    EXPECT_DOUBLE_EQ((*weeks)[1].rejected_share(), 0);
}

}  // namespace
}  // namespace stablepick::queue
