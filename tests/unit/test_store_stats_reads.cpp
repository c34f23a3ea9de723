#include <gtest/gtest.h>

#include "stablepick/store/stats_reads.hpp"
#include "support/fixture_repo.hpp"
#include "support/test_store.hpp"

namespace stablepick::store {
namespace {

using testing::TempDir;

constexpr int64_t k2019June = 1559347200;   // 2019-06-01
constexpr int64_t k2019July = 1561939200;   // 2019-07-01
constexpr int64_t k2020 = 1577836800;       // 2020-01-01
constexpr int64_t k2020March = 1583020800;  // 2020-03-01
constexpr int64_t k2020April = 1585699200;  // 2020-04-01
constexpr int64_t k2020July = 1593561600;   // 2020-07-01

const std::string kMain1(40, 'a'), kMain2(40, 'b'), kMain3(40, 'c');
const std::string kStable1(40, 'd'), kStable2(40, 'e');

// Three main commits (2019, 2020, 2020), two of them backported to one stable branch: the
// first by a marker, the second by patch id under another subject.
class StatsReads : public ::testing::Test {
  protected:
    void SetUp() override {
        auto location = testing::test_store(dir_.path());
        SKIP_WITHOUT_TEST_STORE(location);
        auto s = Store::open(location, Store::Mode::kWrite);
        ASSERT_TRUE(s.has_value()) << s.error().message;
        store_.emplace(std::move(*s));
        auto main = store_->ensure_branch("master", BranchKind::kMain);
        auto stable = store_->ensure_branch("linux-5.4.y", BranchKind::kStable);
        ASSERT_TRUE(main && stable);
        int64_t m1 = add(kMain1, "mm: fix the leak", k2019June);
        int64_t m2 = add(kMain2, "net: fix the race", k2020March);
        int64_t m3 = add(kMain3, "fs: add a thing", k2020July, true);
        for (int64_t row : {m1, m2, m3}) ASSERT_TRUE(store_->add_to_branch(*main, row));
        for (int64_t row : {add(kStable1, "mm: fix the leak", k2019July),
                            add(kStable2, "net: fix a race", k2020April)})
            ASSERT_TRUE(store_->add_to_branch(*stable, row));
        ASSERT_TRUE(store_->set_branch_tip("master", kMain3));
        ASSERT_TRUE(store_->add_label({kMain1, "linux-5.4.y", kStable1, k2019July, "marker", ""}));
        ASSERT_TRUE(
            store_->add_label({kMain2, "linux-5.4.y", kStable2, k2020April, "patch-id", "5.4.30"}));
        ASSERT_TRUE(store_->add_skip(m3, "drivers/a.bin", "blob missing"));
        ASSERT_TRUE(store_->add_skip(m2, "drivers/a.bin", "blob missing"));
        ASSERT_TRUE(store_->add_skip(m2, "b.bin", "blob missing"));
    }
    int64_t add(const std::string& id, const std::string& subject, int64_t t,
                bool truncated = false) {
        Commit c;
        c.id = id;
        c.subject = subject;
        c.commit_time = t;
        c.diff_truncated = truncated;
        auto row = store_->insert_commit(c, "");
        EXPECT_TRUE(row.has_value());
        return row.value_or(0);
    }
    TempDir dir_;
    std::optional<Store> store_;
};

TEST_F(StatsReads, BranchesWithTheirCommitsMainFirst) {
    auto b = branch_counts(*store_);
    ASSERT_TRUE(b.has_value()) << b.error().message;
    ASSERT_EQ(b->size(), 2u);
    EXPECT_EQ((*b)[0].name, "master");
    EXPECT_EQ((*b)[0].kind, "main");
    EXPECT_EQ((*b)[0].tip, kMain3);
    EXPECT_EQ((*b)[0].commits, 3);
    EXPECT_EQ((*b)[1].name, "linux-5.4.y");
    EXPECT_EQ((*b)[1].kind, "stable");
    EXPECT_EQ((*b)[1].tip, std::nullopt);
    EXPECT_EQ((*b)[1].commits, 2);
}

TEST_F(StatsReads, LabelCountsAsTheyStoodOnADate) {
    auto all = label_counts_by_branch(*store_, INT64_MAX);
    ASSERT_TRUE(all.has_value());
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ((*all)[0].method, "marker");
    EXPECT_EQ((*all)[1].method, "patch-id");
    EXPECT_EQ((*all)[1].branch, "linux-5.4.y");
    EXPECT_EQ((*all)[1].stable_commits, 1);
    EXPECT_EQ((*all)[1].main_commits, 1);
    auto early = label_counts_by_branch(*store_, k2020);
    ASSERT_TRUE(early.has_value());
    ASSERT_EQ(early->size(), 1u);
    EXPECT_EQ((*early)[0].method, "marker");

    auto methods = label_counts_by_method(*store_, INT64_MAX);
    ASSERT_TRUE(methods.has_value());
    ASSERT_EQ(methods->size(), 2u);
    EXPECT_EQ((*methods)[1].method, "patch-id");
    EXPECT_EQ((*methods)[1].labels, 1);

    auto backported = backported_count(*store_, INT64_MAX);
    ASSERT_TRUE(backported.has_value());
    EXPECT_EQ(backported->main_commits, 2);
    EXPECT_EQ(backported->only_by_patch_id, 1);
    backported = backported_count(*store_, k2020);
    ASSERT_TRUE(backported.has_value());
    EXPECT_EQ(backported->main_commits, 1);
    EXPECT_EQ(backported->only_by_patch_id, 0);
}

TEST_F(StatsReads, MainCommitsPerYear) {
    auto years = main_commits_by_year(*store_, INT64_MAX);
    ASSERT_TRUE(years.has_value());
    ASSERT_EQ(years->size(), 2u);
    EXPECT_EQ((*years)[0].year, "2019");
    EXPECT_EQ((*years)[0].main_commits, 1);
    EXPECT_EQ((*years)[0].backported, 1);
    EXPECT_EQ((*years)[1].year, "2020");
    EXPECT_EQ((*years)[1].main_commits, 2);
    EXPECT_EQ((*years)[1].backported, 1);
    // Before the second backport: the 2020 commits made by then, none backported yet.
    years = main_commits_by_year(*store_, k2020March);
    ASSERT_TRUE(years.has_value());
    ASSERT_EQ(years->size(), 2u);
    EXPECT_EQ((*years)[1].main_commits, 1);
    EXPECT_EQ((*years)[1].backported, 0);
}

TEST_F(StatsReads, SkipsAndCommits) {
    auto skips = skip_counts(*store_, 1);
    ASSERT_TRUE(skips.has_value());
    EXPECT_EQ(skips->commits, 2);
    EXPECT_EQ(skips->files, 3);
    ASSERT_EQ(skips->paths.size(), 1u);
    EXPECT_EQ(skips->paths[0].path, "drivers/a.bin");
    EXPECT_EQ(skips->paths[0].commits, 2);
    auto commits = commit_count(*store_);
    ASSERT_TRUE(commits.has_value());
    EXPECT_EQ(commits->commits, 5);
    EXPECT_EQ(commits->diffs_truncated, 1);
}

TEST_F(StatsReads, LabelsByPrefixBranchMethodAndDifferingSubjects) {
    auto all = labels_matching(*store_, {});
    ASSERT_TRUE(all.has_value()) << all.error().message;
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ((*all)[0].label.main_id, kMain1);
    EXPECT_EQ((*all)[1].label.stable_id, kStable2);
    EXPECT_EQ((*all)[1].label.stable_time, k2020April);
    EXPECT_EQ((*all)[1].label.release, "5.4.30");
    EXPECT_EQ((*all)[1].main_subject, "net: fix the race");
    EXPECT_EQ((*all)[1].stable_subject, "net: fix a race");

    LabelFilter f;
    f.prefix = "bbb";
    auto one = labels_matching(*store_, f);
    ASSERT_TRUE(one.has_value());
    ASSERT_EQ(one->size(), 1u);
    EXPECT_EQ((*one)[0].label.main_id, kMain2);

    f = {};
    f.subjects_differ = true;
    auto differ = labels_matching(*store_, f);
    ASSERT_TRUE(differ.has_value());
    ASSERT_EQ(differ->size(), 1u);
    EXPECT_EQ((*differ)[0].label.method, "patch-id");

    f = {};
    f.method = "marker";
    f.as_of = k2020;
    auto marker = labels_matching(*store_, f);
    ASSERT_TRUE(marker.has_value());
    ASSERT_EQ(marker->size(), 1u);
    f.branch = "linux-6.1.y";
    auto none = labels_matching(*store_, f);
    ASSERT_TRUE(none.has_value());
    EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace stablepick::store
