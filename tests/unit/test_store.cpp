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

// A damaged schema was once an out-of-bounds read (a negative version), or an I/O error (exit
// 7) from whichever command first met it: it is damage (exit 6), said with the store's name.
TEST(Store, DamagedSchemaIsCorrupt) {
    struct Case {
        const char* damage;
        const char* says;
    };
    for (auto [damage, says] : {
             Case{"PRAGMA user_version = -1", "schema version is -1"},
             Case{"PRAGMA user_version = -2147483648", "schema version is -2147483648"},
             Case{"PRAGMA user_version = 0", "no schema version"},
             Case{"PRAGMA user_version = 1", "its tables are not"},
             Case{"DROP TABLE decisions", "missing (decisions)"},
             Case{"DROP INDEX commits_time", "missing (commits_time)"},
         }) {
        TempDir dir;
        auto path = dir.path() / "s.sqlite";
        {
            auto store = Store::open(path, Store::Mode::kWrite);
            ASSERT_TRUE(store.has_value());
            ASSERT_TRUE(store->db().exec(damage).has_value()) << damage;
        }
        for (auto mode : {Store::Mode::kRead, Store::Mode::kWrite}) {
            auto opened = Store::open(path, mode);
            ASSERT_FALSE(opened.has_value()) << damage;
            EXPECT_EQ(opened.error().code, ErrorCode::kCorrupt)
                << damage << ": " << opened.error().message;
            EXPECT_NE(opened.error().message.find(path.string()), std::string::npos)
                << opened.error().message;
            EXPECT_NE(opened.error().message.find(says), std::string::npos)
                << damage << ": " << opened.error().message;
        }
    }
}

TEST(Store, AWholeStoreOpensAgain) {
    TempDir dir;
    auto path = dir.path() / "s.sqlite";
    ASSERT_TRUE(Store::open(path, Store::Mode::kWrite).has_value());
    auto write = Store::open(path, Store::Mode::kWrite);
    ASSERT_TRUE(write.has_value()) << write.error().message;
    write = Store::open(dir.path() / "unused.sqlite", Store::Mode::kWrite);  // frees the lock
    auto read = Store::open(path, Store::Mode::kRead);
    EXPECT_TRUE(read.has_value()) << read.error().message;
}

}  // namespace
}  // namespace stablepick
