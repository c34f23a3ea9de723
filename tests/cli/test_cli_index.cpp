#include <fcntl.h>
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
