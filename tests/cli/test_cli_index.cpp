#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "stablepick/store/store.hpp"
#include "support/branch_history.hpp"
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

// Labels on a history built for each rule: a patch id is evidence only with enough changed
// content or agreeing subjects, never for a one-line diff years apart nor for a change the branch
// already had; prose naming "master commit <sha>" is no marker, the marker forms are.
struct LabelHistory {
    FixtureRepo r;
    std::string typo, non_debug, rework, leak, last_line, spelling;
    std::string pick_leak, pick_rework, pick_last_line;

    static std::string numbered(int n, const std::string& tag) {
        std::string s;
        for (int i = 1; i <= n; ++i) s += "line " + std::to_string(i) + " " + tag + "\n";
        return s;
    }
    static std::string with(std::string text, const std::string& from, const std::string& to) {
        text.replace(text.find(from), from.size(), to);
        return text;
    }

    LabelHistory() {
        std::string loop = with(numbered(12, "loop"), "line 6 loop", "    break;");
        std::string parser = numbered(20, "parser");
        r.write("src/loop.c", loop);
        r.write("src/parser.c", parser);
        r.write("README", "teh manual\n");
        r.write("meson.build", "debug = true\n");
        r.commit_all("Initial import", 1104580800);  // 2005-01-01
        r.git({"branch", "v1-stable"});
        std::string loop_fixed = with(loop, "    break;", "    return;");
        typo = r.commit("src/loop.c", loop_fixed, "Fix typo.", 1141214400);  // 2006
        spelling = r.commit("README", "the manual\n", "docs: fix a word", 1464782400);
        non_debug = r.commit("meson.build", "debug = false\n", "meson: use a non-debug build",
                             1488369600);  // 2017-03
        r.commit("meson.build", "debug = true\n", "meson: turn debug back on", 1504267200);
        r.git({"branch", "v2-stable"});  // 2017-09: has the non-debug commit in its history
        std::string parser_reworked = parser;
        for (int i = 5; i <= 9; ++i)
            parser_reworked = with(parser_reworked, "line " + std::to_string(i) + " parser",
                                   "line " + std::to_string(i) + " parser reworked");
        rework = r.commit("src/parser.c", parser_reworked, "core: rework the parser",
                          1556712000);  // 2019-05, 10 changed lines
        std::string loop_leak = with(loop_fixed, "line 10 loop", "line 10 loop freed");
        leak = r.commit("src/loop.c", loop_leak, "core: fix a leak", 1583064000);  // 2020-03
        last_line = r.commit("src/loop.c", with(loop_leak, "line 12 loop", "line 12 loop last"),
                             "loop: handle the last line", 1622548800);  // 2021-06

        r.checkout("v1-stable");
        r.commit("README", "the manual\n", "README: spelling", 1472731200);  // small, other subject
        std::string v1_loop = with(loop, "line 10 loop", "line 10 loop freed");
        pick_leak = r.commit("src/loop.c", v1_loop, "core: fix a leak", 1585742400);  // 1 month
        pick_rework = r.commit("src/parser.c", parser_reworked, "parser: backport the rework",
                               1641038400);  // 10 lines: evidence with another subject
        r.commit("src/parser.c", with(parser_reworked, "line 15 parser", "line 15 parser tidy"),
                 "parser: tidy\n\nDo this along the lines of what\nmaster commit " +
                     rework.substr(0, 10) + " does.\n",
                 1643716800);
        pick_last_line = r.commit(
            "src/loop.c",
            with(with(v1_loop, "line 12 loop", "line 12 loop last"), "line 11 loop",
                 "line 11 loop also"),
            "loop: handle the last line\n\n[ master commit " + last_line + " ]\n", 1646136000);
        r.commit("src/loop.c",
                 with(with(with(v1_loop, "line 12 loop", "line 12 loop last"), "line 11 loop",
                           "line 11 loop also"),
                      "    break;", "    return;"),
                 "Fix typo.", 1706788800);  // 2024: the 2006 one-line diff, 18 years later

        r.checkout("v2-stable");
        r.commit("meson.build", "debug = false\n", "meson: use a non-debug build",
                 1512129600);  // 2017-12: the branch's own toggle
        r.checkout("main");
    }
};

TEST(CliIndex, PatchIdLabelsNeedEvidenceAndMarkersAreStrict) {
    LabelHistory h;
    std::string dir = h.r.path().string();
    auto r = run_stablepick({"-C", dir, "index", "--no-embed"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("patch ids: 2 labels; 3 matches refused (1 already in the branch, 1 small "
                         "diffs with other subjects, 1 small diffs more than 365 days apart)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.err.find("warning: 1 of 2 patch-id labels join commits whose subjects differ; read "
                         "them with 'stablepick labels --method patch-id --subjects-differ'"),
              std::string::npos)
        << r.err;

    auto all = run_stablepick({"-C", dir, "labels", "--json"});
    ASSERT_EQ(all.exit_code, 0) << all.err;
    std::set<std::string> got;
    std::istringstream lines(all.out);
    for (std::string line; std::getline(lines, line);) {
        auto j = nlohmann::json::parse(line);
        got.insert(j["main"].get<std::string>() + " " + j["branch"].get<std::string>() + " " +
                   j["stable"].get<std::string>() + " " + j["method"].get<std::string>());
    }
    EXPECT_EQ(got, (std::set<std::string>{
                       h.leak + " v1-stable " + h.pick_leak + " patch-id",
                       h.rework + " v1-stable " + h.pick_rework + " patch-id",
                       h.last_line + " v1-stable " + h.pick_last_line + " marker",
                   }));

    auto doubtful =
        run_stablepick({"-C", dir, "labels", "--method", "patch-id", "--subjects-differ"});
    ASSERT_EQ(doubtful.exit_code, 0) << doubtful.err;
    EXPECT_EQ(doubtful.out, h.rework.substr(0, 12) + " v1-stable              " +
                                h.pick_rework.substr(0, 12) +
                                " 2022-01-01 patch-id\n    main:   core: rework the parser\n"
                                "    stable: parser: backport the rework\n");
    auto stats = run_stablepick({"-C", dir, "stats"});
    ASSERT_EQ(stats.exit_code, 0) << stats.err;
    EXPECT_NE(stats.out.find("patch-id labels: 2, 1 of them between different subjects"),
              std::string::npos)
        << stats.out;

    // The rules come from the config; changing them recomputes the labels.
    auto config = h.r.path() / "labels.toml";
    std::ofstream(config) << "[labels]\npatch_id_min_lines = 20\n";
    auto stricter = run_stablepick({"-C", dir, "--config", config.string(), "index", "--no-embed"});
    ASSERT_EQ(stricter.exit_code, 0) << stricter.err;
    EXPECT_NE(stricter.out.find("backport labels updated"), std::string::npos) << stricter.out;
    EXPECT_NE(stricter.out.find("patch ids: 1 labels; 4 matches refused"), std::string::npos)
        << stricter.out;
    EXPECT_EQ(stricter.err.find("subjects differ"), std::string::npos) << stricter.err;
    std::ofstream(config) << "[labels]\npatch_id_min_lines = 0\n";
    auto bad = run_stablepick({"-C", dir, "--config", config.string(), "index"});
    EXPECT_EQ(bad.exit_code, 8);
    EXPECT_NE(bad.err.find("labels.patch_id_min_lines must be positive and "
                           "labels.patch_id_small_max_days not negative, not 0 and 365"),
              std::string::npos)
        << bad.err;
}

// A project whose stable branches no default pattern names (xy-1-58): taken by their
// backports, said so, and the branches left out with why; stats, labels and --branch see them.
TEST(CliIndex, StableBranchesNamedLikeNoPatternAreTakenByTheirHistory) {
    testing::XyProject p;
    auto r = run_stablepick({"-C", p.dir(), "index", "--no-embed"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_NE(r.out.find("main branch: main (the only one of master, main, staging, trunk that "
                         "exists)\nstable branches (3, by name and history): xy-1-56, xy-1-57, "
                         "xy-1-58\n"),
              std::string::npos)
        << r.out;
    for (auto* line :
         {"left out: aaribaud/y2038 (only 1 of its 6 commits is a backport of a main commit (a "
          "stable branch has at least 1 in 5))\n",
          "left out: fw/bug1-backport (2 of its 2 commits are backports of main commits, but it "
          "is named unlike the stable branches (xy-1-56, …): [branches] stable takes it if it is "
          "one)\n",
          "left out: next-for-main (no commits of its own: its tip is on 'main')\n",
          "left out: pages (shares no history with 'main')\n"})
        EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;

    auto stats = run_stablepick({"-C", p.dir(), "stats", "--json"});
    ASSERT_EQ(stats.exit_code, 0) << stats.err;
    EXPECT_EQ(nlohmann::json::parse(stats.out)["main_backported"], 2) << stats.out;
    auto labels = run_stablepick({"-C", p.dir(), "labels", p.fixes[0].substr(0, 12)});
    ASSERT_EQ(labels.exit_code, 0) << labels.err;
    EXPECT_NE(labels.out.find("xy-1-58"), std::string::npos) << labels.out;
    auto one = run_stablepick({"-C", p.dir(), "index", "--no-embed", "--branch", "xy-1-58"});
    ASSERT_EQ(one.exit_code, 0) << one.err;
    EXPECT_NE(one.out.find("stable branches (1, --branch): xy-1-58\n"), std::string::npos)
        << one.out;
}

TEST(CliIndex, MainBranchIsTheNewerStagingThatContainsMaster) {
    FixtureRepo repo("master");
    repo.commit("a.c", "int a;\n", "start\n");
    repo.git({"branch", "v1-stable"});
    repo.checkout("staging", true);
    repo.commit("b.c", "int b;\n", "newer work\n");
    repo.checkout("master");
    auto r = run_stablepick({"-C", repo.path().string(), "index", "--no-embed"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("main branch: staging (contains 'master')\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("staging                         2 new commits  (main)"),
              std::string::npos)
        << r.out;
}

TEST(CliIndex, NoStableBranchIsWarnedNamingTheConfigKeyAndAnExample) {
    FixtureRepo repo;
    repo.commit("a.c", "int a;\n", "start\n");
    repo.checkout("feature-2", true);
    repo.commit("b.c", "int b;\n", "feature: work\n");
    repo.checkout("main");
    auto r = run_stablepick({"-C", repo.path().string(), "index", "--no-embed"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("warning: no stable branch found in '"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("': no branch name matches the stable branch patterns, and no other "
                         "branch (1 in all) forks from 'main' with backport markers in a fifth of "
                         "its commits; if the project has stable branches, name them in the "
                         "config: [branches] stable = ['feature-\\d+']\n"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.out.find("stable branches (0, by name and history): none\n"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("left out: feature-2 (its one commit is not a backport of a main commit: "
                         "development work)\n"),
              std::string::npos)
        << r.out;
}

TEST(CliIndex, BranchAndMainOptionsNameExistingBranches) {
    testing::XyProject p;
    auto unknown = run_stablepick({"-C", p.dir(), "index", "--branch", "xy-9"});
    EXPECT_EQ(unknown.exit_code, 3);
    EXPECT_NE(unknown.err.find("error: no branch 'xy-9' in '"), std::string::npos) << unknown.err;
    EXPECT_NE(unknown.err.find("' (--branch)\n"), std::string::npos) << unknown.err;
    auto main = run_stablepick({"-C", p.dir(), "index", "--branch", "main"});
    EXPECT_EQ(main.exit_code, 8);
    EXPECT_EQ(main.err, "error: 'main' is the main branch, not a stable branch (--branch)\n");
    auto unrelated = run_stablepick({"-C", p.dir(), "index", "--branch", "pages"});
    EXPECT_EQ(unrelated.exit_code, 8);
    EXPECT_EQ(unrelated.err, "error: 'pages' shares no history with the main branch 'main'\n");
    auto no_main = run_stablepick({"-C", p.dir(), "index", "--main", "trunk"});
    EXPECT_EQ(no_main.exit_code, 3);
    EXPECT_NE(no_main.err.find("error: no branch 'trunk' in '"), std::string::npos) << no_main.err;
}

// Many branches left out: counted by reason, a few named, and `branches` for the rest.
TEST(CliIndex, ManyBranchesLeftOutAreCountedByReason) {
    FixtureRepo repo;
    repo.commit("a.c", "int a;\n", "start\n");
    for (int i = 0; i < 11; ++i) repo.git({"branch", fmt::format("topic/{:02}", i)});
    repo.checkout("wip", true);
    repo.commit("b.c", "int b;\n", "b: work in progress\n");
    repo.checkout("main");
    auto r = run_stablepick({"-C", repo.path().string(), "index", "--no-embed"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("left out 12 branches: 11 have no commits of their own (topic/00, "
                         "topic/01, topic/02, …); 1 is development work, with few or no "
                         "backports (wip); 'stablepick branches' says why for each\n"),
              std::string::npos)
        << r.out;
}

// `branches`: the same choice without indexing, every branch with its reason; no store.
TEST(CliBranches, EveryBranchWithItsReasonWithoutAStore) {
    testing::XyProject p;
    auto r = run_stablepick({"-C", p.dir(), "branches"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_NE(r.out.find("stable branches (3, by name and history):\n"
                         "  xy-1-56           2 of its 2 commits are backports of main commits\n"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("left out (4):\n  aaribaud/y2038    only 1 of its 6 commits"),
              std::string::npos)
        << r.out;
    EXPECT_FALSE(std::filesystem::exists(p.r.path() / ".git/stablepick"));
    auto j = run_stablepick({"-C", p.dir(), "branches", "--json"});
    ASSERT_EQ(j.exit_code, 0) << j.err;
    auto json = nlohmann::json::parse(j.out);
    EXPECT_EQ(json["main"]["name"], "main");
    EXPECT_EQ(json["stable"], nlohmann::json::parse(R"(["xy-1-56", "xy-1-57", "xy-1-58"])"));
    for (auto& b : json["branches"])
        if (b["name"] == "fw/bug1-backport") {
            EXPECT_EQ(b["why"], "other-family");
            EXPECT_EQ(b["backports"], 2);
            EXPECT_FALSE(b["stable"].get<bool>());
        }
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
