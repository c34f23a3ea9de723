// `stablepick cve ranges`: where a bug came in and where it was fixed on every branch, checked
// line by line on histories built for it: a kernel-like one (stable branches with their own
// tags: a fix backported to some branches and not others, a reverted backport, a Fixes: target
// that was itself backported, a branch that never had the bug, one forked after the fix) and a
// glibc-like one (no tags on the stable branches: versions by describe).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "support/cve_history.hpp"

namespace stablepick {
namespace {

using testing::FixtureRepo;
using testing::KernelLike;
using testing::run_stablepick;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        if (end > pos) out.push_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

class CliCveRanges : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        k_ = new KernelLike();
        auto idx = run_stablepick({"-q", "-C", k_->dir(), "index"});
        ASSERT_EQ(idx.exit_code, 0) << idx.err;
    }
    static void TearDownTestSuite() { delete k_; }
    static KernelLike* k_;
};
KernelLike* CliCveRanges::k_ = nullptr;

TEST_F(CliCveRanges, DyadLinesPerBranch) {
    auto& k = *k_;
    auto r = run_stablepick({"-C", k.dir(), "cve", "ranges", k.f, "--dyad"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> want{
        // the Fixes: target was itself backported to 1.0.y: the bug came in with that backport
        fmt::format("1.0.2:{}:1.0.3:{}", k.v_on_10, k.f_on_10),
        fmt::format("1.1:{}:1.1.2:{}", k.v, k.f_on_11),
        fmt::format("1.1:{}:1.3:{}", k.v, k.f),  // the main line
        // 1.2.y: the backport was reverted; stable-1.2: the fix never came
        fmt::format("1.1:{}:0:0", k.v),
        fmt::format("1.1:{}:0:0", k.v),
    };
    EXPECT_EQ(lines_of(r.out), want) << r.out;
}

TEST_F(CliCveRanges, JsonSaysWhyAndWhoIsNotAffected) {
    auto& k = *k_;
    auto r = run_stablepick({"-C", k.dir(), "cve", "ranges", k.f, "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["vulnerable"], nlohmann::json::array({k.v}));
    EXPECT_EQ(j["versions"], "tags");
    EXPECT_EQ(j["files"], nlohmann::json::array({"cache.c"}));
    std::map<std::string, nlohmann::json> by_branch;
    for (auto& l : j["lines"]) by_branch[l["branch"]] = l;
    EXPECT_EQ(by_branch["linux-1.2.y"]["note"],
              fmt::format("backport {} reverted by {}", k.f_on_12.substr(0, 12),
                          k.revert_on_12.substr(0, 12)));
    EXPECT_EQ(by_branch["stable-1.2"]["note"], "fix never backported");
    EXPECT_TRUE(by_branch["master"]["main"].get<bool>());
    std::map<std::string, std::string> not_affected;
    for (auto& l : j["not_affected"]) not_affected[l["branch"]] = l["note"];
    EXPECT_EQ(not_affected["stable-1.0"], "the bug never came in");
    EXPECT_EQ(not_affected["linux-1.3.y"], "forked from the main branch after the fix");
    EXPECT_EQ(not_affected.size(), 2u);
}

TEST_F(CliCveRanges, VulnerableCommitGivenOrUnknown) {
    auto& k = *k_;
    // --vulnerable names the origin (here the same as the Fixes: target, given as the backport).
    auto given =
        run_stablepick({"-C", k.dir(), "cve", "ranges", k.f, "--vulnerable", k.v_on_10, "--dyad"});
    ASSERT_EQ(given.exit_code, 0) << given.err;
    EXPECT_NE(given.out.find(fmt::format("1.1:{}:1.3:{}", k.v, k.f)), std::string::npos)
        << given.out;
    // No Fixes: tag: where the bug came in is unknown ("0"); only lines with the fix are listed.
    auto unknown = run_stablepick({"-C", k.dir(), "cve", "ranges", k.other, "--dyad"});
    ASSERT_EQ(unknown.exit_code, 0) << unknown.err;
    EXPECT_EQ(lines_of(unknown.out), std::vector<std::string>{fmt::format("0:0:1.2:{}", k.other)});
}

TEST_F(CliCveRanges, BadInput) {
    auto& k = *k_;
    auto backport = run_stablepick({"-C", k.dir(), "cve", "ranges", k.f_on_11});
    EXPECT_EQ(backport.exit_code, 3);
    EXPECT_NE(backport.err.find(fmt::format("is not on the main branch 'master': it backports {}; "
                                            "give that",
                                            k.f.substr(0, 12))),
              std::string::npos)
        << backport.err;
    auto stable_only = run_stablepick({"-C", k.dir(), "cve", "ranges", k.stable_only});
    EXPECT_EQ(stable_only.exit_code, 3);
    EXPECT_NE(stable_only.err.find("give the main-branch fix"), std::string::npos)
        << stable_only.err;
    auto unknown = run_stablepick({"-C", k.dir(), "cve", "ranges", "no-such-commit"});
    EXPECT_EQ(unknown.exit_code, 3);
    EXPECT_NE(unknown.err.find("'no-such-commit' is not a commit"), std::string::npos);
    auto later = run_stablepick({"-C", k.dir(), "cve", "ranges", k.v, "--vulnerable", k.f});
    EXPECT_EQ(later.exit_code, 8);
    EXPECT_NE(later.err.find("is not an ancestor of the fix"), std::string::npos) << later.err;
    auto no_repo = run_stablepick({"--db", (k.r.path() / ".git/stablepick/store.sqlite").string(),
                                   "-C", "/", "cve", "ranges", k.f});
    EXPECT_EQ(no_repo.exit_code, 3);
    EXPECT_NE(no_repo.err.find("needs the repository"), std::string::npos) << no_repo.err;
}

TEST(CliCveRangesById, ByCveIdUnknownAndRejected) {
    KernelLike k;
    ASSERT_EQ(run_stablepick({"-q", "-C", k.dir(), "index", "--no-embed"}).exit_code, 0);
    testing::TempDir vulns;
    auto put = [](const std::filesystem::path& p, const std::string& text) {
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p) << text;
    };
    put(vulns.path() / "cve/published/2025/CVE-2025-0001.sha1", k.f + "\n");
    put(vulns.path() / "cve/published/2025/CVE-2025-0002.sha1", k.f_on_11 + "\n");
    put(vulns.path() / "cve/published/2025/CVE-2025-0003.sha1", k.stable_only + "\n");
    // A fix without Fixes:, its origin named by a .vulnerable file (plus one that is no
    // ancestor of the fix, left out).
    put(vulns.path() / "cve/published/2025/CVE-2025-0004.sha1", k.other + "\n");
    put(vulns.path() / "cve/published/2025/CVE-2025-0004.vulnerable", k.v + "\n" + k.f + "\n");
    put(vulns.path() / "cve/rejected/2025/CVE-2025-0009", "");
    ASSERT_EQ(
        run_stablepick({"-q", "-C", k.dir(), "import", "vulns", vulns.path().string()}).exit_code,
        0);
    auto by_id = run_stablepick({"-C", k.dir(), "cve", "ranges", "CVE-2025-0001", "--dyad"});
    ASSERT_EQ(by_id.exit_code, 0) << by_id.err;
    EXPECT_NE(by_id.out.find(fmt::format("1.1:{}:1.3:{}", k.v, k.f)), std::string::npos);
    auto unknown = run_stablepick({"-C", k.dir(), "cve", "ranges", "CVE-2025-4242"});
    EXPECT_EQ(unknown.exit_code, 3);
    EXPECT_NE(unknown.err.find("CVE-2025-4242 is not in the store"), std::string::npos)
        << unknown.err;
    auto rejected = run_stablepick({"-C", k.dir(), "cve", "ranges", "CVE-2025-0009"});
    EXPECT_EQ(rejected.exit_code, 8);
    EXPECT_NE(rejected.err.find("CVE-2025-0009 was rejected"), std::string::npos);
    auto listed = run_stablepick({"-C", k.dir(), "cve", "ranges", "CVE-2025-0004", "--dyad"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_NE(listed.out.find(fmt::format("1.1:{}:1.2:{}", k.v, k.other)), std::string::npos)
        << listed.out;
    auto unlisted = run_stablepick({"-C", k.dir(), "cve", "ranges", k.other, "--dyad"});
    EXPECT_EQ(unlisted.out, fmt::format("0:0:1.2:{}\n", k.other));  // by commit: no origin known
    // Only a backport listed for the id: ranges of the main commit it backports.
    auto by_backport = run_stablepick({"-C", k.dir(), "cve", "ranges", "CVE-2025-0002", "--dyad"});
    ASSERT_EQ(by_backport.exit_code, 0) << by_backport.err;
    EXPECT_EQ(by_backport.out, by_id.out);
    auto stable_only = run_stablepick({"-C", k.dir(), "cve", "ranges", "CVE-2025-0003"});
    EXPECT_EQ(stable_only.exit_code, 3);
    EXPECT_NE(stable_only.err.find("is a main-branch commit in the store or the backport of one"),
              std::string::npos)
        << stable_only.err;
}

// A CVE with two fix commits on different branches: the main-branch fix (and its backports)
// and a fix made on stable-1.2 alone, where the main fix could not go. Both count, each where
// it is.
TEST(CliCveRangesById, EveryFixCommitOfTheCveOnItsBranch) {
    KernelLike k;
    k.r.checkout("stable-1.2");
    std::string own_fix =
        k.r.commit("cache.c", "int cache = -1;\n", "core: fix the cache on 1.2 another way\n");
    k.r.checkout("master");
    ASSERT_EQ(run_stablepick({"-q", "-C", k.dir(), "index", "--no-embed"}).exit_code, 0);
    testing::TempDir lists;
    std::ofstream(lists.path() / "cves.tsv")
        << "CVE-2025-0100\t" << k.f << "\nCVE-2025-0100\t" << own_fix << "\n";
    auto imported = run_stablepick(
        {"-q", "-C", k.dir(), "import", "cve-list", (lists.path() / "cves.tsv").string()});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    auto r = run_stablepick({"-C", k.dir(), "cve", "ranges", "CVE-2025-0100", "--dyad"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(lines_of(r.out), (std::vector<std::string>{
                                   fmt::format("1.0.2:{}:1.0.3:{}", k.v_on_10, k.f_on_10),
                                   fmt::format("1.1:{}:1.1.2:{}", k.v, k.f_on_11),
                                   fmt::format("1.1:{}:1.2-1:{}", k.v, own_fix),
                                   fmt::format("1.1:{}:1.3:{}", k.v, k.f),
                                   fmt::format("1.1:{}:0:0", k.v),
                               }))
        << r.out;
    auto j = nlohmann::json::parse(
        run_stablepick({"-C", k.dir(), "cve", "ranges", "CVE-2025-0100", "--json"}).out);
    EXPECT_EQ(j["fixes"], nlohmann::json::array({k.f, own_fix}));
    std::map<std::string, nlohmann::json> by_branch;
    for (auto& l : j["lines"]) by_branch[l["branch"]] = l;
    EXPECT_EQ(by_branch["stable-1.2"]["fixed_sha"], own_fix);
    EXPECT_EQ(by_branch["stable-1.2"]["note"],
              fmt::format("fixed by {}, a fix of this branch's own", own_fix.substr(0, 12)));
    // The record for the id covers both fixes: the stable-1.2 fix is a git range end and a
    // reference.
    auto rec =
        run_stablepick({"-C", k.dir(), "cve", "record", k.f, "--cve", "CVE-2025-0100", "--repo-url",
                        "https://github.com/example/p", "--product", "P", "--vendor", "P",
                        "--org-id", "f4215fc3-5b6b-47ff-a258-f7189bd81038"});
    ASSERT_EQ(rec.exit_code, 0) << rec.err;
    auto record = nlohmann::json::parse(rec.out);
    EXPECT_NE(record["containers"]["cna"]["references"].dump().find(own_fix), std::string::npos)
        << rec.out;
    EXPECT_NE(record["containers"]["cna"]["affected"][0]["versions"].dump().find(
                  fmt::format("\"lessThan\":\"{}\"", own_fix)),
              std::string::npos)
        << rec.out;
    // The commit alone is still the main-branch fix alone: stable-1.2 not fixed.
    auto by_commit = run_stablepick({"-C", k.dir(), "cve", "ranges", k.f, "--dyad"});
    EXPECT_NE(by_commit.out.find(fmt::format("1.1:{}:0:0\n1.1:{}:0:0", k.v, k.v)),
              std::string::npos)
        << by_commit.out;
}

// Release tags as a project spelled them over the years (release-1.17.1, then RELEASE-1.17.2
// and on): one prefix whatever its case, learned from the stable branch's tags, so the fix is
// named by the release that shipped it (1.17.6), as git describe --contains says.
TEST(CliCveRangesTags, ReleaseTagsInAnyCaseNameTheRelease) {
    FixtureRepo r{"master"};
    r.commit("a.c", "int a;\n", "start\n");
    std::string v = r.commit("parse.c", "int parse;\n", "parser: add a parser\n");
    r.git({"tag", "RELEASE-1.17"});
    r.git({"branch", "1.17"});
    r.commit("b.c", "int b;\n", "b: more work\n");
    std::string f =
        r.commit("parse.c", "int parse = 0;\n",
                 fmt::format("parser: fix an overflow\n\nFixes: {} (\"parser: add a parser\")\n",
                             v.substr(0, 12)));
    r.git({"tag", "RELEASE-1.18"});
    r.checkout("1.17");
    r.commit("c.c", "int c1;\n", "c: a stable fix\n");
    r.git({"tag", "release-1.17.1"});
    for (int n = 2; n <= 5; ++n) {
        r.commit(fmt::format("c{}.c", n), "int c;\n", fmt::format("c: stable fix {}\n", n));
        r.git({"tag", fmt::format("RELEASE-1.17.{}", n)});
    }
    std::string f_on_117 = r.cherry_pick_x(f);
    r.git({"tag", "RELEASE-1.17.6"});
    r.checkout("master");
    auto idx = run_stablepick({"-C", r.path().string(), "index", "--no-embed"});
    ASSERT_EQ(idx.exit_code, 0) << idx.err;
    EXPECT_NE(idx.out.find("release tags: prefix 'RELEASE-' (6 of the stable branches' 6 version "
                           "tags)\n"),
              std::string::npos)
        << idx.out;
    EXPECT_EQ(r.git({"describe", "--contains", "--match", "RELEASE-*", f_on_117}),
              "RELEASE-1.17.6");
    auto out = run_stablepick({"-C", r.path().string(), "cve", "ranges", f, "--dyad"});
    ASSERT_EQ(out.exit_code, 0) << out.err;
    EXPECT_EQ(lines_of(out.out),
              (std::vector<std::string>{fmt::format("1.17:{}:1.17.6:{}", v, f_on_117),
                                        fmt::format("1.17:{}:1.18:{}", v, f)}))
        << out.out;
    // The prefix said in the config: matched without case too.
    auto config = r.path() / "tags.toml";
    std::ofstream(config) << "[cve]\ntag_prefix = 'release-'\n";
    auto pattern = run_stablepick(
        {"--config", config.string(), "-C", r.path().string(), "cve", "ranges", f, "--dyad"});
    ASSERT_EQ(pattern.exit_code, 0) << pattern.err;
    EXPECT_EQ(pattern.out, out.out);
    std::ofstream(config) << "[cve]\ntag_prefix = '(release-'\n";
    auto bad = run_stablepick(
        {"--config", config.string(), "-C", r.path().string(), "cve", "ranges", f, "--dyad"});
    EXPECT_EQ(bad.exit_code, 8);
    EXPECT_NE(bad.err.find("error: invalid cve.tag_prefix '(release-': missing )"),
              std::string::npos)
        << bad.err;
}

// glibc-like: the release tags are on master, stable branches carry none.
TEST(CliCveRangesDescribe, StableVersionsByDescribe) {
    FixtureRepo r{"master"};
    r.commit("a.c", "int a;\n", "start\n");
    r.git({"tag", "glibc-1.0"});
    r.git({"branch", "release/1.0/master"});
    std::string v = r.commit("iconv.c", "int iconv;\n", "iconv: add a converter\n");
    r.git({"tag", "glibc-1.1"});
    r.git({"branch", "release/1.1/master"});
    r.commit("b.c", "int b;\n", "b: something\n");
    std::string f = r.commit("iconv.c", "int iconv = 0;\n", "iconv: fix an overflow\n");
    r.git({"tag", "glibc-1.2"});
    r.checkout("release/1.1/master");
    r.commit("c.c", "int c;\n", "c: a stable fix\n");
    std::string f_on_11 = r.cherry_pick_x(f);
    r.checkout("master");
    ASSERT_EQ(run_stablepick({"-q", "-C", r.path().string(), "index"}).exit_code, 0);
    auto out =
        run_stablepick({"-C", r.path().string(), "cve", "ranges", f, "--vulnerable", v, "--json"});
    ASSERT_EQ(out.exit_code, 0) << out.err;
    auto j = nlohmann::json::parse(out.out);
    EXPECT_EQ(j["versions"], "describe");
    std::vector<std::string> dyad;
    for (auto& l : j["lines"]) dyad.push_back(l["dyad"]);
    EXPECT_EQ(dyad, (std::vector<std::string>{fmt::format("1.1:{}:1.2:{}", v, f),
                                              fmt::format("1.1:{}:1.1-2:{}", v, f_on_11)}));
    ASSERT_EQ(j["not_affected"].size(), 1u);
    EXPECT_EQ(j["not_affected"][0]["branch"], "release/1.0/master");
}

// glibc's CVE-2023-5156: the bug came in on master and was fixed before the next release, but
// a stable branch took the culprit first. Only that branch released the bug; the record says so.
TEST(CliCveRangesDescribe, BugFixedBeforeAnyMainReleaseButBackported) {
    FixtureRepo r{"master"};
    r.commit("a.c", "int a;\n", "start\n");
    r.git({"tag", "glibc-1.0"});
    r.git({"branch", "release/1.0/master"});
    std::string culprit = r.commit("gai.c", "int gai;\n", "getaddrinfo: fix a use after free\n");
    std::string f = r.commit(
        "gai.c", "int gai = 0;\n",
        fmt::format("getaddrinfo: fix the leak the last fix added\n\nFixes: {} (\"getaddrinfo: "
                    "fix a use after free\")\n",
                    culprit.substr(0, 12)));
    r.git({"tag", "glibc-1.1"});
    r.checkout("release/1.0/master");
    r.commit("c.c", "int c;\n", "c: a stable fix\n");
    std::string culprit_on_10 = r.cherry_pick_x(culprit);
    std::string f_on_10 = r.cherry_pick_x(f);
    r.checkout("master");
    ASSERT_EQ(run_stablepick({"-q", "-C", r.path().string(), "index"}).exit_code, 0);
    auto out = run_stablepick({"-C", r.path().string(), "cve", "ranges", f, "--json"});
    ASSERT_EQ(out.exit_code, 0) << out.err;
    auto j = nlohmann::json::parse(out.out);
    ASSERT_EQ(j["lines"].size(), 2u) << out.out;
    EXPECT_EQ(j["lines"][0]["dyad"], fmt::format("1.1:{}:1.1:{}", culprit, f));
    EXPECT_EQ(j["lines"][0]["note"], "came in and was fixed before 1.1: no release had it");
    EXPECT_EQ(j["lines"][1]["dyad"], fmt::format("1.0-2:{}:1.0-3:{}", culprit_on_10, f_on_10));

    auto rec =
        run_stablepick({"-C", r.path().string(), "cve", "record", f, "--cve", "CVE-2023-5156",
                        "--repo-url", "https://github.com/example/glibc", "--product", "P",
                        "--vendor", "P", "--org-id", "f4215fc3-5b6b-47ff-a258-f7189bd81038"});
    ASSERT_EQ(rec.exit_code, 0) << rec.err;
    auto record = nlohmann::json::parse(rec.out);
    auto& semver = record["containers"]["cna"]["affected"][1];
    // No release of master had it: unaffected by default, only 1.0-2 up to 1.0-3 affected.
    EXPECT_EQ(semver["defaultStatus"], "unaffected");
    EXPECT_EQ(semver["versions"], (nlohmann::json{{{"version", "1.0-2"},
                                                   {"status", "affected"},
                                                   {"versionType", "semver"},
                                                   {"lessThan", "1.0-3"}},
                                                  {{"version", "1.1"},
                                                   {"lessThanOrEqual", "*"},
                                                   {"status", "unaffected"},
                                                   {"versionType", "original_commit_for_fix"}}}))
        << semver.dump(2);
}

}  // namespace
}  // namespace stablepick
