#include <fmt/format.h>
#include <gtest/gtest.h>

#include "stablepick/git/apply_check.hpp"
#include "support/fixture_repo.hpp"

namespace stablepick::git {
namespace {

// Twenty numbered lines, with line `changed` (1-based) replaced by `text`.
std::string lines(int changed = 0, const std::string& text = "") {
    std::string out;
    for (int i = 1; i <= 20; ++i) out += i == changed ? text + "\n" : fmt::format("line {}\n", i);
    return out;
}

// A base commit with a.txt; `stable` forks from it; `main` changes line 10 of a.txt.
class ApplyCheckTest : public ::testing::Test {
  protected:
    void SetUp() override {
        base_ = fixture_.commit("a.txt", lines(), "base");
        fixture_.git({"branch", "stable"});
        fix_ = fixture_.commit("a.txt", lines(10, "line ten, fixed"), "fix line 10");
        fixture_.checkout("stable");
    }
    // How the fix goes onto what `stable` is now.
    ApplyCheck check() {
        auto repo = Repository::open(fixture_.path());
        EXPECT_TRUE(repo.has_value());
        auto change = CommitChange::read(*repo, *from_hex(fix_));
        EXPECT_TRUE(change.has_value()) << change.error().message;
        auto applied = change->apply_to(*from_hex(fixture_.head()));
        EXPECT_TRUE(applied.has_value()) << applied.error().message;
        return *applied;
    }
    testing::FixtureRepo fixture_;
    std::string base_, fix_;
};

TEST_F(ApplyCheckTest, AppliesAsItIs) {
    fixture_.commit("b.txt", "other\n", "another file");
    auto c = check();
    EXPECT_EQ(c.outcome, ApplyOutcome::kClean);
    EXPECT_TRUE(c.conflicts.empty());
}

TEST_F(ApplyCheckTest, AppliesAsItIsAtAnOffset) {
    fixture_.commit("a.txt", "new first line\n" + lines(), "a line on top");
    EXPECT_EQ(check().outcome, ApplyOutcome::kClean);
}

TEST_F(ApplyCheckTest, ContextChangedNeedsAThreeWayMerge) {
    // Line 13 is the patch's context: the patch no longer applies as it is, but the merge does.
    fixture_.commit("a.txt", lines(13, "line thirteen, changed"), "change line 13");
    auto c = check();
    EXPECT_EQ(c.outcome, ApplyOutcome::kThreeWay);
    EXPECT_TRUE(c.conflicts.empty());
}

TEST_F(ApplyCheckTest, AlreadyThereChangesNothing) {
    fixture_.commit("a.txt", lines(10, "line ten, fixed"), "the same fix, made here");
    EXPECT_EQ(check().outcome, ApplyOutcome::kNoChanges);
}

TEST_F(ApplyCheckTest, ConflictNamesThePaths) {
    fixture_.commit("a.txt", lines(10, "line ten, fixed differently"), "another fix");
    auto c = check();
    EXPECT_EQ(c.outcome, ApplyOutcome::kConflict);
    EXPECT_EQ(c.conflicts, (std::vector<std::string>{"a.txt"}));
}

TEST_F(ApplyCheckTest, AFileToChangeThatIsGoneConflicts) {
    fixture_.remove("a.txt");
    fixture_.commit_all("drop a.txt");
    auto c = check();
    EXPECT_EQ(c.outcome, ApplyOutcome::kConflict);
    EXPECT_EQ(c.conflicts, (std::vector<std::string>{"a.txt"}));
}

TEST_F(ApplyCheckTest, ACommitOrTargetThatCannotBeRead) {
    auto repo = Repository::open(fixture_.path());
    ASSERT_TRUE(repo.has_value());
    EXPECT_FALSE(CommitChange::read(*repo, *from_hex(std::string(40, 'e'))).has_value());
    auto change = CommitChange::read(*repo, *from_hex(fix_));
    ASSERT_TRUE(change.has_value());
    EXPECT_FALSE(change->apply_to(*from_hex(std::string(40, 'e'))).has_value());
    // One change, tried on several trees.
    auto on_base = change->apply_to(*from_hex(base_));
    ASSERT_TRUE(on_base.has_value());
    EXPECT_EQ(on_base->outcome, ApplyOutcome::kClean);
    auto on_itself = change->apply_to(*from_hex(fix_));
    ASSERT_TRUE(on_itself.has_value());
    EXPECT_EQ(on_itself->outcome, ApplyOutcome::kNoChanges);
}

}  // namespace
}  // namespace stablepick::git
