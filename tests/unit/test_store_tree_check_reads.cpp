#include <gtest/gtest.h>

#include <algorithm>

#include "stablepick/store/label_reads.hpp"
#include "stablepick/store/tree_check_reads.hpp"
#include "support/fixture_repo.hpp"
#include "support/test_store.hpp"

namespace stablepick::store {
namespace {

using testing::TempDir;

std::string id(char c) {
    return std::string(40, c);
}

class TreeCheckReads : public ::testing::Test {
  protected:
    void SetUp() override {
        auto location = testing::test_store(dir_.path());
        SKIP_WITHOUT_TEST_STORE(location);
        auto s = Store::open(location, Store::Mode::kWrite);
        ASSERT_TRUE(s.has_value()) << s.error().message;
        store_.emplace(std::move(*s));
    }
    int64_t add(char c, const std::string& subject, int64_t time,
                std::optional<std::string> revert_of = std::nullopt) {
        Commit commit;
        commit.id = id(c);
        commit.subject = subject;
        commit.commit_time = time;
        commit.revert_of = std::move(revert_of);
        commit.is_revert = commit.revert_of.has_value();
        auto row = store_->insert_commit(commit, "");
        EXPECT_TRUE(row.has_value());
        return row.value_or(0);
    }
    TempDir dir_;
    std::optional<Store> store_;
};

TEST_F(TreeCheckReads, EveryRevertWithTheIdItNames) {
    add('a', "fix", 100);
    add('b', "Revert \"fix\"", 200, id('a').substr(0, 12));
    add('c', "Revert \"other\"", 300, id('e'));
    std::vector<std::pair<std::string, std::string>> reverts;
    ASSERT_TRUE(for_each_revert(*store_, [&](const std::string& revert, const std::string& of) {
        reverts.emplace_back(revert, of);
    }));
    std::ranges::sort(reverts);
    EXPECT_EQ(reverts, (std::vector<std::pair<std::string, std::string>>{
                           {id('b'), id('a').substr(0, 12)}, {id('c'), id('e')}}));
}

TEST_F(TreeCheckReads, TheBackportByMarkerFirstElseTheEarliest) {
    ASSERT_TRUE(store_->add_label({id('a'), "v1", id('b'), 300, "marker", ""}));
    ASSERT_TRUE(store_->add_label({id('a'), "v1", id('c'), 200, "patch-id", ""}));
    ASSERT_TRUE(store_->add_label({id('a'), "v2", id('d'), 400, "patch-id", ""}));
    ASSERT_TRUE(store_->add_label({id('a'), "v2", id('e'), 350, "patch-id", ""}));
    ASSERT_TRUE(store_->add_label({id('f'), "v2", "", 0, "changelog", ""}));
    auto copy = first_backport_to(*store_, id('a'), "v1");
    ASSERT_TRUE(copy.has_value()) << copy.error().message;
    ASSERT_TRUE(copy->has_value());
    EXPECT_EQ((*copy)->method, "marker");
    EXPECT_EQ((*copy)->stable_id, id('b'));
    copy = first_backport_to(*store_, id('a'), "v2");
    ASSERT_TRUE(copy.has_value() && copy->has_value());
    EXPECT_EQ((*copy)->stable_id, id('e'));
    copy = first_backport_to(*store_, id('f'), "v2");
    ASSERT_TRUE(copy.has_value() && copy->has_value());
    EXPECT_EQ((*copy)->method, "changelog");
    EXPECT_EQ((*copy)->stable_id, "");
    copy = first_backport_to(*store_, id('a'), "v3");
    ASSERT_TRUE(copy.has_value());
    EXPECT_FALSE(copy->has_value());
}

TEST_F(TreeCheckReads, WhatTheSameMergeBroughtOldestFirst) {
    auto a = add('a', "one", 300), b = add('b', "two", 100), c = add('c', "three", 200),
         d = add('d', "other", 150);
    add('e', "unmerged", 50);
    ASSERT_TRUE(store_->begin());
    ASSERT_TRUE(put_merged_by(*store_, {{a, "m1"}, {b, "m1"}, {c, "m1"}, {d, "m2"}}, true));
    ASSERT_TRUE(store_->commit());
    auto merged = merged_along_with(*store_, id('a'), 10);
    ASSERT_TRUE(merged.has_value()) << merged.error().message;
    ASSERT_EQ(merged->size(), 3u);
    EXPECT_EQ((*merged)[0].id, id('b'));
    EXPECT_EQ((*merged)[0].subject, "two");
    EXPECT_EQ((*merged)[1].id, id('c'));
    EXPECT_EQ((*merged)[2].id, id('a'));
    merged = merged_along_with(*store_, id('a'), 2);
    ASSERT_TRUE(merged.has_value());
    EXPECT_EQ(merged->size(), 2u);
    merged = merged_along_with(*store_, id('e'), 10);
    ASSERT_TRUE(merged.has_value());
    EXPECT_TRUE(merged->empty());
}

}  // namespace
}  // namespace stablepick::store
