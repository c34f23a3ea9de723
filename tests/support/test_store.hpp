#pragma once
// Where a test's store goes, so that every test of the store runs on both backends: a fresh
// SQLite file in the test's directory; or, when ctest runs the test under its "postgres."
// name (STABLEPICK_TEST_BACKEND=postgres), a fresh schema on the PostgreSQL server that
// scripts/with-postgres started (STABLEPICK_TEST_POSTGRES).
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace stablepick::testing {

inline bool store_tests_on_postgres() {
    const char* backend = std::getenv("STABLEPICK_TEST_BACKEND");
    return backend && std::string_view(backend) == "postgres";
}

// The store location for a test: empty when the test should run on PostgreSQL and no server
// was started (the test is then skipped with SKIP_WITHOUT_TEST_STORE).
inline std::string test_store(const std::filesystem::path& dir,
                              std::string_view file = "s.sqlite") {
    if (!store_tests_on_postgres()) return (dir / file).string();
    const char* base = std::getenv("STABLEPICK_TEST_POSTGRES");
    if (!base || !*base) return {};
    static std::atomic<int> count{0};
    auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    std::string schema = fmt::format("t{}_{}_{}", getpid(), count++, now % 1000000000);
    char sep = std::string_view(base).find('?') == std::string_view::npos ? '?' : '&';
    return fmt::format("{}{}options=-csearch_path%3D{}", base, sep, schema);
}

// The store the command line works on for a repository, as a test that runs the binary
// reads it back: the repository's own file, or the PostgreSQL store STABLEPICK_DB names (the
// "postgres." tests set it for every command they run: tests/support/test_store.cpp).
inline std::string repo_store(const std::filesystem::path& repo) {
    const char* db = std::getenv("STABLEPICK_DB");
    if (db && *db) return db;
    return (repo / ".git/stablepick/store.sqlite").string();
}

}  // namespace stablepick::testing

#define SKIP_WITHOUT_TEST_STORE(location)                                       \
    if ((location).empty())                                                     \
    GTEST_SKIP() << "no PostgreSQL server for the store tests: run them under " \
                    "scripts/with-postgres"
