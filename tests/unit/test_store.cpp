#include <fmt/format.h>
#include <gtest/gtest.h>

#include "stablepick/store/sql.hpp"
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
        ASSERT_TRUE(stablepick::store::connection_of(*store)
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
        auto q = stablepick::store::connection_of(*read).prepare(
            fmt::format("SELECT COUNT(*) FROM {}", table));
        EXPECT_TRUE(q.has_value()) << table;
    }
}

// "Was this commit reverted?" once read every commit and its diff: cve classify took 22 s for
// 1,000 kernel commits. The lookup must use the index.
TEST(Store, RevertLookupUsesAnIndex) {
    TempDir dir;
    auto store = Store::open(dir.path() / "s.sqlite", Store::Mode::kWrite);
    ASSERT_TRUE(store.has_value());
    auto q = stablepick::store::connection_of(*store).prepare(
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
        ASSERT_TRUE(
            stablepick::store::connection_of(*store).exec("PRAGMA user_version = 99").has_value());
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
            ASSERT_TRUE(stablepick::store::connection_of(*store).exec(damage).has_value())
                << damage;
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

TEST(Store, OpensByUrlOrPath) {
    TempDir dir;
    auto path = dir.path() / "s.sqlite";
    std::string url = "sqlite:" + path.string();
    {
        auto store = Store::open(url, Store::Mode::kWrite);
        ASSERT_TRUE(store.has_value()) << store.error().message;
        EXPECT_EQ(store->url(), url);
        EXPECT_EQ(store->path(), path);
        ASSERT_TRUE(store->set_meta("k", "v").has_value());
    }
    auto by_path = Store::open(path, Store::Mode::kRead);
    ASSERT_TRUE(by_path.has_value()) << by_path.error().message;
    EXPECT_EQ(by_path->url(), url);
    auto again = Store::open(by_path->url(), Store::Mode::kRead);
    ASSERT_TRUE(again.has_value()) << again.error().message;
    auto value = again->meta("k");
    ASSERT_TRUE(value.has_value());
    EXPECT_EQ(*value, "v");
}

TEST(Store, AFileNameWithAColonIsAPath) {
    TempDir dir;
    auto path = dir.path() / "a:b.sqlite";
    auto store = Store::open(path, Store::Mode::kWrite);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(Store, AnUnknownSchemeIsRefusedNamingTheBackends) {
    TempDir dir;
    auto store = Store::open("mysql://127.0.0.1/stablepick", Store::Mode::kWrite);
    ASSERT_FALSE(store.has_value());
    EXPECT_EQ(store.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(store.error().message.find("unknown scheme 'mysql'"), std::string::npos)
        << store.error().message;
    EXPECT_NE(store.error().message.find("sqlite"), std::string::npos) << store.error().message;
    EXPECT_NE(store.error().message.find("postgresql://"), std::string::npos)
        << store.error().message;
    EXPECT_FALSE(std::filesystem::exists("mysql:"));
}

// "A commit on the main branch" is one view every read uses: a commit on a stable branch
// only, or on no branch, is not in it; one on both is.
TEST(Store, MainBranchCommitsAreTheMainBranchsMembers) {
    TempDir dir;
    auto store = Store::open(dir.path() / "s.sqlite", Store::Mode::kWrite);
    ASSERT_TRUE(store.has_value());
    auto main = store->ensure_branch("main", BranchKind::kMain);
    auto stable = store->ensure_branch("v1-stable", BranchKind::kStable);
    ASSERT_TRUE(main.has_value() && stable.has_value());
    std::vector<int64_t> rows;
    for (const char* id : {"aa", "bb", "cc", "dd"}) {
        Commit c;
        c.id = std::string(38, '0') + id;
        auto row = store->insert_commit(c, "");
        ASSERT_TRUE(row.has_value()) << row.error().message;
        rows.push_back(*row);
    }
    ASSERT_TRUE(store->add_to_branch(*main, rows[0]).has_value());
    ASSERT_TRUE(store->add_to_branch(*main, rows[1]).has_value());
    ASSERT_TRUE(store->add_to_branch(*stable, rows[1]).has_value());
    ASSERT_TRUE(store->add_to_branch(*stable, rows[2]).has_value());
    auto q = stablepick::store::connection_of(*store).prepare(
        "SELECT commit_id FROM main_branch_commits ORDER BY commit_id");
    ASSERT_TRUE(q.has_value());
    std::vector<int64_t> got;
    while (true) {
        auto row = q->step();
        ASSERT_TRUE(row.has_value());
        if (!*row) break;
        got.push_back(q->int64(0));
    }
    EXPECT_EQ(got, (std::vector<int64_t>{rows[0], rows[1]}));
}

}  // namespace
}  // namespace stablepick
