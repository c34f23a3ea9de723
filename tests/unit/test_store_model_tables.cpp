#include <gtest/gtest.h>

#include "stablepick/store/model_tables.hpp"
#include "stablepick/util/compress.hpp"
#include "support/fixture_repo.hpp"
#include "support/test_store.hpp"

namespace stablepick::store {
namespace {

using testing::TempDir;

class ModelTables : public ::testing::Test {
  protected:
    void SetUp() override {
        auto location = testing::test_store(dir_.path());
        SKIP_WITHOUT_TEST_STORE(location);
        auto s = Store::open(location, Store::Mode::kWrite);
        ASSERT_TRUE(s.has_value()) << s.error().message;
        store_.emplace(std::move(*s));
        auto main = store_->ensure_branch("main", BranchKind::kMain);
        ASSERT_TRUE(main.has_value());
        Commit c;
        c.id = std::string(40, 'a');
        c.subject = "net: fix a leak";
        c.body = "The rx path leaks.";
        c.commit_time = 100;
        c.parent_count = 1;
        c.files.push_back({"net/a.c", "", 'M', 1, 1, false, false});
        c.files.push_back({"net/b.c", "", 'M', 1, 0, false, false});
        c.hunks.push_back({"net/a.c", "static int rx(void)"});
        auto row = store_->insert_commit(c, util::zstd_compress("diff text"));
        ASSERT_TRUE(row.has_value());
        row_ = *row;
        ASSERT_TRUE(store_->add_to_branch(*main, row_));
        Commit merge = c;
        merge.id = std::string(40, 'b');
        merge.parent_count = 2;
        merge.files.clear();
        merge.hunks.clear();
        ASSERT_TRUE(store_->insert_commit(merge, "").has_value());
    }
    TempDir dir_;
    std::optional<Store> store_;
    int64_t row_ = 0;
};

TEST_F(ModelTables, ModelsRoundTrip) {
    auto none = model_blob(*store_, "m");
    ASSERT_TRUE(none.has_value());
    EXPECT_FALSE(*none);
    ASSERT_TRUE(put_model(*store_, {.id = "m",
                                    .kind = "builtin",
                                    .trained_on = 1,
                                    .dimension = 2,
                                    .blob = std::string("a\0b", 3)}));
    ASSERT_TRUE(put_model(*store_, {.id = "m",
                                    .kind = "builtin",
                                    .trained_on = 2,
                                    .dimension = 2,
                                    .blob = std::string("c\0d", 3)}));  // replaces it
    auto blob = model_blob(*store_, "m");
    ASSERT_TRUE(blob.has_value() && *blob);
    EXPECT_EQ(**blob, std::string("c\0d", 3));
}

TEST_F(ModelTables, CommitTextAndRows) {
    auto t = stored_commit_text(*store_, row_);
    ASSERT_TRUE(t.has_value()) << t.error().message;
    EXPECT_EQ(t->subject, "net: fix a leak");
    EXPECT_EQ(t->body, "The rx path leaks.");
    ASSERT_TRUE(t->compressed_diff);
    EXPECT_EQ(util::zstd_decompress(*t->compressed_diff).value_or(""), "diff text");
    EXPECT_EQ(t->paths, (std::vector<std::string>{"net/a.c", "net/b.c"}));
    EXPECT_EQ(t->hunk_headers, std::vector<std::string>{"static int rx(void)"});
    auto missing = stored_commit_text(*store_, 999);
    ASSERT_FALSE(missing.has_value());
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

    EXPECT_EQ(main_commit_rows_before(*store_, 101).value(), std::vector<int64_t>{row_});
    EXPECT_TRUE(main_commit_rows_before(*store_, 100).value().empty());
    EXPECT_EQ(newest_commit_row(*store_).value(), row_);  // the merge is not counted
    EXPECT_EQ(commits_stored_after(*store_, 0).value(), 1);
    EXPECT_EQ(commits_stored_after(*store_, row_).value(), 0);
}

}  // namespace
}  // namespace stablepick::store
