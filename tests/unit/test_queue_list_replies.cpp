#include <gtest/gtest.h>

#include <fstream>

#include "stablepick/queue/list_replies.hpp"
#include "stablepick/queue/queue.hpp"
#include "stablepick/report/queue_text.hpp"
#include "stablepick/store/candidate_records.hpp"
#include "support/fixture_repo.hpp"
#include "support/test_store.hpp"

namespace stablepick::queue {
namespace {

using testing::TempDir;

const std::string kCommit = "0123456789abcdef0123456789abcdef01234567";
const std::string kAutosel = "cecf7560f00a8419396a2ed0f6e5d245ccb4feac";
constexpr int64_t kNow = 1653900000;  // 2022-05-30, before the replies

class ListReplies : public ::testing::Test {
  protected:
    void SetUp() override {
        auto location = testing::test_store(dir_.path());
        SKIP_WITHOUT_TEST_STORE(location);
        auto s = Store::open(location, Store::Mode::kWrite);
        ASSERT_TRUE(s.has_value()) << s.error().message;
        store_.emplace(std::move(*s));
        for (auto* b : {"linux-5.10.y", "linux-5.15.y"})
            ASSERT_TRUE(store_->ensure_branch(b, BranchKind::kStable).has_value());
        auto proposed = propose(*store_,
                                {{kCommit, "linux-5.10.y", 0.9, "review: 0.90", {}},
                                 {kCommit, "linux-5.15.y", 0.9, "review: 0.90", {}},
                                 {kAutosel, "linux-5.15.y", 0.7, "review: 0.70", {}}},
                                kNow - 86400);
        ASSERT_TRUE(proposed.has_value()) << proposed.error().message;
        for (auto* tree : {"linux-5.10.y", "linux-5.15.y"})
            ASSERT_TRUE(mark_mailed(*store_, kCommit, tree, "<review-1@stablepick>", kNow - 3600)
                            .has_value());
    }
    std::string write(const std::string& text) {
        auto path = dir_.path() / "list.mbox";
        std::ofstream(path, std::ios::binary) << text;
        return path.string();
    }
    std::string state_of(const std::string& commit, const std::string& tree) {
        auto row = store::candidate(*store_, commit, tree);
        return row && *row ? (*row)->state : "";
    }
    TempDir dir_;
    std::optional<Store> store_;
};

const char* kMbox =
    "From mboxrd@z Thu Jan  1 00:00:00 1970\n"
    "From: Greg Maintainer <greg@example.org>\n"
    "Subject: Re: [PATCH 5.15] foo: fix a leak\n"
    "Date: Tue, 31 May 2022 10:00:00 +0000\n"
    "Message-ID: <reply-1@example.org>\n"
    "In-Reply-To: <review-1@stablepick>\n"
    "References: <review-1@stablepick>\n"
    "\n"
    "On Mon, May 30, 2022, stablepick wrote:\n"
    "> foo: fix a leak\n"
    "\n"
    "Not needed for 5.10: the leak came in 5.12.\n"
    "\n"
    "From mboxrd@z Thu Jan  1 00:00:00 1970\n"
    "From: Sasha Levin <sashal@kernel.org>\n"
    "Subject: [PATCH AUTOSEL 5.15 1/1] hwmon: (applesmc) check status earlier\n"
    "Date: Tue, 31 May 2022 09:00:00 +0000\n"
    "Message-ID: <autosel-1@kernel.org>\n"
    "\n"
    "[ Upstream commit cecf7560f00a8419396a2ed0f6e5d245ccb4feac ]\n"
    "\n"
    "From mboxrd@z Thu Jan  1 00:00:00 1970\n"
    "From: Guenter Roeck <linux@roeck-us.net>\n"
    "Subject: Re: [PATCH AUTOSEL 5.15 1/1] hwmon: (applesmc) check status earlier\n"
    "Date: Tue, 31 May 2022 11:00:00 +0000\n"
    "Message-ID: <reply-2@roeck-us.net>\n"
    "In-Reply-To: <autosel-1@kernel.org>\n"
    "References: <autosel-1@kernel.org>\n"
    "\n"
    "On 5/31/22 02:00, Sasha Levin wrote:\n"
    "> [ Upstream commit cecf7560f00a8419396a2ed0f6e5d245ccb4feac ]\n"
    "\n"
    "Please drop.\n"
    "\n"
    "Guenter\n";

TEST_F(ListReplies, AnObjectionMovesTheCandidatesOfTheTreesItNames) {
    auto found = import_list_replies(*store_, {write(kMbox)}, true);
    ASSERT_TRUE(found.has_value()) << found.error().message;
    EXPECT_EQ(found->objected, 2);
    EXPECT_EQ(found->without_candidate, 0);
    EXPECT_TRUE(found->kept.empty());
    // The reply to stablepick's mail names 5.10 only; 5.15 stays mailed.
    EXPECT_EQ(state_of(kCommit, "linux-5.10.y"), "objected");
    EXPECT_EQ(state_of(kCommit, "linux-5.15.y"), "mailed");
    // AUTOSEL proposed the same commit the queue holds: the objection moves it too.
    EXPECT_EQ(state_of(kAutosel, "linux-5.15.y"), "objected");
    auto events = store::candidate_events(*store_, kCommit, "linux-5.10.y");
    ASSERT_TRUE(events.has_value());
    EXPECT_EQ(events->back().who, "Greg Maintainer <greg@example.org>");
    EXPECT_EQ(events->back().reason, "Not needed for 5.10: the leak came in 5.12.");

    // The queue shows the objection under the candidate.
    auto rows = store::candidates(*store_, {"linux-5.10.y", "", "", 0});
    ASSERT_TRUE(rows.has_value());
    auto objections = objections_on(*store_, *rows);
    ASSERT_TRUE(objections.has_value());
    std::string table = report::queue_table(*rows, kNow, *objections);
    EXPECT_NE(table.find("objection by Greg Maintainer <greg@example.org> on 2022-05-31: Not "
                         "needed for 5.10"),
              std::string::npos)
        << table;

    // Again: nothing new, and the candidates are not moved twice.
    auto again = import_list_replies(*store_, {write(kMbox)}, true);
    ASSERT_TRUE(again.has_value()) << again.error().message;
    EXPECT_EQ(again->objected, 0);
    EXPECT_EQ(again->counts.replies_already, 2);
    auto after = store::candidate_events(*store_, kCommit, "linux-5.10.y");
    ASSERT_TRUE(after.has_value());
    EXPECT_EQ(after->size(), events->size());
}

TEST_F(ListReplies, AnObjectionToACandidateThatCannotMoveIsKeptAndNamed) {
    ASSERT_TRUE(
        change(*store_, {kAutosel, "linux-5.15.y", Action::kDrop, "greg", "not a fix", kNow})
            .has_value());
    auto found = import_list_replies(*store_, {write(kMbox)}, true);
    ASSERT_TRUE(found.has_value()) << found.error().message;
    EXPECT_EQ(found->objected, 1);
    ASSERT_EQ(found->kept.size(), 1u);
    EXPECT_NE(found->kept.front().find("cecf7560f00a for linux-5.15.y"), std::string::npos)
        << found->kept.front();
    EXPECT_EQ(state_of(kAutosel, "linux-5.15.y"), "dropped");
}

TEST(ObjectionReason, TheFirstTwoLinesOnOne) {
    EXPECT_EQ(objection_reason("\nPlease drop.\n\nIt is a new feature.\nGuenter\n"),
              "Please drop. It is a new feature.");
}

}  // namespace
}  // namespace stablepick::queue
