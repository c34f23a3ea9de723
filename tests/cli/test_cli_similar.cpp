#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>

#include "support/fixture_repo.hpp"

namespace stablepick {
namespace {

using testing::FixtureRepo;
using testing::run_stablepick;
using testing::TempDir;

// Two areas of code, each changed many times, and one usb fix backported.
struct TwoTopics {
    FixtureRepo repo;
    std::string usb_fix, later_usb_fix;
    TwoTopics() {
        for (int i = 0; i < 15; ++i) {
            repo.commit("drivers/usb/hub.c",
                        "int hub_port_" + std::to_string(i) + " = " + std::to_string(i) + ";\n",
                        "usb: hub: fix port reset handling " + std::to_string(i));
            repo.commit("kernel/sched/fair.c",
                        "int load_balance_" + std::to_string(i) + " = " + std::to_string(i) + ";\n",
                        "sched/fair: rework the load balance " + std::to_string(i));
        }
        repo.git({"branch", "v1-stable", "HEAD~10"});
        usb_fix = repo.git({"rev-parse", "HEAD~3"});
        later_usb_fix = repo.commit("drivers/usb/hub.c", "int hub_port_final = 1;\n",
                                    "usb: hub: fix port power handling");
        repo.checkout("v1-stable");
        repo.commit(
            "drivers/usb/hub.c", "int hub_port_backport = 1;\n",
            "usb: hub: fix port reset handling 12\n\n(cherry picked from commit " + usb_fix + ")");
        repo.checkout("main");
    }
};

TEST(CliSimilar, NeighboursOfTheSameCodeWithDecisions) {
    TwoTopics t;
    auto index = run_stablepick({"-q", "-C", t.repo.path().string(), "index"});
    ASSERT_EQ(index.exit_code, 0) << index.err;
    EXPECT_NE(index.out.find("commits embedded"), std::string::npos) << index.out;

    auto r = run_stablepick({"-C", t.repo.path().string(), "similar", t.later_usb_fix.substr(0, 10),
                             "-k", "3", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Every neighbour is an earlier usb commit, and the backported one says where it went.
    EXPECT_EQ(r.out.find("sched/fair"), std::string::npos) << r.out;
    auto backported = run_stablepick({"-C", t.repo.path().string(), "similar",
                                      t.later_usb_fix.substr(0, 10), "--label", "backported"});
    ASSERT_EQ(backported.exit_code, 0) << backported.err;
    EXPECT_NE(backported.out.find(t.usb_fix.substr(0, 12)), std::string::npos) << backported.out;
    EXPECT_NE(backported.out.find("v1-stable"), std::string::npos) << backported.out;

    // A second embed finds every vector cached.
    auto embed = run_stablepick({"-q", "-C", t.repo.path().string(), "embed"});
    ASSERT_EQ(embed.exit_code, 0) << embed.err;
    EXPECT_NE(embed.out.find(": 0 commits embedded"), std::string::npos) << embed.out;
}

TEST(CliSimilar, APatchFileIsAQueryAndBadInputIsRefused) {
    TwoTopics t;
    ASSERT_EQ(run_stablepick({"-q", "-C", t.repo.path().string(), "index"}).exit_code, 0);
    TempDir dir;
    auto patch = dir.path() / "mail.patch";
    std::ofstream(patch)
        << "From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001\n"
           "From: Dev <dev@example.org>\nDate: Wed, 1 Jan 2031 00:00:00 +0000\n"
           "Subject: [PATCH] sched/fair: fix the load balance\n\nBody.\n---\n"
           "diff --git a/kernel/sched/fair.c b/kernel/sched/fair.c\n--- a/kernel/sched/fair.c\n"
           "+++ b/kernel/sched/fair.c\n@@ -1 +1 @@\n-int load_balance_14 = 14;\n+int "
           "load_balance_14 = 15;\n";
    auto r = run_stablepick(
        {"-C", t.repo.path().string(), "similar", "--patch", patch.string(), "-k", "3"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("sched/fair"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("usb:"), std::string::npos) << r.out;
    std::string text =
        "Subject: [PATCH] sched/fair: fix\n\n---\n--- a/kernel/sched/fair.c\n+++ "
        "b/kernel/sched/fair.c\n@@ -1 +1 @@\n-a\n+b\n";
    auto from_stdin =
        run_stablepick({"-C", t.repo.path().string(), "similar", "-", "-k", "2"}, {}, text);
    EXPECT_EQ(from_stdin.exit_code, 0) << from_stdin.err;

    auto missing = run_stablepick(
        {"-C", t.repo.path().string(), "similar", "--patch", (dir.path() / "none").string()});
    EXPECT_EQ(missing.exit_code, 3);
    auto unknown = run_stablepick({"-C", t.repo.path().string(), "similar", "deadbeefdead"});
    EXPECT_EQ(unknown.exit_code, 3);
    EXPECT_NE(unknown.err.find("not in the store"), std::string::npos) << unknown.err;
    auto garbage = dir.path() / "garbage";
    std::ofstream(garbage) << "\n\n";
    auto bad =
        run_stablepick({"-C", t.repo.path().string(), "similar", "--patch", garbage.string()});
    EXPECT_EQ(bad.exit_code, 8) << bad.err;
}

TEST(CliSimilar, NoModelYet) {
    FixtureRepo repo;
    repo.commit("a", "a\n", "init");
    ASSERT_EQ(run_stablepick({"-q", "-C", repo.path().string(), "index", "--no-embed"}).exit_code,
              0);
    auto r = run_stablepick({"-C", repo.path().string(), "similar", "HEAD"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("stablepick embed"), std::string::npos) << r.err;
}

TEST(CliEval, RefusesSplitsWithoutData) {
    TwoTopics t;
    ASSERT_EQ(run_stablepick({"-q", "-C", t.repo.path().string(), "index"}).exit_code, 0);
    auto before = run_stablepick({"-C", t.repo.path().string(), "eval", "--split", "2000-01-01"});
    EXPECT_EQ(before.exit_code, 8);
    EXPECT_NE(before.err.find("no training data"), std::string::npos) << before.err;
    auto after = run_stablepick({"-C", t.repo.path().string(), "eval", "--split", "2035-01-01"});
    EXPECT_EQ(after.exit_code, 8);
    EXPECT_NE(after.err.find("no test data"), std::string::npos) << after.err;
    auto bad = run_stablepick({"-C", t.repo.path().string(), "eval", "--split", "soon"});
    EXPECT_EQ(bad.exit_code, 8);
}

}  // namespace
}  // namespace stablepick

namespace stablepick {
namespace {

TEST(CliSimilar, VectorsOfAnotherSizeAreRefusedWithHowToRebuild) {
    TwoTopics t;
    ASSERT_EQ(run_stablepick({"-q", "-C", t.repo.path().string(), "index"}).exit_code, 0);
    auto db = t.repo.path() / ".git/stablepick/store.sqlite";
    // A vector written by a model of another dimension under the current model's id.
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(h,
                           "UPDATE embeddings SET vector = zeroblob(12) "
                           "WHERE commit_id = (SELECT MIN(commit_id) FROM embeddings)",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(h);
    auto similar =
        run_stablepick({"-C", t.repo.path().string(), "similar", t.later_usb_fix.substr(0, 10)});
    EXPECT_EQ(similar.exit_code, 6) << similar.out << similar.err;
    EXPECT_NE(similar.err.find("stablepick embed --refit"), std::string::npos) << similar.err;
    // The refit rebuilds every vector (the same history gives the same model id) and similar
    // works again.
    ASSERT_EQ(run_stablepick({"-q", "-C", t.repo.path().string(), "embed", "--refit"}).exit_code,
              0);
    auto again =
        run_stablepick({"-C", t.repo.path().string(), "similar", t.later_usb_fix.substr(0, 10)});
    EXPECT_EQ(again.exit_code, 0) << again.err;
}

}  // namespace
}  // namespace stablepick
