#include <gtest/gtest.h>

#include "stablepick/store/cve_ranges_reads.hpp"
#include "support/fixture_repo.hpp"
#include "support/test_store.hpp"

namespace stablepick::store {
namespace {

using testing::TempDir;

const std::string kFix(40, 'a'), kPort(40, 'b'), kLatePort(40, 'c'), kRevert(40, 'd'),
    kLateRevert(40, 'e'), kOther(40, 'f');

// A main-branch fix with two Fixes: tags (one names no id) and two files; two backports of it on
// v1-stable, the first reverted twice there.
class CveRangesReads : public ::testing::Test {
  protected:
    void SetUp() override {
        auto location = testing::test_store(dir_.path());
        SKIP_WITHOUT_TEST_STORE(location);
        auto s = Store::open(location, Store::Mode::kWrite);
        ASSERT_TRUE(s.has_value()) << s.error().message;
        store_.emplace(std::move(*s));
        auto main = store_->ensure_branch("main", BranchKind::kMain);
        auto v1 = store_->ensure_branch("v1-stable", BranchKind::kStable);
        ASSERT_TRUE(main && v1);
        ASSERT_TRUE(store_->set_branch_tip("main", kFix));
        Commit fix;
        fix.id = kFix;
        fix.commit_time = 100;
        fix.trailers = {
            {"Fixes", "123456789abc (\"x\")", "", Trailer::Kind::kFixes, "123456789abc", "x"},
            {"Fixes", "#12", "", Trailer::Kind::kFixesIssue, "", ""},
            {"Fixes", "", "", Trailer::Kind::kFixes, "", ""}};
        fix.files = {{"b.c", "", 'M', 1, 1, false, false}, {"a.c", "", 'M', 1, 0, false, false}};
        add(fix, *main);
        Commit port = fix;
        port.trailers.clear();
        port.files.clear();
        port.id = kPort;
        port.commit_time = 200;
        add(port, *v1);
        port.id = kLatePort;
        port.commit_time = 250;
        add(port, *v1);
        Commit revert = port;
        revert.id = kLateRevert;
        revert.commit_time = 400;
        revert.is_revert = true;
        revert.revert_of = kPort;
        add(revert, *v1);
        revert.id = kRevert;
        revert.commit_time = 300;
        add(revert, *v1);
        revert.id = kOther;  // names the backport but is no revert ("This reverts" quoted)
        revert.commit_time = 50;
        revert.is_revert = false;
        add(revert, *v1);
        ASSERT_TRUE(store_->add_label({kFix, "v1-stable", kLatePort, 250, "patch-id", ""}));
        ASSERT_TRUE(store_->add_label({kFix, "v1-stable", kPort, 200, "marker", ""}));
    }
    void add(const Commit& c, int64_t branch) {
        auto row = store_->insert_commit(c, "");
        ASSERT_TRUE(row.has_value()) << row.error().message;
        ASSERT_TRUE(store_->add_to_branch(branch, *row));
    }
    TempDir dir_;
    std::optional<Store> store_;
};

TEST_F(CveRangesReads, BranchesInTheOrderRecordedWithTheirTips) {
    auto branches = recorded_branches(*store_);
    ASSERT_TRUE(branches.has_value()) << branches.error().message;
    ASSERT_EQ(branches->size(), 2u);
    EXPECT_EQ((*branches)[0].name, "main");
    EXPECT_EQ((*branches)[0].kind, "main");
    EXPECT_EQ((*branches)[0].tip, std::optional<std::string>(kFix));
    EXPECT_EQ((*branches)[1].name, "v1-stable");
    EXPECT_EQ((*branches)[1].kind, "stable");
    EXPECT_FALSE((*branches)[1].tip.has_value());
}

// The value of a read that must succeed.
template <typename T>
T value(Result<T> r) {
    EXPECT_TRUE(r.has_value()) << r.error().message;
    return r.has_value() ? std::move(*r) : T{};
}

TEST_F(CveRangesReads, MainCommits) {
    EXPECT_TRUE(value(is_main_commit(*store_, kFix)));
    EXPECT_FALSE(value(is_main_commit(*store_, kPort)));
    EXPECT_FALSE(value(is_main_commit(*store_, std::string(40, '0'))));
}

TEST_F(CveRangesReads, BackportsOnABranchOldestFirst) {
    auto ports = backports_on_branch(*store_, kFix, "v1-stable");
    ASSERT_TRUE(ports.has_value()) << ports.error().message;
    ASSERT_EQ(ports->size(), 2u);
    EXPECT_EQ((*ports)[0].stable_id, kPort);
    EXPECT_EQ((*ports)[0].time, 200);
    EXPECT_EQ((*ports)[1].stable_id, kLatePort);
    EXPECT_EQ((*ports)[1].time, 250);
    ports = backports_on_branch(*store_, kFix, "v2-stable");
    ASSERT_TRUE(ports.has_value());
    EXPECT_TRUE(ports->empty());
}

TEST_F(CveRangesReads, TheOldestRevertOnTheBranch) {
    EXPECT_EQ(value(first_revert_on_branch(*store_, kPort, "v1-stable")), kRevert);
    EXPECT_EQ(value(first_revert_on_branch(*store_, kPort, "main")), "");
    EXPECT_EQ(value(first_revert_on_branch(*store_, kLatePort, "v1-stable")), "");
}

TEST_F(CveRangesReads, FixesTagsThatNameAnId) {
    auto tags = fixes_tags_of(*store_, kFix);
    ASSERT_TRUE(tags.has_value()) << tags.error().message;
    EXPECT_EQ(*tags, (std::vector<std::string>{"123456789abc"}));
    tags = fixes_tags_of(*store_, kPort);
    ASSERT_TRUE(tags.has_value());
    EXPECT_TRUE(tags->empty());
}

TEST_F(CveRangesReads, PathsInDiffOrder) {
    auto paths = paths_changed_by(*store_, kFix);
    ASSERT_TRUE(paths.has_value()) << paths.error().message;
    EXPECT_EQ(*paths, (std::vector<std::string>{"b.c", "a.c"}));
}

}  // namespace
}  // namespace stablepick::store
