#include <gtest/gtest.h>

#include "stablepick/history/resolve.hpp"
#include "support/fixture_repo.hpp"
#include "support/test_store.hpp"

namespace stablepick {
namespace {

using testing::TempDir;

class ResolveInStore : public ::testing::Test {
  protected:
    void SetUp() override {
        auto location = testing::test_store(dir_.path());
        SKIP_WITHOUT_TEST_STORE(location);
        auto store = Store::open(location, Store::Mode::kWrite);
        ASSERT_TRUE(store.has_value());
        store_.emplace(std::move(*store));
        add("abcdef1111111111111111111111111111111111", "mm: fix the leak", 100);
        add("abcdef2222222222222222222222222222222222", "net: fix the race", 200);
        add("1234567890123456789012345678901234567890", "core: add a thing (really)", 300);
    }
    void add(const std::string& id, const std::string& subject, int64_t t) {
        Commit c;
        c.id = id;
        c.subject = subject;
        c.commit_time = t;
        ASSERT_TRUE(store_->insert_commit(c, "").has_value());
    }
    ResolveOutcome run(const std::string& text, const std::string& subject = "",
                       bool force = false) {
        auto q = parse_resolve_input(text, subject, force);
        EXPECT_TRUE(q.has_value());
        auto r = resolve_in_store(*store_, *q);
        EXPECT_TRUE(r.has_value());
        return *r;
    }
    TempDir dir_;
    std::optional<Store> store_;
};

TEST_F(ResolveInStore, UniquePrefix) {
    auto r = run("1234567");
    ASSERT_EQ(r.candidates.size(), 1u);
    EXPECT_EQ(r.candidates[0].id, "1234567890123456789012345678901234567890");
}

TEST_F(ResolveInStore, AmbiguousPrefixChosenBySubject) {
    EXPECT_EQ(run("abcdef").candidates.size(), 2u);
    auto r = run("abcdef", "net: fix the race");
    ASSERT_EQ(r.candidates.size(), 1u);
    EXPECT_EQ(r.candidates[0].subject, "net: fix the race");
}

TEST_F(ResolveInStore, FixesLineAsPasted) {
    auto r = run("Fixes: abcdef (\"mm: fix the leak\")");
    ASSERT_EQ(r.candidates.size(), 1u);
    EXPECT_EQ(r.candidates[0].id, "abcdef1111111111111111111111111111111111");
    auto nested = run("123456789012 (\"core: add a thing (really)\")");
    EXPECT_EQ(nested.candidates.size(), 1u);
}

TEST_F(ResolveInStore, WildcardSubject) {
    EXPECT_EQ(run("abcdef", "net: ... race").candidates.size(), 1u);
    EXPECT_EQ(run("abcdef", "...fix the...").candidates.size(), 2u);
    EXPECT_EQ(run("abcdef", "mm: fix...").candidates.size(), 1u);
}

TEST_F(ResolveInStore, WrongIdNeedsForceToSearchBySubject) {
    EXPECT_TRUE(run("deadbeef", "mm: fix the leak").candidates.empty());
    auto r = run("deadbeef", "mm: fix the leak", true);
    ASSERT_EQ(r.candidates.size(), 1u);
    EXPECT_TRUE(r.by_subject_only);
    auto wild = run("deadbeef", "net: fix...", true);
    ASSERT_EQ(wild.candidates.size(), 1u);
    EXPECT_EQ(wild.candidates[0].id, "abcdef2222222222222222222222222222222222");
}

TEST_F(ResolveInStore, NotFound) {
    EXPECT_TRUE(run("fedcba9").candidates.empty());
    auto q = parse_resolve_input("", "", false);
    EXPECT_FALSE(q.has_value());
}

TEST(SubjectMatches, Wildcards) {
    EXPECT_TRUE(subject_matches("a: b", "a: b"));
    EXPECT_TRUE(subject_matches("\"a: b\"", "a: b"));
    EXPECT_TRUE(subject_matches("a: ...", "a: anything"));
    EXPECT_TRUE(subject_matches("...thing", "a: anything"));
    EXPECT_FALSE(subject_matches("a: b", "a: c"));
    EXPECT_FALSE(subject_matches("x...y", "xy-z"));
}

}  // namespace
}  // namespace stablepick
