#include <gtest/gtest.h>

#include "stablepick/store/vector_reads.hpp"
#include "stablepick/store/vector_writes.hpp"
#include "support/fixture_repo.hpp"
#include "support/test_store.hpp"

namespace stablepick::store {
namespace {

using testing::TempDir;

const std::string kOld(40, 'a'), kMid(40, 'b'), kNew(40, 'c'), kStable(40, 'd'), kMerge(40, 'e');

// Three main commits to one file (the middle one backported), a stable commit and a merge;
// vectors of a two-float server model for all but the merge and the newest commit.
class VectorReads : public ::testing::Test {
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
        old_ = add(kOld, 100, "mm/a.c");
        mid_ = add(kMid, 200, "mm/a.c");
        new_ = add(kNew, 300, "mm/a.c");
        stable_ = add(kStable, 250, "mm/a.c");
        merge_ = add(kMerge, 400, "", 2);
        for (int64_t row : {old_, mid_, new_, merge_})
            ASSERT_TRUE(store_->add_to_branch(*main, row));
        ASSERT_TRUE(store_->add_to_branch(*stable, stable_));
        ASSERT_TRUE(store_->add_label({kMid, "linux-5.4.y", kStable, 250, "marker", ""}));
        ASSERT_TRUE(add_server_model(*store_, "m", 2));
        std::vector<int64_t> rows{old_, mid_, stable_};
        ASSERT_TRUE(put_vectors(*store_, "m", rows, {{1, 0}, {0, 1}, {1, 1}}));
    }
    int64_t add(const std::string& id, int64_t t, const std::string& path, int parents = 1) {
        Commit c;
        c.id = id;
        c.subject = "commit " + id.substr(0, 1);
        c.commit_time = t;
        c.parent_count = parents;
        if (!path.empty()) c.files.push_back({path, "", 'M', 1, 1, false, false});
        auto row = store_->insert_commit(c, "");
        EXPECT_TRUE(row.has_value());
        return row.value_or(0);
    }
    TempDir dir_;
    std::optional<Store> store_;
    int64_t old_ = 0, mid_ = 0, new_ = 0, stable_ = 0, merge_ = 0;
};

TEST_F(VectorReads, MainAndBackportedRows) {
    auto main = main_branch_rows(*store_);
    ASSERT_TRUE(main.has_value()) << main.error().message;
    EXPECT_EQ(*main, (std::unordered_set<int64_t>{old_, mid_, new_, merge_}));
    auto backported = backported_rows(*store_, "");
    ASSERT_TRUE(backported.has_value());
    EXPECT_EQ(*backported, std::unordered_set<int64_t>{mid_});
    backported = backported_rows(*store_, "linux-6.1.y");
    ASSERT_TRUE(backported.has_value());
    EXPECT_TRUE(backported->empty());
}

TEST_F(VectorReads, EarlierCommitsToAFileNewestFirst) {
    auto rows = commits_changing_before(*store_, "mm/a.c", 300, 200);
    ASSERT_TRUE(rows.has_value());
    EXPECT_EQ(*rows, (std::vector<int64_t>{stable_, mid_, old_}));
    rows = commits_changing_before(*store_, "mm/a.c", 300, 1);
    ASSERT_TRUE(rows.has_value());
    EXPECT_EQ(*rows, std::vector<int64_t>{stable_});
}

TEST_F(VectorReads, VectorsBeforeADateOfTheRowsAsked) {
    std::unordered_set<int64_t> main{old_, mid_, new_};
    std::vector<std::pair<int64_t, std::vector<float>>> seen;
    auto each = [&](int64_t row, std::span<const float> v) {
        seen.push_back({row, std::vector<float>(v.begin(), v.end())});
    };
    ASSERT_TRUE(for_each_vector(*store_, {"m", 2, 300, kOld, &main}, each));
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].first, mid_);
    EXPECT_EQ(seen[0].second, (std::vector<float>{0, 1}));
    seen.clear();
    ASSERT_TRUE(for_each_vector(*store_, {"m", 2, INT64_MAX, "", nullptr}, each));
    EXPECT_EQ(seen.size(), 3u);

    auto some = vectors_of(*store_, "m", 2, {new_, stable_, old_});
    ASSERT_TRUE(some.has_value());
    ASSERT_EQ(some->size(), 2u);
    EXPECT_EQ((*some)[0].row, stable_);
    EXPECT_EQ((*some)[0].vector, (std::vector<float>{1, 1}));
    EXPECT_EQ((*some)[1].row, old_);
}

TEST_F(VectorReads, AVectorOfTheWrongSizeIsCorrupt) {
    std::vector<int64_t> rows{new_};
    ASSERT_TRUE(put_vectors(*store_, "m", rows, {{1, 2, 3}}));
    auto st = for_each_vector(*store_, {"m", 2, INT64_MAX, "", nullptr},
                              [](int64_t, std::span<const float>) {});
    ASSERT_FALSE(st.has_value());
    EXPECT_EQ(st.error().code, ErrorCode::kCorrupt);
    EXPECT_NE(st.error().message.find("has 12 bytes, not 8"), std::string::npos);
    auto some = vectors_of(*store_, "m", 2, {new_, old_});
    ASSERT_TRUE(some.has_value());
    ASSERT_EQ(some->size(), 1u);
    EXPECT_EQ((*some)[0].row, old_);
}

TEST_F(VectorReads, CoverageAndDimensionOfAModel) {
    auto coverage = vector_coverage(*store_, "m");
    ASSERT_TRUE(coverage.has_value());
    EXPECT_EQ(coverage->with_vector, 3);
    EXPECT_EQ(coverage->missing, std::vector<int64_t>{new_});  // the merge is never embedded
    coverage = vector_coverage(*store_, "other");
    ASSERT_TRUE(coverage.has_value());
    EXPECT_EQ(coverage->with_vector, 0);
    EXPECT_EQ(coverage->missing.size(), 4u);

    auto dimension = model_dimension(*store_, "m");
    ASSERT_TRUE(dimension.has_value());
    EXPECT_EQ(*dimension, 2);
    ASSERT_TRUE(add_server_model(*store_, "m", 7));  // kept as it was
    dimension = model_dimension(*store_, "m");
    ASSERT_TRUE(dimension.has_value());
    EXPECT_EQ(*dimension, 2);
    dimension = model_dimension(*store_, "other");
    ASSERT_TRUE(dimension.has_value());
    EXPECT_EQ(*dimension, std::nullopt);
}

TEST_F(VectorReads, VectorsAlreadyStoredAreKept) {
    std::vector<int64_t> rows{old_};
    ASSERT_TRUE(put_vectors(*store_, "m", rows, {{5, 5}}));
    auto v = vectors_of(*store_, "m", 2, {old_});
    ASSERT_TRUE(v.has_value());
    ASSERT_EQ(v->size(), 1u);
    EXPECT_EQ((*v)[0].vector, (std::vector<float>{1, 0}));
}

}  // namespace
}  // namespace stablepick::store
