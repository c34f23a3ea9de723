#include <fmt/format.h>
#include <gtest/gtest.h>

#include "stablepick/store/store.hpp"
#include "support/fixture_repo.hpp"

namespace stablepick {
namespace {

using testing::TempDir;

TEST(Store, ReadingAnOlderStoreUpgradesIt) {
    TempDir dir;
    auto path = dir.path() / "s.sqlite";
    {
        auto store = Store::open(path, Store::Mode::kWrite);
        ASSERT_TRUE(store.has_value());
        // Make it look like a store written before migration 2.
        ASSERT_TRUE(store->db()
                        .exec("DROP TABLE embeddings; DROP TABLE models; DROP TABLE llm_cache; "
                              "DROP TABLE reviews; "
                              "DROP TABLE decisions; DROP TABLE cves; DROP TABLE cve_status; DROP "
                              "TABLE cve_ranges; "
                              "DROP TABLE cve_vulnerable; "
                              "PRAGMA user_version = 1")
                        .has_value());
    }
    auto read = Store::open(path, Store::Mode::kRead);
    ASSERT_TRUE(read.has_value()) << read.error().message;
    for (auto* table : {"embeddings", "llm_cache"}) {
        auto q = read->db().prepare(fmt::format("SELECT COUNT(*) FROM {}", table));
        EXPECT_TRUE(q.has_value()) << table;
    }
}

// "Was this commit reverted?" once read every commit and its diff: cve classify took 22 s for
// 1,000 kernel commits. The lookup must use the index.
TEST(Store, RevertLookupUsesAnIndex) {
    TempDir dir;
    auto store = Store::open(dir.path() / "s.sqlite", Store::Mode::kWrite);
    ASSERT_TRUE(store.has_value());
    auto q = store->db().prepare(
        "EXPLAIN QUERY PLAN SELECT sha FROM commits WHERE revert_of = 'x' AND is_revert = 1");
    ASSERT_TRUE(q.has_value());
    std::string plan;
    while (true) {
        auto row = q->step();
        ASSERT_TRUE(row.has_value());
        if (!*row) break;
        plan += q->text(3);
    }
    EXPECT_NE(plan.find("commits_revert_of"), std::string::npos) << plan;
}

TEST(Store, NewerSchemaIsRefused) {
    TempDir dir;
    auto path = dir.path() / "s.sqlite";
    {
        auto store = Store::open(path, Store::Mode::kWrite);
        ASSERT_TRUE(store->db().exec("PRAGMA user_version = 99").has_value());
    }
    auto read = Store::open(path, Store::Mode::kRead);
    ASSERT_FALSE(read.has_value());
    EXPECT_EQ(read.error().code, ErrorCode::kCorrupt);
    EXPECT_NE(read.error().message.find("upgrade stablepick"), std::string::npos);
    auto write = Store::open(path, Store::Mode::kWrite);
    ASSERT_FALSE(write.has_value());
}

TEST(Store, GarbageFileIsCorrupt) {
    TempDir dir;
    auto path = dir.path() / "s.sqlite";
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fputs("this is not a database, just some text that is long enough to be a header......",
               f);
    std::fclose(f);
    auto read = Store::open(path, Store::Mode::kRead);
    ASSERT_FALSE(read.has_value());
    EXPECT_EQ(read.error().code, ErrorCode::kCorrupt) << read.error().message;
}

}  // namespace
}  // namespace stablepick
