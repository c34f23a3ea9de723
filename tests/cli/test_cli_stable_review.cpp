// review --target on a history built to exercise each per-tree check: already there, not
// affected, conflict, prerequisite, follow-up fix, revert, opt-out; the AUTOSEL mails checked
// with git mailinfo and git am; decisions recorded and shown; bad input refused cleanly.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "stablepick/core/version.hpp"
#include "stablepick/store/sql.hpp"
#include "stablepick/store/store.hpp"
#include "support/known_history.hpp"
#include "support/stable_history.hpp"
#include "support/test_store.hpp"

namespace stablepick {
namespace {

using testing::FixesAndFeatures;
using testing::kDay;
using testing::kStart;
using testing::run_program;
using testing::run_stablepick;
using testing::StableHistory;

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

nlohmann::json target_of(const nlohmann::json& review, const std::string& commit) {
    for (auto& r : review)
        if (r["id"] == commit) return r;
    ADD_FAILURE() << "no review of " << commit;
    return {};
}

TEST(CliStableReview, EachCheckOnAHistoryBuiltForIt) {
    StableHistory s;
    ASSERT_EQ(run_stablepick({"-q", "-C", s.dir(), "index"}).exit_code, 0);
    ASSERT_EQ(run_stablepick({"-q", "-C", s.dir(), "train"}).exit_code, 0);
    std::vector<std::string> args{"-q",           "-C",
                                  s.dir(),        "review",
                                  "--target",     "v2-stable",
                                  "--all-checks", "--format",
                                  "json",         fmt::format("{}..main", s.id["old-feature"])};
    auto r = run_stablepick(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    auto tree = [&](const std::string& scenario) {
        return target_of(j, s.id[scenario])["targets"][0];
    };

    EXPECT_NE(tree("there")["already_there"].get<std::string>().find("marker"), std::string::npos);
    EXPECT_FALSE(tree("there")["applicable"].get<bool>());

    EXPECT_FALSE(tree("not-affected")["affected"].get<bool>());
    EXPECT_NE(tree("not-affected")["affected_reason"].get<std::string>().find(
                  s.id["new-feature"].substr(0, 12)),
              std::string::npos);
    EXPECT_TRUE(tree("new-feature")["affected"].get<bool>());  // no Fixes:, adds a file: applies

    EXPECT_EQ(tree("conflict")["applies"], "conflict");
    EXPECT_EQ(tree("conflict")["conflicts"], nlohmann::json::array({"src/conf.c"}));
    EXPECT_FALSE(tree("conflict")["applicable"].get<bool>());

    auto pre = tree("needs-prerequisite");
    EXPECT_TRUE(pre["affected"].get<bool>()) << pre.dump();
    ASSERT_EQ(pre["prerequisites"].size(), 1u) << pre.dump();
    EXPECT_EQ(pre["prerequisites"][0]["id"], s.id["prerequisite"]);
    EXPECT_EQ(tree("prerequisite")["applies"], "clean");
    EXPECT_TRUE(tree("prerequisite")["prerequisites"].empty());

    auto fixed_again = target_of(j, s.id["fixed-again"]);
    ASSERT_EQ(fixed_again["follow_ups"].size(), 1u);
    EXPECT_EQ(fixed_again["follow_ups"][0]["id"], s.id["follow-up"]);
    EXPECT_EQ(tree("fixed-again")["applies"], "clean");

    auto reverted = target_of(j, s.id["reverted"]);
    ASSERT_EQ(reverted["reverts"].size(), 1u);
    EXPECT_EQ(reverted["reverts"][0]["id"], s.id["revert"]);
    EXPECT_FALSE(reverted["mail"].get<bool>());

    auto opted = target_of(j, s.id["opt-out"]);
    EXPECT_NE(opted["opt_out"].get<std::string>().find("needs more testing"), std::string::npos);
    EXPECT_FALSE(opted["mail"].get<bool>());

    auto mailed = target_of(j, s.id["mailed"]);
    EXPECT_TRUE(mailed["selected"].get<bool>()) << mailed.dump();
    EXPECT_TRUE(mailed["mail"].get<bool>());
    EXPECT_EQ(mailed["autosel_range"], "2");

    // The table says the same.
    auto table =
        run_stablepick({"-q", "-C", s.dir(), "review", "--target", "v2-stable", "--all-checks",
                        s.id["conflict"], s.id["not-affected"], s.id["fixed-again"]});
    ASSERT_EQ(table.exit_code, 0) << table.err;
    EXPECT_NE(table.out.find("v2-stable: conflicts in src/conf.c"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("v2-stable: not affected: the commit it fixes"), std::string::npos)
        << table.out;
    EXPECT_NE(
        table.out.find("fixed again upstream (take together): " + s.id["follow-up"].substr(0, 12)),
        std::string::npos)
        << table.out;

    // Opt-out paths from the config.
    auto config = s.h.repo.path() / "optout.toml";
    std::ofstream(config) << "[review]\nopt_out_paths = [\"src/newfeat*\"]\n";
    auto cfg = run_stablepick({"-q", "-C", s.dir(), "--config", config.string(), "review",
                               "--target", "v2-stable", "--format", "json", s.id["new-feature"]});
    ASSERT_EQ(cfg.exit_code, 0) << cfg.err;
    EXPECT_NE(nlohmann::json::parse(cfg.out)[0]["opt_out"].get<std::string>().find("src/newfeat*"),
              std::string::npos);
}

TEST(CliStableReview, MailsPassMailinfoAndApplyWithGitAm) {
    StableHistory s;
    ASSERT_EQ(run_stablepick({"-q", "-C", s.dir(), "index"}).exit_code, 0);
    ASSERT_EQ(run_stablepick({"-q", "-C", s.dir(), "train"}).exit_code, 0);
    auto out = s.h.repo.path() / "mails";
    auto r = run_stablepick({"-q", "-C", s.dir(), "review", "--target", "v2-stable", "--format",
                             "mbox", "--out", out.string(), "--from",
                             "Stable Bot <bot@example.org>", s.id["mailed"], s.id["reverted"]});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::filesystem::path> mails;
    for (auto& e : std::filesystem::directory_iterator(out)) mails.push_back(e.path());
    ASSERT_EQ(mails.size(), 1u);  // the reverted commit is not mailed
    auto text = slurp(mails[0]);
    EXPECT_NE(
        text.find("Subject: [PATCH AUTOSEL 2] net: fix NULL pointer dereference in rx path 500"),
        std::string::npos)
        << text;
    EXPECT_NE(text.find("From: Stable Bot <bot@example.org>"), std::string::npos);
    EXPECT_NE(text.find("X-stable: review"), std::string::npos);
    EXPECT_NE(text.find("X-Patchwork-Hint: Ignore"), std::string::npos);
    EXPECT_NE(text.find("X-stable-base: "), std::string::npos);
    EXPECT_NE(text.find("Explanation from stablepick's offline voters"), std::string::npos);
    EXPECT_NE(text.find("v2-stable: applies cleanly"), std::string::npos);

    auto info_dir = s.h.repo.path();
    auto info =
        run_program({"git", "mailinfo", (info_dir / "msg").string(), (info_dir / "patch").string()},
                    info_dir, text);
    ASSERT_EQ(info.exit_code, 0) << info.err;
    EXPECT_NE(info.out.find("Author: Test Author"), std::string::npos) << info.out;
    EXPECT_NE(info.out.find("Subject: net: fix NULL pointer dereference in rx path 500"),
              std::string::npos)
        << info.out;
    auto msg = slurp(info_dir / "msg");
    EXPECT_NE(msg.find("[ Upstream commit " + s.id["mailed"] + " ]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("Fixes: "), std::string::npos) << msg;
    EXPECT_EQ(msg.find("votes "), std::string::npos) << msg;  // the explanation is below "---"
    EXPECT_NE(slurp(info_dir / "patch").find("+int rx_5_null_check = 2;"), std::string::npos);

    s.h.repo.checkout("v2-stable");
    auto am = run_program({"git", "am", mails[0].string()}, s.h.repo.path());
    ASSERT_EQ(am.exit_code, 0) << am.err << am.out;
    EXPECT_EQ(s.h.repo.git({"log", "-1", "--format=%an|%s"}),
              "Test Author|net: fix NULL pointer dereference in rx path 500");
}

// A revert on main of a fix that v2-stable never took (it came after the branch point), and
// that v3-stable has (branched after it): the revert is selected like any fix, but for v2-stable
// it is "not affected" in the check, the JSON, the table and the mails — mailing it would give
// `git am -3` a patch that changes nothing ("No changes -- Patch already applied").
TEST(CliStableReview, RevertOfACommitTheTreeNeverTookIsNotAffected) {
    StableHistory s;
    auto& r = s.h.repo;
    std::string fix_subject = "net: fix NULL pointer dereference in rx path 510";
    std::string fixed =
        r.commit("drivers/net/fix_10.c", "int rx_10_null_check = 1;\nint rx_10_ring_check = 1;\n",
                 fix_subject +
                     "\n\nThe rx path crashes when the ring is empty.\n\n"
                     "Signed-off-by: Dev <dev@example.org>\n",
                 s.when());
    r.git({"branch", "v3-stable"});
    std::string revert = r.commit(
        "drivers/net/fix_10.c", "int rx_10_null_check = 1;\n",
        fmt::format("Revert \"{}\"\n\nThis reverts commit {}.\n\nThe rx path crashes when the "
                    "ring is empty after all: the check was wrong.\n\nSigned-off-by: Dev "
                    "<dev@example.org>\n",
                    fix_subject, fixed),
        s.when());
    // A change v2-stable made itself, with more in it (no marker, another patch id), and the same
    // change on main: already there in effect.
    r.checkout("v2-stable");
    r.write("drivers/net/extra.c", "int extra;\n");
    r.git({"add", "drivers/net/extra.c"});
    r.commit("drivers/net/fix_15.c", "int rx_15_null_check = 3;\n", "net: rework the rx checks\n",
             s.when());
    r.checkout("main");
    std::string same = r.commit("drivers/net/fix_15.c", "int rx_15_null_check = 3;\n",
                                "net: fix NULL pointer dereference in rx path 515\n", s.when());
    ASSERT_EQ(run_stablepick({"-q", "-C", s.dir(), "index"}).exit_code, 0);
    ASSERT_EQ(run_stablepick({"-q", "-C", s.dir(), "train"}).exit_code, 0);

    auto json = run_stablepick({"-q", "-C", s.dir(), "review", "--target", "v2-stable", "--target",
                                "v3-stable", "--format", "json", revert});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    auto j = nlohmann::json::parse(json.out)[0];
    ASSERT_TRUE(j["selected"].get<bool>()) << j.dump(2);  // else not mailing it proves nothing
    ASSERT_EQ(j["targets"].size(), 2u);
    auto v3 = j["targets"][0], v2 = j["targets"][1];
    EXPECT_EQ(v3["branch"], "v3-stable");
    EXPECT_TRUE(v3["affected"].get<bool>()) << v3.dump();
    EXPECT_EQ(v3["affected_reason"],
              fmt::format("the commit it reverts ({}) is in the branch", fixed.substr(0, 12)));
    EXPECT_TRUE(v3["applicable"].get<bool>()) << v3.dump();
    EXPECT_EQ(v2["branch"], "v2-stable");
    EXPECT_FALSE(v2["affected"].get<bool>()) << v2.dump();
    EXPECT_EQ(v2["affected_reason"],
              fmt::format("it reverts {} (\"{}\"), which v2-stable never took", fixed.substr(0, 12),
                          fix_subject));
    EXPECT_EQ(v2["applies"], "no changes");  // what git am -3 would find
    EXPECT_FALSE(v2["applicable"].get<bool>());
    EXPECT_EQ(j["autosel_range"], "3");  // the range leaves out the tree it does not affect
    EXPECT_TRUE(j["mail"].get<bool>());

    // For v2-stable alone: not mailed, and the JSON says why.
    auto only_v2 = run_stablepick(
        {"-q", "-C", s.dir(), "review", "--target", "v2-stable", "--format", "json", revert});
    ASSERT_EQ(only_v2.exit_code, 0) << only_v2.err;
    auto k = nlohmann::json::parse(only_v2.out)[0];
    EXPECT_FALSE(k["mail"].get<bool>());
    EXPECT_EQ(k["autosel_range"], "");
    std::string why = fmt::format(
        "no target tree takes it (v2-stable: not affected: it reverts {} "
        "(\"{}\"), which v2-stable never took)",
        fixed.substr(0, 12), fix_subject);
    EXPECT_EQ(k["not_mailed"], why);

    // The table says the same.
    auto table = run_stablepick({"-q", "-C", s.dir(), "review", "--target", "v2-stable", revert});
    ASSERT_EQ(table.exit_code, 0) << table.err;
    EXPECT_NE(
        table.out.find(fmt::format("v2-stable: not affected: it reverts {}", fixed.substr(0, 12))),
        std::string::npos)
        << table.out;
    EXPECT_EQ(table.out.find("[AUTOSEL"), std::string::npos) << table.out;

    // No mail, and a warning naming the commit and the reason. The earlier fix that v2-stable
    // has is mailed beside it.
    auto out = r.path() / "mails";
    auto mbox = run_stablepick({"-q", "-C", s.dir(), "review", "--target", "v2-stable", "--format",
                                "mbox", "--out", out.string(), revert, s.id["mailed"]});
    ASSERT_EQ(mbox.exit_code, 0) << mbox.err;
    EXPECT_NE(mbox.err.find(fmt::format("warning: {} (\"Revert \"{}\"\") is not mailed: {}",
                                        revert.substr(0, 12), fix_subject, why)),
              std::string::npos)
        << mbox.err;
    std::vector<std::string> mailed;
    for (auto& e : std::filesystem::directory_iterator(out)) mailed.push_back(slurp(e.path()));
    ASSERT_EQ(mailed.size(), 1u);
    EXPECT_NE(mailed[0].find("rx path 500"), std::string::npos);
    EXPECT_EQ(mailed[0].find("Revert"), std::string::npos);

    auto in_effect = run_stablepick(
        {"-q", "-C", s.dir(), "review", "--target", "v2-stable", "--format", "json", same});
    ASSERT_EQ(in_effect.exit_code, 0) << in_effect.err;
    auto e = nlohmann::json::parse(in_effect.out)[0];
    EXPECT_EQ(e["targets"][0]["applies"], "no changes") << e.dump(2);
    EXPECT_EQ(e["targets"][0]["already_there"], "in effect: a 3-way merge changes nothing");
    EXPECT_FALSE(e["mail"].get<bool>());

    // The fix of a bug v2-stable never had is not affected, and not mailed either.
    auto fix_json = run_stablepick({"-q", "-C", s.dir(), "review", "--target", "v2-stable",
                                    "--format", "json", s.id["not-affected"]});
    ASSERT_EQ(fix_json.exit_code, 0) << fix_json.err;
    auto f = nlohmann::json::parse(fix_json.out)[0];
    EXPECT_FALSE(f["targets"][0]["affected"].get<bool>());
    EXPECT_FALSE(f["mail"].get<bool>());
    EXPECT_EQ(f["autosel_range"], "");
}

TEST(CliStableReview, DecisionsAreRecordedShownAndConfirmed) {
    StableHistory s;
    ASSERT_EQ(run_stablepick({"-q", "-C", s.dir(), "index"}).exit_code, 0);
    ASSERT_EQ(run_stablepick({"-q", "-C", s.dir(), "train"}).exit_code, 0);
    auto take =
        run_stablepick({"-C", s.dir(), "decide", s.id["there"].substr(0, 10), "--take", "--branch",
                        "v2-stable", "--reason", "crash fix", "--reviewer", "greg"});
    ASSERT_EQ(take.exit_code, 0) << take.err;
    ASSERT_EQ(run_stablepick({"-q", "-C", s.dir(), "decide", s.id["conflict"], "--drop", "--branch",
                              "v2-stable", "--reviewer", "sasha"})
                  .exit_code,
              0);
    auto r = run_stablepick({"-q", "-C", s.dir(), "review", s.id["there"], s.id["conflict"]});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(fmt::format("earlier decision: take for v2-stable by greg on")),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find(": crash fix (confirmed by stable commit "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("earlier decision: drop for v2-stable by sasha"), std::string::npos)
        << r.out;
    // Every review is recorded, with the version that made it.
    {
        auto store = Store::open(testing::repo_store(s.h.repo.path()), Store::Mode::kRead);
        ASSERT_TRUE(store) << store.error().message;
        auto q = stablepick::store::connection_of(*store).prepare(
            "SELECT COUNT(*), MIN(version), MIN(result) FROM reviews");
        ASSERT_TRUE(q && *q->step());
        EXPECT_EQ(q->int64(0), 2);
        EXPECT_EQ(q->text(1), kVersion);
        EXPECT_NE(q->text(2).find("\"votes\""), std::string::npos);
    }
    // Train learns from them (a take counts as a backport) and still runs.
    EXPECT_EQ(run_stablepick({"-q", "-C", s.dir(), "train"}).exit_code, 0);

    EXPECT_EQ(
        run_stablepick({"-C", s.dir(), "decide", "deadbeef", "--take", "--branch", "v2-stable"})
            .exit_code,
        3);
    EXPECT_EQ(run_stablepick({"-C", s.dir(), "decide", s.id["there"], "--take", "--branch", "nope"})
                  .exit_code,
              3);
    EXPECT_EQ(
        run_stablepick({"-C", s.dir(), "decide", s.id["there"], "--branch", "v2-stable"}).exit_code,
        8);
    EXPECT_EQ(run_stablepick({"-C", s.dir(), "decide", s.id["there"], "--take", "--drop",
                              "--branch", "v2-stable"})
                  .exit_code,
              2);
}

TEST(CliStableReview, BadInput) {
    StableHistory s;
    ASSERT_EQ(run_stablepick({"-q", "-C", s.dir(), "index"}).exit_code, 0);
    ASSERT_EQ(run_stablepick({"-q", "-C", s.dir(), "train"}).exit_code, 0);
    auto missing =
        run_stablepick({"-C", s.dir(), "review", "--target", "v9-stable", s.id["mailed"]});
    EXPECT_EQ(missing.exit_code, 3);
    EXPECT_NE(missing.err.find("target branch 'v9-stable' does not exist"), std::string::npos)
        << missing.err;
    s.h.repo.git({"branch", "topic"});
    auto not_stable =
        run_stablepick({"-C", s.dir(), "review", "--target", "topic", s.id["mailed"]});
    EXPECT_EQ(not_stable.exit_code, 8);
    EXPECT_EQ(not_stable.err,
              "error: 'topic' is not a stable branch: index did not take it ('stablepick "
              "branches' says why; [branches] stable or index --branch names it)\n");
    // What index took is what a target may be: a branch indexed with --branch is one.
    ASSERT_EQ(
        run_stablepick({"-q", "-C", s.dir(), "index", "--no-embed", "--branch", "topic"}).exit_code,
        0);
    auto taken =
        run_stablepick({"-C", s.dir(), "review", "--no-llm", "--target", "topic", s.id["mailed"]});
    EXPECT_EQ(taken.exit_code, 0) << taken.err;
    auto stable_commit = s.h.repo.git({"rev-parse", "v2-stable"});
    stable_commit.pop_back();
    auto off_main =
        run_stablepick({"-C", s.dir(), "review", "--target", "v2-stable", stable_commit});
    EXPECT_EQ(off_main.exit_code, 3);
    EXPECT_NE(off_main.err.find("not on main (" + stable_commit + " is on v2-stable)"),
              std::string::npos)
        << off_main.err;

    // --last N reviews the newest main commits whatever HEAD is (here a stable branch), also
    // after a --target list; without commits or --last the command says what it needs.
    s.h.repo.checkout("v2-stable");
    auto last = run_stablepick({"-C", s.dir(), "review", "--target", "v2-stable", "--last", "2"});
    EXPECT_EQ(last.exit_code, 0) << last.err;
    EXPECT_NE(last.out.find("of 2 commits selected"), std::string::npos) << last.out;
    auto neither = run_stablepick({"-C", s.dir(), "review", "--target", "v2-stable"});
    EXPECT_EQ(neither.exit_code, 2);
    EXPECT_NE(neither.err.find("commits is required"), std::string::npos) << neither.err;
    // A count that is no count says so in words (CLI11's own check printed a 300-digit range).
    for (std::string bad : {"0", "abc", "-2", "3x"}) {
        auto r = run_stablepick({"-C", s.dir(), "review", "--last", bad});
        EXPECT_EQ(r.exit_code, 2) << bad;
        EXPECT_NE(r.err.find("'" + bad + "' is not a whole number of at least 1"),
                  std::string::npos)
            << r.err;
        EXPECT_LT(r.err.size(), 200u) << r.err;
    }
    auto cost = run_stablepick({"-C", s.dir(), "review", "--last", "1", "--max-cost", "-1"});
    EXPECT_EQ(cost.exit_code, 2);
    EXPECT_NE(cost.err.find("'-1' is not a number of at least 0"), std::string::npos) << cost.err;
    s.h.repo.checkout("main");
    auto no_target = run_stablepick({"-C", s.dir(), "review", "--format", "mbox", s.id["mailed"]});
    EXPECT_EQ(no_target.exit_code, 8);

    // An output directory that can't be made (its parent is a file): nothing is left behind.
    auto file = s.h.repo.path() / "a-file";
    std::ofstream(file) << "keep\n";
    auto bad_out = run_stablepick({"-C", s.dir(), "review", "--target", "v2-stable", "--format",
                                   "mbox", "--out", (file / "mails").string(), s.id["mailed"]});
    EXPECT_EQ(bad_out.exit_code, 7) << bad_out.err;
    EXPECT_EQ(slurp(file), "keep\n");
    for (auto& e : std::filesystem::directory_iterator(s.h.repo.path()))
        EXPECT_EQ(e.path().filename().string().find(".stablepick-"), std::string::npos) << e.path();

    // A range with merges: the merges are left out, and said so.
    s.h.repo.checkout("side", true, "main");
    s.h.repo.commit("side.c", "int side;\n", "side: add\n", kStart + 400 * kDay);
    s.h.repo.checkout("main");
    s.h.repo.git({"merge", "--no-ff", "-q", "-m", "Merge side", "side"});
    ASSERT_EQ(run_stablepick({"-q", "-C", s.dir(), "index"}).exit_code, 0);
    auto merged =
        run_stablepick({"-C", s.dir(), "review", "--target", "v2-stable", "main~1..main"});
    EXPECT_EQ(merged.exit_code, 0) << merged.err;
    EXPECT_NE(merged.err.find("1 merge commit(s) left out"), std::string::npos) << merged.err;
}

// Series: patches of one Link: thread by one author, and the commits one merge brought onto
// main (a pull request), each listed with the others; a big merge (a subsystem pull) is not a
// series. The merge map is kept by `index`, incrementally.
TEST(CliStableReview, SeriesByLinkThreadAndByMerge) {
    FixesAndFeatures h{120};
    auto& r = h.repo;
    int64_t day = kStart + 121 * kDay;
    r.git({"branch", "v2-stable"});
    auto linked = [&](int n) {
        return r.commit(fmt::format("src/series_{}.c", n), fmt::format("int s{};\n", n),
                        fmt::format("series: fix part {}\n\nLink: https://lore.kernel.org/r/"
                                    "20200501-topic-v2-{}-abc@example.org\n",
                                    n, n),
                        day += 60);
    };
    std::string s1 = linked(1), s2 = linked(2);
    r.commit("src/lonely.c", "int lonely;\n", "lonely: fix a leak\n", day += 60);
    r.checkout("pr", true, "main");
    std::string p1 = r.commit("src/pr.c", "int pr = 1;\n", "pr: fix the first thing\n", day += 60);
    std::string p2 = r.commit("src/pr.c", "int pr = 2;\n", "pr: fix the second thing\n", day += 60);
    r.checkout("main");
    r.commit("src/main.c", "int m;\n", "main: fix on the line itself\n", day += 60);
    r.git({"merge", "--no-ff", "-q", "-m", "Merge pull request #7", "pr"});
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "index"}).exit_code, 0);
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "train"}).exit_code, 0);

    auto series_of = [&](const std::string& commit) {
        auto out = run_stablepick(
            {"-q", "-C", h.dir(), "review", "--target", "v2-stable", "--json", commit});
        EXPECT_EQ(out.exit_code, 0) << out.err;
        std::vector<std::string> ids;
        auto review = nlohmann::json::parse(out.out);  // kept: the loop reads into it
        for (auto& s : review[0]["series"]) ids.push_back(s["id"]);
        return ids;
    };
    EXPECT_EQ(series_of(s1), std::vector<std::string>{s2});
    EXPECT_EQ(series_of(s2), std::vector<std::string>{s1});
    EXPECT_EQ(series_of(p1), std::vector<std::string>{p2});
    EXPECT_EQ(series_of(p2), std::vector<std::string>{p1});
    EXPECT_TRUE(series_of(r.git({"rev-parse", "main~1"}).substr(0, 40)).empty());  // on main
    // The LLM voters read it.
    auto prompts = h.repo.path() / "prompts";
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "review", "--target", "v2-stable",
                              "--make-prompt", prompts.string(), p1})
                  .exit_code,
              0);
    EXPECT_NE(slurp(prompts / (p1 + ".prompt.md"))
                  .find("Same series or merge as " + p2.substr(0, 12) +
                        " (\"pr: fix the second thing\")"),
              std::string::npos);

    // A later merge, recorded by the next index; a 25-commit pull is no series.
    r.checkout("subsystem", true, "main");
    std::string first_of_pull;
    for (int i = 0; i < 25; ++i) {
        auto id = r.commit(fmt::format("src/sub_{}.c", i), "int sub;\n",
                           fmt::format("sub: fix number {}\n", i), day += 60);
        if (i == 0) first_of_pull = id;
    }
    r.checkout("main");
    r.commit("src/main2.c", "int m2;\n", "main: another fix\n", day += 60);
    r.git({"merge", "--no-ff", "-q", "-m", "Merge branch 'subsystem'", "subsystem"});
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "index"}).exit_code, 0);
    EXPECT_TRUE(series_of(first_of_pull).empty());
    EXPECT_EQ(series_of(p1), std::vector<std::string>{p2});  // kept across runs
    auto store = Store::open(testing::repo_store(h.repo.path()), Store::Mode::kRead);
    ASSERT_TRUE(store.has_value());
    auto q = stablepick::store::connection_of(*store).prepare(
        "SELECT COUNT(*), COUNT(DISTINCT merge_sha) FROM merged_by");
    ASSERT_TRUE(q.has_value());
    ASSERT_TRUE(q->step().value_or(false));
    EXPECT_EQ(q->int64(0), 27);  // 2 + 25
    EXPECT_EQ(q->int64(1), 2);
}

}  // namespace
}  // namespace stablepick
