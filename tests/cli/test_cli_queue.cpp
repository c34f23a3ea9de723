// The queue from the command line: review --target proposes, its mails mark the candidates
// mailed, a maintainer takes and drops, another is told, index releases what reached the tree.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "stablepick/store/sql.hpp"
#include "stablepick/store/store.hpp"
#include "support/stable_history.hpp"
#include "support/test_store.hpp"

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

// A patch sent to the list, not a commit yet, checked as b4 review and patchwork run checks.
TEST(CliCheck, APatchMailGetsAVerdictAndTheStoreIsUntouched) {
    StableHistory s;
    const std::string dir = s.dir();
    ASSERT_EQ(run_stablepick({"-q", "-C", dir, "index"}).exit_code, 0);
    ASSERT_EQ(run_stablepick({"-q", "-C", dir, "train"}).exit_code, 0);
    // A new fix like the backported ones, made after the index: its mail, as sent (no mbox
    // "From <id>" line).
    s.h.repo.commit("drivers/net/fix_600.c", "int rx_600_null_check = 1;\n",
                    fmt::format("net: fix NULL pointer dereference in rx path 600\n\nThe rx path "
                                "crashes when the ring is empty.\n\nFixes: {} (\"tools: add "
                                "option 4 to the builder\")\nSigned-off-by: Dev "
                                "<dev@example.org>\n",
                                s.h.features[3].substr(0, 12)),
                    testing::kStart + 300 * testing::kDay);
    std::string mail = s.h.repo.git({"format-patch", "-1", "--stdout", "HEAD"});
    mail = mail.substr(mail.find('\n') + 1);
    auto commits = [&] {
        auto store = Store::open(testing::repo_store(s.h.repo.path()), Store::Mode::kRead);
        EXPECT_TRUE(store) << store.error().message;
        auto q = store::connection_of(*store).prepare(
            "SELECT COUNT(*), (SELECT COUNT(*) FROM branch_commits) FROM commits");
        EXPECT_TRUE(q && *q->step());
        return std::pair{q->int64(0), q->int64(1)};
    };
    auto before = commits();

    auto b4 = run_stablepick({"-C", dir, "check"}, {}, mail);
    ASSERT_EQ(b4.exit_code, 0) << b4.err;
    auto j = nlohmann::json::parse(b4.out);
    ASSERT_EQ(j.size(), 1u);
    EXPECT_EQ(j[0]["tool"], "stablepick");
    EXPECT_EQ(j[0]["status"], "warn") << j.dump(1);  // a stable fix without Cc: stable
    EXPECT_NE(j[0]["summary"].get<std::string>().find("looks like a stable fix, but has no Cc: "
                                                      "stable"),
              std::string::npos)
        << j.dump(1);
    EXPECT_NE(j[0]["details"].get<std::string>().find("Nearest precedents:"), std::string::npos);
    auto pw = run_stablepick(
        {"-C", dir, "check", "--format", "patchwork", "--url", "https://example.org/p/1"}, {},
        mail);
    ASSERT_EQ(pw.exit_code, 0) << pw.err;
    auto p = nlohmann::json::parse(pw.out);
    EXPECT_EQ(p["state"], "warning");
    EXPECT_EQ(p["context"], "stablepick");
    EXPECT_EQ(p["target_url"], "https://example.org/p/1");
    // Tagged for stable: the patch and the history agree.
    std::string tagged = mail;
    tagged.insert(tagged.find("Signed-off-by: Dev"), "Cc: stable@vger.kernel.org\n");
    auto agreed = run_stablepick({"-C", dir, "check"}, {}, tagged);
    ASSERT_EQ(agreed.exit_code, 0) << agreed.err;
    EXPECT_EQ(nlohmann::json::parse(agreed.out)[0]["status"], "pass") << agreed.out;

    // Nothing of the checks stays in the store.
    EXPECT_EQ(commits(), before);
    // No patch: exit 8, the store untouched.
    auto none = run_stablepick({"-C", dir, "check"}, {}, "Subject: hello\n\njust a note\n");
    EXPECT_EQ(none.exit_code, 8);
    EXPECT_NE(none.err.find("holds no patch"), std::string::npos) << none.err;
}

}  // namespace
}  // namespace stablepick
