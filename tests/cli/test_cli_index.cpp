#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "stablepick/store/store.hpp"
#include "support/fixture_repo.hpp"
#include "support/store_dump.hpp"

namespace stablepick {
namespace {

using testing::FixtureRepo;
using testing::run_stablepick;
using testing::TempDir;

TEST(CliIndex, HelpForEveryCommand) {
    for (auto cmd : {"index", "stats", "labels", "resolve", "import"}) {
        auto r = run_stablepick({cmd, "--help"});
        EXPECT_EQ(r.exit_code, 0) << cmd;
        EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd;
    }
    auto top = run_stablepick({"--help"});
    EXPECT_EQ(top.exit_code, 0);
    EXPECT_NE(top.out.find("index"), std::string::npos);
}

TEST(CliIndex, NotARepositoryIsNotFound) {
    TempDir dir;
    auto r = run_stablepick({"-C", (dir.path() / "nope").string(), "index"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("error: cannot open repository"), std::string::npos) << r.err;
    auto r2 = run_stablepick({"-C", dir.path().string(), "index"});
    EXPECT_EQ(r2.exit_code, 3);
    EXPECT_NE(r2.err.find("not a git repository"), std::string::npos) << r2.err;
}

TEST(CliIndex, UnknownOptionIsUsageError) {
    auto r = run_stablepick({"index", "--no-such-option"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("error:"), std::string::npos);
}

TEST(CliIndex, IndexStatsAndLabelsAsOf) {
    FixtureRepo repo;
    repo.commit("a.c", "int a;\n", "core: add a", 1600000000);  // 2020-09-13
    repo.git({"branch", "v1-stable"});
    std::string fix = repo.commit("a.c", "int a = 0;\n", "core: fix a", 1600100000);
    repo.checkout("v1-stable");
    repo.cherry_pick_x(fix);  // one tick after 2020-09-14
    repo.checkout("main");
    auto r = run_stablepick({"-C", repo.path().string(), "index"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("3 new commits"), std::string::npos) << r.out;
    // The store lives in the git directory by default.
    EXPECT_TRUE(std::filesystem::exists(repo.path() / ".git/stablepick/store.sqlite"));

    auto again = run_stablepick({"-C", repo.path().string(), "index"});
    ASSERT_EQ(again.exit_code, 0);
    EXPECT_NE(again.out.find("0 new commits"), std::string::npos) << again.out;

    auto stats = run_stablepick({"-C", repo.path().string(), "stats", "--json"});
    ASSERT_EQ(stats.exit_code, 0) << stats.err;
    EXPECT_NE(stats.out.find("\"main_backported\": 1"), std::string::npos) << stats.out;

    auto labels = run_stablepick({"-C", repo.path().string(), "labels", "--json"});
    ASSERT_EQ(labels.exit_code, 0);
    EXPECT_NE(labels.out.find(fix), std::string::npos);
    auto before = run_stablepick({"-C", repo.path().string(), "labels", "--as-of", "2020-09-13"});
    ASSERT_EQ(before.exit_code, 0);
    EXPECT_EQ(before.out, "");
    auto one = run_stablepick({"-C", repo.path().string(), "labels", fix.substr(0, 8)});
    ASSERT_EQ(one.exit_code, 0);
    EXPECT_NE(one.out.find("v1-stable"), std::string::npos);
    auto bad = run_stablepick({"-C", repo.path().string(), "labels", "--as-of", "yesterday"});
    EXPECT_EQ(bad.exit_code, 8);
    EXPECT_NE(bad.err.find("invalid date 'yesterday'"), std::string::npos);
}

TEST(CliIndex, StoreLockedByAnotherRun) {
    FixtureRepo repo;
    repo.commit("a", "a\n", "init");
    auto db = repo.path() / ".git/stablepick/store.sqlite";
    auto held = Store::open(db, Store::Mode::kWrite);
    ASSERT_TRUE(held.has_value());
    auto r = run_stablepick({"-C", repo.path().string(), "index"});
    EXPECT_EQ(r.exit_code, 5);
    EXPECT_NE(r.err.find("in use by another stablepick run"), std::string::npos) << r.err;
}

TEST(CliIndex, StatsWithoutAStoreSaysToIndex) {
    FixtureRepo repo;
    repo.commit("a", "a\n", "init");
    auto r = run_stablepick({"-C", repo.path().string(), "stats"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("run 'stablepick index' first"), std::string::npos) << r.err;
}

int64_t commits_in(const std::filesystem::path& db) {
    sqlite3* h = nullptr;
    if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(h);
        return 0;
    }
    sqlite3_stmt* st = nullptr;
    int64_t n = 0;
    if (sqlite3_prepare_v2(h, "SELECT COUNT(*) FROM commits", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
}

TEST(CliIndex, KilledRunRestartedEqualsOneCleanRun) {
    TempDir repo_dir, a, b;
    testing::generate_history(repo_dir.path(), 12000);
    auto clean = run_stablepick(
        {"-q", "-C", repo_dir.path().string(), "--db", (a.path() / "s.sqlite").string(), "index"});
    ASSERT_EQ(clean.exit_code, 0) << clean.err;

    auto db = b.path() / "s.sqlite";
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execl(STABLEPICK_BINARY, STABLEPICK_BINARY, "-q", "-C", repo_dir.path().c_str(), "--db",
              db.c_str(), "index", static_cast<char*>(nullptr));
        _exit(127);
    }
    // Kill it once the first checkpoints are in, well before the end.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (commits_in(db) < 1000 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    int64_t partial = commits_in(db);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the run finished before it could be killed";
    EXPECT_LT(partial, 12000 + 2000);

    auto rest =
        run_stablepick({"-q", "-C", repo_dir.path().string(), "--db", db.string(), "index"});
    ASSERT_EQ(rest.exit_code, 0) << rest.err;
    EXPECT_EQ(testing::first_difference(testing::dump_store(a.path() / "s.sqlite"),
                                        testing::dump_store(db)),
              "");
}

}  // namespace
}  // namespace stablepick
