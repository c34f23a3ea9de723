#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "stablepick/store/label_reads.hpp"
#include "stablepick/store/sql.hpp"
#include "support/fixture_repo.hpp"
#include "support/test_store.hpp"

namespace stablepick::store {
namespace {

using testing::TempDir;

const std::string kMain(40, 'a'), kOther(40, 'b'), kStable(40, 'c');

// Two main commits (one with a patch id and two files), and a commit only two stable branches
// hold, with a marker naming the first main commit.
class LabelReads : public ::testing::Test {
  protected:
    void SetUp() override {
        auto location = testing::test_store(dir_.path());
        SKIP_WITHOUT_TEST_STORE(location);
        auto s = Store::open(location, Store::Mode::kWrite);
        ASSERT_TRUE(s.has_value()) << s.error().message;
        store_.emplace(std::move(*s));
        auto main = store_->ensure_branch("main", BranchKind::kMain);
        auto v1 = store_->ensure_branch("v1-stable", BranchKind::kStable);
        auto v2 = store_->ensure_branch("v2-stable", BranchKind::kStable);
        ASSERT_TRUE(main && v1 && v2);
        Commit a;
        a.id = kMain;
        a.subject = "net: fix";
        a.commit_time = 100;
        a.parent_count = 1;
        a.patch_id = "p1";
        a.files = {{"a.c", "", 'M', 3, 1, false, false}, {"b.c", "", 'M', 2, 0, false, false}};
        main_row_ = store_->insert_commit(a, "").value_or(0);
        Commit b = a;
        b.id = kOther;
        b.patch_id.clear();
        b.files.clear();
        other_row_ = store_->insert_commit(b, "").value_or(0);
        Commit c = a;
        c.id = kStable;
        c.commit_time = 200;
        c.markers = {{kMain.substr(0, 12), "cherry picked from commit"}};
        stable_row_ = store_->insert_commit(c, "").value_or(0);
        ASSERT_TRUE(store_->add_to_branch(*main, main_row_));
        ASSERT_TRUE(store_->add_to_branch(*main, other_row_));
        ASSERT_TRUE(store_->add_to_branch(*v1, stable_row_));
        ASSERT_TRUE(store_->add_to_branch(*v2, stable_row_));
    }
    TempDir dir_;
    std::optional<Store> store_;
    int64_t main_row_ = 0, other_row_ = 0, stable_row_ = 0;
};

TEST_F(LabelReads, MainStableAndMarkers) {
    std::map<std::string, std::string> patch_of;
    ASSERT_TRUE(
        for_each_main_patch(*store_, [&](MainPatchRow& r) { patch_of[r.id] = r.patch_id; }));
    EXPECT_EQ(patch_of, (std::map<std::string, std::string>{{kMain, "p1"}, {kOther, ""}}));
    std::vector<std::string> branches;
    ASSERT_TRUE(for_each_stable_only(*store_, [&](StableOnlyRow& r) {
        EXPECT_EQ(r.id, kStable);
        EXPECT_EQ(r.row, stable_row_);
        branches.push_back(r.branch);
    }));
    std::ranges::sort(branches);
    EXPECT_EQ(branches, (std::vector<std::string>{"v1-stable", "v2-stable"}));
    std::vector<std::pair<int64_t, std::string>> markers;
    ASSERT_TRUE(for_each_marker(
        *store_, [&](int64_t row, std::string ref) { markers.emplace_back(row, std::move(ref)); }));
    ASSERT_EQ(markers.size(), 1u);
    EXPECT_EQ(markers[0], std::make_pair(stable_row_, kMain.substr(0, 12)));
}

TEST_F(LabelReads, CandidateSize) {
    auto reader = CommitSizeReader::open(*store_);
    ASSERT_TRUE(reader.has_value());
    auto size = reader->read(main_row_);
    ASSERT_TRUE(size.has_value());
    EXPECT_EQ(size->subject, "net: fix");
    EXPECT_EQ(size->lines, 6);
    EXPECT_EQ(reader->read(main_row_)->lines, 6);  // the query is used again
    auto none = reader->read(9999);
    ASSERT_TRUE(none.has_value());
    EXPECT_TRUE(none->subject.empty());
    EXPECT_EQ(none->lines, 0);
}

TEST_F(LabelReads, MergedByReplacedOrAdded) {
    auto count = [&] {
        auto q =
            stablepick::store::connection_of(*store_).prepare("SELECT COUNT(*) FROM merged_by");
        EXPECT_TRUE(q && *q->step());
        return q->int64(0);
    };
    ASSERT_TRUE(store_->begin());
    ASSERT_TRUE(put_merged_by(*store_, {{main_row_, "m1"}, {other_row_, "m1"}}, true));
    ASSERT_TRUE(store_->commit());
    EXPECT_EQ(count(), 2);
    ASSERT_TRUE(store_->begin());
    ASSERT_TRUE(put_merged_by(*store_, {{stable_row_, "m2"}}, false));  // added
    ASSERT_TRUE(store_->commit());
    EXPECT_EQ(count(), 3);
    ASSERT_TRUE(store_->begin());
    ASSERT_TRUE(put_merged_by(*store_, {{main_row_, "m3"}}, true));  // made anew
    ASSERT_TRUE(store_->commit());
    EXPECT_EQ(count(), 1);
}

}  // namespace
}  // namespace stablepick::store
