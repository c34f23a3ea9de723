// `stablepick cve ranges`: where a bug came in and where it was fixed on every branch, checked
// line by line on histories built for it: a kernel-like one (stable branches with their own
// tags: a fix backported to some branches and not others, a reverted backport, a Fixes: target
// that was itself backported, a branch that never had the bug, one forked after the fix) and a
// glibc-like one (no tags on the stable branches: versions by describe).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
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
    EXPECT_NE(backport.err.find("is not on the main branch 'master'"), std::string::npos)
        << backport.err;
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
    auto stable_only = run_stablepick({"-C", k.dir(), "cve", "ranges", "CVE-2025-0002"});
    EXPECT_EQ(stable_only.exit_code, 3);
    EXPECT_NE(stable_only.err.find("is a main-branch commit"), std::string::npos)
        << stable_only.err;
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

}  // namespace
}  // namespace stablepick
