// stablepick store copy: a store moved to another backend holds the same facts and goes on
// working there (run as "postgres.CliStore" the copy goes to PostgreSQL).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/fixture_repo.hpp"
#include "support/test_store.hpp"

namespace stablepick {
namespace {

using testing::FixtureRepo;
using testing::run_stablepick;
using testing::TempDir;

// A main branch of two commits and a stable branch that took the fix.
struct Backported {
    Backported() {
        repo.commit("a.c", "int a;\n", "core: add a", 1600000000);
        repo.git({"branch", "v1-stable"});
        fix = repo.commit("a.c", "int a = 0;\n", "core: fix a", 1600100000);
        repo.checkout("v1-stable");
        repo.cherry_pick_x(fix);
        repo.checkout("main");
    }
    FixtureRepo repo;
    std::string fix;
};

nlohmann::json stats_of(const std::string& repo, const std::string& db) {
    auto r = run_stablepick({"-C", repo, "--db", db, "stats", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
}

TEST(CliStore, ACopyHoldsTheSameFactsAndGoesOnWorking) {
    Backported b;
    TempDir dir;
    std::string repo = b.repo.path().string();
    std::string source = (dir.path() / "source.sqlite").string();
    std::string target = testing::test_store(dir.path(), "target.sqlite");
    SKIP_WITHOUT_TEST_STORE(target);
    ASSERT_EQ(run_stablepick({"-q", "-C", repo, "--db", source, "index"}).exit_code, 0);
    auto take = run_stablepick(
        {"-q", "-C", repo, "--db", source, "decide", b.fix, "--take", "--branch", "v1-stable"});
    ASSERT_EQ(take.exit_code, 0) << take.err;

    auto copied = run_stablepick({"store", "copy", source, target});
    ASSERT_EQ(copied.exit_code, 0) << copied.err;
    EXPECT_NE(copied.out.find("rows of"), std::string::npos) << copied.out;
    EXPECT_EQ(stats_of(repo, target), stats_of(repo, source));

    // Row ids were copied: the next commit stored in the copy gets a new one.
    b.repo.commit("b.c", "int b;\n", "core: add b", 1600200000);
    auto more = run_stablepick({"-C", repo, "--db", target, "index"});
    ASSERT_EQ(more.exit_code, 0) << more.err;
    EXPECT_NE(more.out.find("1 new commit"), std::string::npos) << more.out;
    EXPECT_EQ(stats_of(repo, target)["commits"], stats_of(repo, source)["commits"].get<int>() + 1);

    // Copying into a store that holds rows is refused, and leaves it as it was.
    auto again = run_stablepick({"store", "copy", source, target});
    EXPECT_EQ(again.exit_code, 8);
    EXPECT_NE(again.err.find("is not empty"), std::string::npos) << again.err;
    EXPECT_EQ(stats_of(repo, target)["commits"], stats_of(repo, source)["commits"].get<int>() + 1);
}

TEST(CliStore, BadSourcesAndTargetsAreRefused) {
    TempDir dir;
    auto missing = run_stablepick(
        {"store", "copy", (dir.path() / "none.sqlite").string(), (dir.path() / "t").string()});
    EXPECT_EQ(missing.exit_code, 3);
    EXPECT_NE(missing.err.find("no store at"), std::string::npos) << missing.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "t"));
    auto password = run_stablepick(
        {"store", "copy", "postgresql://me:hunter2@127.0.0.1/db", (dir.path() / "t").string()});
    EXPECT_EQ(password.exit_code, 8);
    EXPECT_EQ(password.err.find("hunter2"), std::string::npos) << password.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "t"));
    auto usage = run_stablepick({"store", "copy", "only-one"});
    EXPECT_EQ(usage.exit_code, 2);
}

}  // namespace
}  // namespace stablepick
