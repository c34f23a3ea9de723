// The queue from the command line: review --target proposes, its mails mark the candidates
// mailed, a maintainer takes and drops, another is told, index releases what reached the tree.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/stable_history.hpp"

namespace stablepick {
namespace {

using testing::run_stablepick;
using testing::StableHistory;

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

nlohmann::json candidate_of(const nlohmann::json& queue, const std::string& commit) {
    for (auto& c : queue)
        if (c["commit"] == commit) return c;
    return {};
}

TEST(CliQueue, FromProposalToRelease) {
    StableHistory s;
    const std::string dir = s.dir();
    ASSERT_EQ(run_stablepick({"-q", "-C", dir, "index"}).exit_code, 0);
    ASSERT_EQ(run_stablepick({"-q", "-C", dir, "train"}).exit_code, 0);
    auto empty = run_stablepick({"-C", dir, "queue"});
    ASSERT_EQ(empty.exit_code, 0) << empty.err;
    EXPECT_EQ(empty.out, "the queue is empty\n");

    auto reviewed = run_stablepick({"-C", dir, "review", "--target", "v2-stable", "--format",
                                    "json", fmt::format("{}..main", s.id["old-feature"])});
    ASSERT_EQ(reviewed.exit_code, 0) << reviewed.err;
    EXPECT_NE(reviewed.err.find("candidate(s) proposed"), std::string::npos) << reviewed.err;
    auto listed = run_stablepick({"-C", dir, "queue", "--tree", "v2-stable", "--json"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    auto q = nlohmann::json::parse(listed.out);
    auto mailed = candidate_of(q, s.id["mailed"]);
    ASSERT_FALSE(mailed.is_null()) << q.dump(1);
    EXPECT_EQ(mailed["state"], "proposed");
    EXPECT_EQ(mailed["changed_by"], "stablepick");
    // Already there, not affected, reverted, opted out: never proposed.
    for (auto scenario : {"there", "not-affected", "reverted", "opt-out"})
        EXPECT_TRUE(candidate_of(q, s.id[scenario]).is_null()) << scenario;

    auto mbox = run_stablepick(
        {"-q", "-C", dir, "review", "--target", "v2-stable", "--format", "mbox", s.id["mailed"]});
    ASSERT_EQ(mbox.exit_code, 0) << mbox.err;
    auto after_mail = nlohmann::json::parse(
        run_stablepick({"-C", dir, "queue", "--state", "mailed", "--json"}).out);
    ASSERT_EQ(after_mail.size(), 1u);
    std::string message_id = after_mail[0]["message_id"];
    EXPECT_NE(mbox.out.find("Message-Id: " + message_id), std::string::npos) << message_id;

    auto take = run_stablepick({"-C", dir, "queue", "take", s.id["mailed"].substr(0, 10), "--tree",
                                "v2-stable", "--reviewer", "greg", "--reason", "crash fix"});
    ASSERT_EQ(take.exit_code, 0) << take.err;
    EXPECT_EQ(take.out, s.id["mailed"].substr(0, 12) + " for v2-stable: queued (crash fix)\n");
    // Another maintainer is told, and nothing changes.
    auto drop = run_stablepick({"-C", dir, "queue", "drop", s.id["mailed"], "--tree", "v2-stable",
                                "--reviewer", "sasha", "--reason", "not a fix"});
    EXPECT_EQ(drop.exit_code, 9);
    EXPECT_NE(drop.err.find("greg queued it for v2-stable on "), std::string::npos) << drop.err;
    // Changes that make no sense: exit 8 with the reason.
    auto there = run_stablepick(
        {"-C", dir, "queue", "take", s.id["there"], "--tree", "v2-stable", "--reviewer", "greg"});
    EXPECT_EQ(there.exit_code, 8);
    EXPECT_NE(there.err.find("is already in v2-stable as "), std::string::npos) << there.err;
    EXPECT_EQ(
        run_stablepick({"-C", dir, "queue", "take", s.id["mailed"], "--tree", "main"}).exit_code,
        8);
    EXPECT_EQ(run_stablepick({"-C", dir, "queue", "drop", s.id["conflict"], "--tree", "v2-stable"})
                  .exit_code,
              2);  // a drop needs --reason
    EXPECT_EQ(
        run_stablepick({"-C", dir, "queue", "snooze", s.id["conflict"], "--tree", "v2-stable"})
            .exit_code,
        8);

    // The queue as stable-queue keeps it, and as a cherry-pick script: both apply to the tree.
    testing::TempDir out;
    auto exported = run_stablepick({"-C", dir, "queue", "export", "--tree", "v2-stable", "--out",
                                    out.path().string(), "--signer", "Greg <greg@example.org>"});
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    auto series = slurp(out.path() / "queue-2" / "series");
    EXPECT_EQ(series, "net-fix-null-pointer-dereference-in-rx-path-500.patch\n");
    auto patch =
        slurp(out.path() / "queue-2" / "net-fix-null-pointer-dereference-in-rx-path-500.patch");
    EXPECT_NE(patch.find("\n[ Upstream commit " + s.id["mailed"] + " ]\n"), std::string::npos);
    EXPECT_NE(patch.find("Signed-off-by: Dev <dev@example.org>\nSigned-off-by: Greg "
                         "<greg@example.org>\n---\n"),
              std::string::npos)
        << patch;
    for (auto how : {"quilt", "script"}) {
        testing::TempDir scratch;
        auto tree = scratch.path() / "tree";
        ASSERT_EQ(
            testing::run_program({"git", "clone", "-q", "-b", "v2-stable", dir, tree.string()})
                .exit_code,
            0);
        auto applied =
            std::string(how) == "quilt"
                ? testing::run_program({"quilt", "push", "-a"}, tree, "",
                                       {"QUILT_PATCHES=" + (out.path() / "queue-2").string()})
                : testing::run_program(
                      {"sh", (out.path() / "queue-2.sh").string()}, tree, "",
                      {"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org",
                       "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.org"});
        EXPECT_EQ(applied.exit_code, 0) << how << ": " << applied.out << applied.err;
        EXPECT_EQ(slurp(tree / "drivers/net/fix_5.c"), "int rx_5_null_check = 2;\n") << how;
    }

    // The stable branch takes it: index releases it.
    s.h.repo.checkout("v2-stable");
    s.h.repo.cherry_pick_x(s.id["mailed"]);
    s.h.repo.checkout("main");
    auto indexed = run_stablepick({"-C", dir, "index"});
    ASSERT_EQ(indexed.exit_code, 0) << indexed.err;
    EXPECT_NE(indexed.out.find("queue: 1 released"), std::string::npos) << indexed.out;
    auto history = run_stablepick({"-C", dir, "queue", "show", s.id["mailed"]});
    ASSERT_EQ(history.exit_code, 0) << history.err;
    for (auto step : {"new → proposed", "proposed → mailed",
                      "greg       mailed → queued: crash "
                      "fix",
                      "queued → released: in the tree as "})
        EXPECT_NE(history.out.find(step), std::string::npos) << step << "\n" << history.out;
    EXPECT_EQ(run_stablepick({"-C", dir, "queue", "take", s.id["mailed"], "--tree", "v2-stable",
                              "--reviewer", "greg"})
                  .exit_code,
              8);  // released

    auto stats = run_stablepick({"-C", dir, "queue", "--stats", "--json"});
    ASSERT_EQ(stats.exit_code, 0) << stats.err;
    auto weeks = nlohmann::json::parse(stats.out);
    ASSERT_FALSE(weeks.empty());
    EXPECT_EQ(weeks[0]["tree"], "v2-stable");
    EXPECT_GE(weeks[0]["proposed"].get<int>(), 1);
    auto table = run_stablepick({"-C", dir, "queue"});
    EXPECT_NE(table.out.find("released"), std::string::npos) << table.out;
}

TEST(CliQueue, DecideStillWorksAndMovesTheQueue) {
    StableHistory s;
    const std::string dir = s.dir();
    ASSERT_EQ(run_stablepick({"-q", "-C", dir, "index"}).exit_code, 0);
    auto drop = run_stablepick({"-C", dir, "decide", s.id["conflict"], "--drop", "--branch",
                                "v2-stable", "--reviewer", "sasha"});
    ASSERT_EQ(drop.exit_code, 0) << drop.err;
    auto q = nlohmann::json::parse(run_stablepick({"-C", dir, "queue", "--json"}).out);
    auto c = candidate_of(q, s.id["conflict"]);
    ASSERT_FALSE(c.is_null()) << q.dump(1);
    EXPECT_EQ(c["state"], "dropped");
    EXPECT_EQ(c["changed_by"], "sasha");
}

TEST(CliQueue, StableQueueListsIgnoreListAndDroppedCommits) {
    StableHistory s;
    const std::string dir = s.dir();
    ASSERT_EQ(run_stablepick({"-q", "-C", dir, "index"}).exit_code, 0);
    ASSERT_EQ(run_stablepick({"-q", "-C", dir, "train"}).exit_code, 0);
    testing::TempDir lists;
    {
        std::ofstream(lists.path() / "ignore_list") << "# AUTOSEL must not pick from these\n"
                                                       "drivers/net/*\n\n";
        std::ofstream(lists.path() / "dropped")
            << "# dropped from v2-stable\n"
            << s.id["conflict"].substr(0, 12) << " breaks the parser on v2\n"
            << "not-a-commit line\n"
            << "deadbeefdeadbeef\n";
    }
    auto ignored = run_stablepick(
        {"-C", dir, "queue", "ignore-list", (lists.path() / "ignore_list").string()});
    ASSERT_EQ(ignored.exit_code, 0) << ignored.err;
    EXPECT_EQ(run_stablepick({"-C", dir, "queue", "ignore-list"}).out, "drivers/net/*\n");
    auto dropped =
        run_stablepick({"-C", dir, "queue", "drop-list", (lists.path() / "dropped").string(),
                        "--tree", "v2-stable", "--reviewer", "sasha"});
    ASSERT_EQ(dropped.exit_code, 0) << dropped.err;
    EXPECT_NE(dropped.out.find("v2-stable: 1 dropped, 0 already dropped, 2 skipped"),
              std::string::npos)
        << dropped.out;
    EXPECT_NE(dropped.out.find("line 3: not-a-commit line"), std::string::npos) << dropped.out;
    // The mailed fix touches drivers/net/ and has no Cc: stable: not proposed; the dropped one
    // stays dropped.
    auto reviewed = run_stablepick({"-C", dir, "review", "--target", "v2-stable", "--format",
                                    "json", fmt::format("{}..main", s.id["old-feature"])});
    ASSERT_EQ(reviewed.exit_code, 0) << reviewed.err;
    auto q = nlohmann::json::parse(run_stablepick({"-C", dir, "queue", "--json"}).out);
    EXPECT_TRUE(candidate_of(q, s.id["mailed"]).is_null()) << q.dump(1);
    EXPECT_EQ(candidate_of(q, s.id["conflict"])["reason"], "breaks the parser on v2");
    auto j = nlohmann::json::parse(reviewed.out);
    for (auto& r : j) {
        if (r["id"] == s.id["mailed"]) {
            EXPECT_NE(r["opt_out"].get<std::string>().find("of the ignore list"),
                      std::string::npos);
        }
    }
}

}  // namespace
}  // namespace stablepick
