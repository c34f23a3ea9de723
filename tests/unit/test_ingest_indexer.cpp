#include <gtest/gtest.h>

#include <fstream>

#include "stablepick/ingest/backport_labels.hpp"
#include "stablepick/ingest/indexer.hpp"
#include "stablepick/store/sql.hpp"
#include "support/fixture_repo.hpp"
#include "support/store_dump.hpp"

namespace stablepick {
namespace {

using testing::FixtureRepo;
using testing::TempDir;

struct BackportFixture {
    FixtureRepo repo;
    std::string base, fix, feature, fix2, revert, docs;
    std::string pick_fix, pick_feature, silent_fix2, release, pick_upstream_form;

    BackportFixture() {
        base = repo.commit("src/a.c", "int a;\nint b;\nint c;\n", "core: add a.c");
        repo.checkout("v1-stable", true);
        release = repo.commit("VERSION", "1.0\n", "Release 1.0");
        repo.checkout("main");
        fix = repo.commit("src/a.c", "int a = 0;\nint b;\nint c;\n",
                          "core: initialise a\n\nFixes: " + base.substr(0, 12) +
                              " (\"core: add a.c\")\nCc: stable@example.org # 1.x\n"
                              "Signed-off-by: Dev <dev@example.org>");
        feature = repo.commit("src/b.c", "int feature;\n", "core: add a feature");
        fix2 = repo.commit("src/a.c", "int a = 0;\nint b = 1;\nint c;\n", "core: initialise b");
        repo.remove("src/b.c");
        revert = repo.commit_all("Revert \"core: add a feature\"\n\nThis reverts commit " +
                                 feature + ".");
        docs = repo.commit("README", "read me\n", "docs: add README");
        repo.checkout("v1-stable");
        pick_fix = repo.cherry_pick_x(fix);  // "(cherry picked from commit <fix>)"
        // The kernel's form, abbreviated id, lower case as DPDK writes it.
        pick_feature =
            repo.commit("src/b.c", "int feature;\n",
                        "core: add a feature\n\n[ upstream commit " + feature.substr(0, 12) + " ]");
        // The same change as fix2 with no marker: only patch-id matching can find it.
        silent_fix2 =
            repo.commit("src/a.c", "int a = 0;\nint b = 1;\nint c;\n", "core: initialise b");
        repo.checkout("main");
        // Branches that are not stable branches are ignored.
        repo.git({"branch", "feature-x"});
    }
};

std::filesystem::path db_in(const TempDir& dir) {
    return dir.path() / "store.sqlite";
}

Result<git::IndexReport> index(const std::filesystem::path& repo_path,
                               const std::filesystem::path& db, const Config& config = {},
                               git::IndexOptions options = {}) {
    auto repo = git::Repository::open(repo_path);
    if (!repo) return std::unexpected(repo.error());
    auto store = Store::open(db, Store::Mode::kWrite);
    if (!store) return std::unexpected(store.error());
    options.quiet = true;
    return git::run_index(*repo, *store, config, options);
}

std::vector<BackportLabel> labels(const std::filesystem::path& db) {
    auto store = Store::open(db, Store::Mode::kRead);
    EXPECT_TRUE(store.has_value());
    auto q = stablepick::store::connection_of(*store).prepare(
        "SELECT main_sha, branch, stable_sha, method FROM backports ORDER BY stable_time, "
        "main_sha");
    std::vector<BackportLabel> out;
    while (*q->step()) out.push_back({q->text(0), q->text(1), q->text(2), 0, q->text(3), ""});
    return out;
}

std::string scalar(const std::filesystem::path& db, const std::string& sql) {
    auto store = Store::open(db, Store::Mode::kRead);
    auto q = stablepick::store::connection_of(*store).prepare(sql);
    EXPECT_TRUE(q.has_value()) << sql;
    auto row = q->step();
    return row && *row ? q->text(0) : "";
}

TEST(Indexer, FindsMainAndStableBranchesByDefaultPatterns) {
    FixtureRepo repo;
    repo.commit("a", "a\n", "init");
    for (auto name : {"linux-6.6.y", "v255-stable", "stable-2.4", "release/2.39/master", "23.11",
                      "feature-x", "23.11-staging"})
        repo.git({"branch", name});
    auto r = git::Repository::open(repo.path());
    auto set = git::find_branches(*r, Config{});
    ASSERT_TRUE(set.has_value());
    EXPECT_EQ(set->main.name, "main");
    std::vector<std::string> names;
    for (auto& b : set->stable) names.push_back(b.name);
    EXPECT_EQ(names, (std::vector<std::string>{"23.11", "linux-6.6.y", "release/2.39/master",
                                               "stable-2.4", "v255-stable"}));
}

TEST(Indexer, MainBranchFoundWhenHeadPointsElsewhere) {
    FixtureRepo repo("master");
    repo.commit("a", "a\n", "init");
    repo.checkout("v1-stable", true);
    auto r = git::Repository::open(repo.path());
    auto set = git::find_branches(*r, Config{});
    ASSERT_TRUE(set.has_value());
    EXPECT_EQ(set->main.name, "master");
}

TEST(Indexer, LabelsByEveryMarkerFormAndByPatchId) {
    BackportFixture f;
    TempDir dir;
    auto report = index(f.repo.path(), db_in(dir));
    ASSERT_TRUE(report.has_value()) << report.error().message;
    EXPECT_TRUE(report->labels_updated);
    auto l = labels(db_in(dir));
    ASSERT_EQ(l.size(), 3u);
    EXPECT_EQ(l[0].main_id, f.fix);
    EXPECT_EQ(l[0].stable_id, f.pick_fix);
    EXPECT_EQ(l[0].method, "marker");
    EXPECT_EQ(l[0].branch, "v1-stable");
    EXPECT_EQ(l[1].main_id, f.feature);  // abbreviated "[ upstream commit ]" marker
    EXPECT_EQ(l[1].method, "marker");
    EXPECT_EQ(l[2].main_id, f.fix2);
    EXPECT_EQ(l[2].stable_id, f.silent_fix2);
    EXPECT_EQ(l[2].method, "patch-id");
}

// A store indexed under older marker rules keeps what they found until `index` finds the
// markers again from the stored messages; the labels follow.
TEST(Indexer, MarkersStoredUnderOlderRulesAreFoundAgain) {
    BackportFixture f;
    TempDir dir;
    ASSERT_TRUE(index(f.repo.path(), db_in(dir)).has_value());
    {
        auto store = Store::open(db_in(dir), Store::Mode::kWrite);
        ASSERT_TRUE(store.has_value());
        // What a looser rule took from prose: silent_fix2 "carries" the feature.
        ASSERT_TRUE(stablepick::store::connection_of(*store)
                        .exec("INSERT INTO markers SELECT id, 0, '" + f.feature.substr(0, 10) +
                              "', 'master-commit' FROM commits WHERE sha = '" + f.silent_fix2 +
                              "'; UPDATE meta SET value = '1' WHERE key = 'markers_version'")
                        .has_value());
    }
    auto again = index(f.repo.path(), db_in(dir));
    ASSERT_TRUE(again.has_value()) << again.error().message;
    EXPECT_TRUE(again->labels_updated);
    EXPECT_EQ(scalar(db_in(dir), "SELECT value FROM meta WHERE key = 'markers_version'"), "2");
    EXPECT_EQ(scalar(db_in(dir),
                     "SELECT COUNT(*) FROM markers m JOIN commits c ON c.id = "
                     "m.commit_id WHERE c.sha = '" +
                         f.silent_fix2 + "'"),
              "0");
    auto l = labels(db_in(dir));
    ASSERT_EQ(l.size(), 3u);
    EXPECT_EQ(l[2].stable_id, f.silent_fix2);
    EXPECT_EQ(l[2].main_id, f.fix2);
    EXPECT_EQ(l[2].method, "patch-id");
}

TEST(Indexer, SubjectsAgreeDespiteTagsAndAFewWords) {
    EXPECT_TRUE(subjects_agree("networkd: don't remove ip address",
                               "networkd: don't remove ip address (#14)"));
    EXPECT_TRUE(subjects_agree("[PATCH v2 3/5] net: fix a leak", "net: fix a leak"));
    EXPECT_TRUE(subjects_agree("net/iavf: fix Tx context descriptor",
                               "net/iavf: fix wrong Tx context descriptor"));
    EXPECT_FALSE(subjects_agree("Fix typo.", "Fix typos."));
    EXPECT_FALSE(
        subjects_agree("meson: use a non-debug build", "meson: turn off debug by default"));
    EXPECT_FALSE(subjects_agree("hwdb: fix swapped buttons for Logitech Lift left",
                                "hwdb: update to 11875a98e4f1c31e247d99e00c7774ea3653bafd"));
    EXPECT_FALSE(subjects_agree("", ""));
}

TEST(Indexer, StoresTrailersRevertsFilesAndHunks) {
    BackportFixture f;
    TempDir dir;
    ASSERT_TRUE(index(f.repo.path(), db_in(dir)).has_value());
    auto db = db_in(dir);
    EXPECT_EQ(scalar(db,
                     "SELECT ref_id FROM trailers t JOIN commits c ON c.id = t.commit_id "
                     "WHERE c.sha = '" +
                         f.fix + "' AND kind = 'fixes'"),
              f.base.substr(0, 12));
    EXPECT_EQ(scalar(db,
                     "SELECT comment FROM trailers t JOIN commits c ON c.id = t.commit_id "
                     "WHERE c.sha = '" +
                         f.fix + "' AND kind = 'cc-stable'"),
              "1.x");
    EXPECT_EQ(scalar(db, "SELECT revert_of FROM commits WHERE sha = '" + f.revert + "'"),
              f.feature);
    EXPECT_EQ(scalar(db,
                     "SELECT status || ':' || path || ':' || removed FROM files f JOIN commits c "
                     "ON c.id = f.commit_id WHERE c.sha = '" +
                         f.revert + "'"),
              "D:src/b.c:1");
    EXPECT_EQ(scalar(db, "SELECT COUNT(*) FROM commits"), "10");  // 6 main + 4 stable-only
    EXPECT_EQ(scalar(db, "SELECT COUNT(*) FROM branches"), "2");
}

TEST(Indexer, SecondRunChangesNothingAndNewCommitsAreIncremental) {
    BackportFixture f;
    TempDir dir;
    ASSERT_TRUE(index(f.repo.path(), db_in(dir)).has_value());
    std::string first = testing::dump_store(db_in(dir));
    auto again = index(f.repo.path(), db_in(dir));
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->new_commits, 0);
    EXPECT_FALSE(again->labels_updated);
    EXPECT_EQ(testing::first_difference(testing::dump_store(db_in(dir)), first), "");

    f.repo.commit("src/c.c", "c\n", "core: add c");
    f.repo.checkout("v1-stable");
    f.repo.cherry_pick_x(f.docs);
    auto third = index(f.repo.path(), db_in(dir));
    ASSERT_TRUE(third.has_value());
    EXPECT_EQ(third->new_commits, 2);
    EXPECT_EQ(labels(db_in(dir)).size(), 4u);
}

TEST(Indexer, RunStoppedMidwayAndRestartedEqualsOneCleanRun) {
    TempDir repo_dir, a, b;
    testing::generate_history(repo_dir.path(), 1600);
    ASSERT_TRUE(index(repo_dir.path(), db_in(a)).has_value());
    git::IndexOptions stop;
    stop.stop_after = 600;  // stops inside main, after two checkpoints
    stop.batch_size = 300;
    auto partial = index(repo_dir.path(), db_in(b), {}, stop);
    ASSERT_TRUE(partial.has_value());
    EXPECT_TRUE(partial->stopped_early);
    EXPECT_LT(partial->new_commits, 1600);
    auto rest = index(repo_dir.path(), db_in(b));
    ASSERT_TRUE(rest.has_value());
    EXPECT_EQ(
        testing::first_difference(testing::dump_store(db_in(a)), testing::dump_store(db_in(b))),
        "");
    EXPECT_EQ(scalar(db_in(b), "SELECT COUNT(DISTINCT main_sha) FROM backports"), "267");
}

// --stop-after N stores N new commits, not the rest of the batch it falls in; stopping right at
// a branch's end leaves the next branch for the later run.
TEST(Indexer, StopAfterStopsWhereItSays) {
    TempDir repo_dir, a, b;
    testing::generate_history(repo_dir.path(), 1600);
    git::IndexOptions stop;
    stop.stop_after = 250;  // inside the first batch of 2048
    auto partial = index(repo_dir.path(), db_in(a), {}, stop);
    ASSERT_TRUE(partial.has_value());
    EXPECT_TRUE(partial->stopped_early);
    EXPECT_EQ(partial->new_commits, 250);
    EXPECT_EQ(scalar(db_in(a), "SELECT COUNT(*) FROM commits"), "250");

    auto whole = index(repo_dir.path(), db_in(b));
    ASSERT_TRUE(whole.has_value());
    int64_t main_commits = whole->branches.front().new_commits;
    TempDir c;
    stop.stop_after = main_commits;  // exactly main: the stable branches are left
    auto at_end = index(repo_dir.path(), db_in(c), {}, stop);
    ASSERT_TRUE(at_end.has_value());
    EXPECT_EQ(at_end->new_commits, main_commits);
    EXPECT_TRUE(at_end->stopped_early);
    auto rest = index(repo_dir.path(), db_in(c));
    ASSERT_TRUE(rest.has_value());
    EXPECT_EQ(
        testing::first_difference(testing::dump_store(db_in(b)), testing::dump_store(db_in(c))),
        "");
}

TEST(Indexer, MissingBlobIsSkippedCountedAndTheCommitKept) {
    FixtureRepo repo;
    repo.commit("a.txt", "a\n", "init");
    std::string big =
        repo.commit("big.bin", "large content that the clone lacks\n", "add the big file");
    std::string blob = repo.git({"rev-parse", big + ":big.bin"});
    std::filesystem::remove(repo.path() / ".git/objects" / blob.substr(0, 2) / blob.substr(2));
    TempDir dir;
    auto report = index(repo.path(), db_in(dir));
    ASSERT_TRUE(report.has_value()) << report.error().message;
    EXPECT_EQ(report->skipped_files, 1);
    EXPECT_EQ(scalar(db_in(dir), "SELECT COUNT(*) FROM commits"), "2");
    EXPECT_EQ(scalar(db_in(dir), "SELECT path FROM skips"), "big.bin");
    EXPECT_EQ(scalar(db_in(dir), "SELECT skipped FROM files WHERE path = 'big.bin'"), "1");
}

TEST(Indexer, CorruptCommitObjectFailsAndLeavesTheStoreUntouched) {
    FixtureRepo repo;
    repo.commit("a.txt", "a\n", "init");
    std::string second = repo.commit("a.txt", "b\n", "second");
    repo.commit("a.txt", "c\n", "third");
    auto obj = repo.path() / ".git/objects" / second.substr(0, 2) / second.substr(2);
    std::filesystem::permissions(obj, std::filesystem::perms::owner_all);
    std::ofstream(obj, std::ios::binary | std::ios::trunc) << "garbage, not zlib";
    TempDir dir;
    { ASSERT_TRUE(Store::open(db_in(dir), Store::Mode::kWrite).has_value()); }
    std::string before = testing::dump_store(db_in(dir));
    auto report = index(repo.path(), db_in(dir));
    ASSERT_FALSE(report.has_value());
    EXPECT_EQ(report.error().code, ErrorCode::kCorrupt);
    EXPECT_NE(report.error().message.find("branch 'main'"), std::string::npos)
        << report.error().message;
    EXPECT_EQ(testing::first_difference(testing::dump_store(db_in(dir)), before), "");
}

TEST(Indexer, NonUtf8MessagesHugeDiffsAndBinaryFiles) {
    FixtureRepo repo;
    repo.commit("a.txt", "a\n", "init");
    // Declared Latin-1 (an "encoding" header) is converted; undeclared bad bytes are replaced.
    repo.write("b.txt", "b\n");
    repo.git({"add", "b.txt"});
    repo.git({"-c", "i18n.commitEncoding=ISO-8859-1", "commit", "-q", "-m", "caf\xe9: fix"});
    std::string latin1 = repo.head();
    auto imported = testing::run_program({"git", "fast-import", "--quiet"}, repo.path(),
                                         "commit refs/heads/main\ncommitter A <a@x.org> 1577840000 "
                                         "+0000\ndata 12\nbad \xff\xfe bytes\n"
                                         "from " +
                                             latin1 + "\n\n");
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    std::string invalid = repo.git({"rev-parse", "main"});
    repo.git({"reset", "-q", "--hard", "main"});
    std::string lines;
    for (int i = 0; i < 5000; ++i) lines += "line " + std::to_string(i) + "\n";
    std::string huge = repo.commit("huge.txt", lines, "add a huge file");
    std::string binary =
        repo.commit("img.png", std::string("\x89PNG\r\n\x1a\n\0\0\0binary", 17), "add an image");
    TempDir dir;
    Config config;
    config.index.max_diff_bytes = 4096;
    ASSERT_TRUE(index(repo.path(), db_in(dir), config).has_value());
    auto db = db_in(dir);
    EXPECT_EQ(scalar(db, "SELECT subject FROM commits WHERE sha = '" + latin1 + "'"),
              "caf\xC3\xA9: fix");
    EXPECT_EQ(scalar(db, "SELECT subject FROM commits WHERE sha = '" + invalid + "'"),
              "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes");
    EXPECT_EQ(scalar(db, "SELECT diff_truncated FROM commits WHERE sha = '" + huge + "'"), "1");
    EXPECT_EQ(
        scalar(db,
               "SELECT added FROM files f JOIN commits c ON c.id = f.commit_id WHERE c.sha = '" +
                   huge + "'"),
        "5000");
    EXPECT_EQ(scalar(db, "SELECT binary FROM files WHERE path = 'img.png'"), "1");
}

TEST(Indexer, TwoWritersAreRefused) {
    TempDir dir;
    auto first = Store::open(db_in(dir), Store::Mode::kWrite);
    ASSERT_TRUE(first.has_value());
    auto second = Store::open(db_in(dir), Store::Mode::kWrite);
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(second.error().message.find("in use by another stablepick run"), std::string::npos);
    // Readers are not blocked by a writer.
    EXPECT_TRUE(Store::open(db_in(dir), Store::Mode::kRead).has_value());
}

TEST(Indexer, DiskFullFailsCleanlyAndARerunCompletesTheStore) {
    TempDir repo_dir, clean, full;
    testing::generate_history(repo_dir.path(), 1200);
    ASSERT_TRUE(index(repo_dir.path(), db_in(clean)).has_value());
    {
        auto repo = git::Repository::open(repo_dir.path());
        auto store = Store::open(db_in(full), Store::Mode::kWrite);
        ASSERT_TRUE(store.has_value());
        // SQLite reports SQLITE_FULL once the file would outgrow this many pages: a disk
        // that fills up mid-run.
        ASSERT_TRUE(stablepick::store::connection_of(*store)
                        .exec("PRAGMA max_page_count = 150")
                        .has_value());
        git::IndexOptions options;
        options.quiet = true;
        options.batch_size = 200;
        auto report = git::run_index(*repo, *store, Config{}, options);
        ASSERT_FALSE(report.has_value());
        EXPECT_EQ(report.error().code, ErrorCode::kIo);
        EXPECT_NE(report.error().message.find("full"), std::string::npos) << report.error().message;
    }
    ASSERT_TRUE(index(repo_dir.path(), db_in(full)).has_value());
    EXPECT_EQ(testing::first_difference(testing::dump_store(db_in(clean)),
                                        testing::dump_store(db_in(full))),
              "");
}

TEST(Indexer, UnknownMainOrStableBranchIsNotFound) {
    FixtureRepo repo;
    repo.commit("a", "a\n", "init");
    TempDir dir;
    git::IndexOptions options;
    options.main_branch = "trunk";
    auto r = index(repo.path(), db_in(dir), {}, options);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
    EXPECT_NE(r.error().message.find("trunk"), std::string::npos);
    git::IndexOptions only;
    only.only_branches = {"v9-stable"};
    r = index(repo.path(), db_in(dir), {}, only);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace stablepick

namespace stablepick {
namespace {

std::string facts(const std::filesystem::path& db) {
    auto store = Store::open(db, Store::Mode::kRead);
    std::string out;
    for (auto sql :
         {"SELECT sha || ' ' || IFNULL(patch_id, '-') || ' ' || diff_bytes FROM commits ORDER BY "
          "sha",
          "SELECT c.sha || ' ' || f.path || ' ' || f.added || ' ' || f.removed || ' ' || f.status "
          "FROM files f JOIN commits c ON c.id = f.commit_id ORDER BY c.sha, f.seq",
          "SELECT main_sha || ' ' || stable_sha || ' ' || method FROM backports ORDER BY 1"}) {
        auto q = stablepick::store::connection_of(*store).prepare(sql);
        while (*q->step()) out += q->text(0) + "\n";
    }
    return out;
}

TEST(Indexer, GitAndLibgit2DiffReadersRecordTheSameFacts) {
    BackportFixture f;
    TempDir a, b;
    Config with_git, with_libgit2;
    with_libgit2.index.diff_reader = "libgit2";
    ASSERT_TRUE(index(f.repo.path(), db_in(a), with_git).has_value());
    ASSERT_TRUE(index(f.repo.path(), db_in(b), with_libgit2).has_value());
    EXPECT_EQ(facts(db_in(a)), facts(db_in(b)));
    EXPECT_NE(facts(db_in(a)).find("patch-id"), std::string::npos);
}

TEST(Indexer, MissingBlobsInTheMiddleOfAGitBatchFallBackOnlyForThoseCommits) {
    FixtureRepo repo;
    std::vector<std::string> ids;
    for (int i = 0; i < 12; ++i) {
        std::string name = i == 4 || i == 8 ? "lost" + std::to_string(i) + ".bin"
                                            : "f" + std::to_string(i) + ".txt";
        ids.push_back(repo.commit(name, "content " + std::to_string(i) + "\n",
                                  "commit " + std::to_string(i)));
    }
    for (int i : {4, 8}) {
        std::string blob = repo.git({"rev-parse", ids[i] + ":lost" + std::to_string(i) + ".bin"});
        std::filesystem::remove(repo.path() / ".git/objects" / blob.substr(0, 2) / blob.substr(2));
    }
    TempDir dir;
    auto report = index(repo.path(), db_in(dir));
    ASSERT_TRUE(report.has_value()) << report.error().message;
    EXPECT_EQ(report->skipped_files, 2);
    EXPECT_EQ(scalar(db_in(dir), "SELECT COUNT(*) FROM commits"), "12");
    EXPECT_EQ(scalar(db_in(dir), "SELECT COUNT(*) FROM files WHERE skipped = 0"), "10");
}

}  // namespace
}  // namespace stablepick
