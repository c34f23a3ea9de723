#include <gtest/gtest.h>

#include "stablepick/store/commit_reads.hpp"
#include "stablepick/util/compress.hpp"
#include "support/fixture_repo.hpp"
#include "support/test_store.hpp"

namespace stablepick::store {
namespace {

using testing::TempDir;

const std::string kFix(40, 'a'), kOther(40, 'b'), kStable(40, 'c');

// Two main commits, one with a stored diff, the first backported to two stable branches.
class CommitReads : public ::testing::Test {
  protected:
    void SetUp() override {
        auto location = testing::test_store(dir_.path());
        SKIP_WITHOUT_TEST_STORE(location);
        auto s = Store::open(location, Store::Mode::kWrite);
        ASSERT_TRUE(s.has_value()) << s.error().message;
        store_.emplace(std::move(*s));
        Commit c;
        c.id = kFix;
        c.subject = "mm: fix the leak";
        c.body = "The leak is gone.\n\nSigned-off-by: A <a@example.org>\n";
        c.author_name = "Ann Author";
        c.author_email = "ann@example.org";
        auto row = store_->insert_commit(c, util::zstd_compress("diff --git a/x b/x\n"));
        ASSERT_TRUE(row.has_value()) << row.error().message;
        fix_ = *row;
        c.id = kOther;
        c.body = "Another.\n";
        row = store_->insert_commit(c, "");
        ASSERT_TRUE(row.has_value());
        other_ = *row;
        ASSERT_TRUE(store_->add_label({kFix, "linux-6.1.y", kStable, 10, "marker", ""}));
        ASSERT_TRUE(store_->add_label({kFix, "linux-5.4.y", "", 0, "changelog", ""}));
    }
    TempDir dir_;
    std::optional<Store> store_;
    int64_t fix_ = 0, other_ = 0;
};

TEST_F(CommitReads, TextOfACommitWithItsDiffWhenAsked) {
    auto text = commit_text_of(*store_, fix_, true);
    ASSERT_TRUE(text.has_value()) << text.error().message;
    ASSERT_TRUE(text->has_value());
    EXPECT_EQ((*text)->body, "The leak is gone.\n\nSigned-off-by: A <a@example.org>\n");
    EXPECT_EQ((*text)->author_name, "Ann Author");
    EXPECT_EQ((*text)->author_email, "ann@example.org");
    ASSERT_TRUE((*text)->compressed_diff.has_value());
    EXPECT_EQ(util::zstd_decompress(*(*text)->compressed_diff), "diff --git a/x b/x\n");
    text = commit_text_of(*store_, fix_, false);
    ASSERT_TRUE(text.has_value() && text->has_value());
    EXPECT_FALSE((*text)->compressed_diff.has_value());
}

TEST_F(CommitReads, TextOfAnUnknownRowIsNone) {
    auto text = commit_text_of(*store_, fix_ + other_ + 100, true);
    ASSERT_TRUE(text.has_value()) << text.error().message;
    EXPECT_FALSE(text->has_value());
}

TEST_F(CommitReads, BackportBranchesByName) {
    auto branches = backport_branches_of(*store_, kFix);
    ASSERT_TRUE(branches.has_value()) << branches.error().message;
    EXPECT_EQ(*branches, (std::vector<std::string>{"linux-5.4.y", "linux-6.1.y"}));
    branches = backport_branches_of(*store_, kOther);
    ASSERT_TRUE(branches.has_value());
    EXPECT_TRUE(branches->empty());
}

TEST_F(CommitReads, CommitsOfAnyBranchByPrefix) {
    auto ids = commits_with_prefix(*store_, "aaaa", 2);
    ASSERT_TRUE(ids.has_value()) << ids.error().message;
    EXPECT_EQ(*ids, std::vector<std::string>{kFix});
    ids = commits_with_prefix(*store_, "", 2);
    ASSERT_TRUE(ids.has_value());
    EXPECT_EQ(ids->size(), 2u);
    ids = commits_with_prefix(*store_, "", 1);
    ASSERT_TRUE(ids.has_value());
    EXPECT_EQ(ids->size(), 1u);
    ids = commits_with_prefix(*store_, "ab", 2);
    ASSERT_TRUE(ids.has_value());
    EXPECT_TRUE(ids->empty());
}

}  // namespace
}  // namespace stablepick::store
