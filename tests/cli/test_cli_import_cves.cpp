// import vulns / cve-list / advisories: the kernel CNA's vulns layout, plain lists and glibc
// advisories, with malformed lines named by file and line and the rest imported.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "stablepick/ingest/cve_sources.hpp"
#include "stablepick/store/sql.hpp"
#include "stablepick/store/store.hpp"
#include "support/fixture_repo.hpp"
#include "support/test_store.hpp"

namespace stablepick {
namespace {

using testing::FixtureRepo;
using testing::run_stablepick;
using testing::TempDir;

void write(const std::filesystem::path& p, const std::string& text) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

int64_t count(const std::filesystem::path& db, const std::string& sql) {
    auto store = Store::open(db, Store::Mode::kRead);
    EXPECT_TRUE(store) << store.error().message;
    auto q = stablepick::store::connection_of(*store).prepare(sql);
    EXPECT_TRUE(q && *q->step());
    return q->int64(0);
}

TEST(CveSources, GlibcAdvisory) {
    std::vector<cve::SourceProblem> problems;
    auto r = cve::read_glibc_advisory(
        "iconv: fix an overflow\n\nThe iconv() function may overflow.\n\nCVE-Id: CVE-2024-2961\n"
        "Public-Date: 2024-04-17\nVulnerable-Commit: 755104edc75c53f4a0e7440334e944ad3c6b32fc "
        "(2.1.93-169)\n"
        "Fix-Commit: f9dc609e06b1136bb0408be9605ce7973a767ada (2.40)\n"
        "Fix-Commit: 31da30f23cddd36db29d5b6a1c7619361b271fb4 (2.39-31)\nFix-Commit: not-a-sha\n",
        "GLIBC-SA-2024-0004", problems);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->id, "CVE-2024-2961");
    EXPECT_EQ(r->fixes.size(), 2u);
    ASSERT_EQ(r->ranges.size(), 2u);
    EXPECT_EQ(r->ranges[1].fixed_version, "2.39-31");
    EXPECT_EQ(r->ranges[1].vulnerable_version, "2.1.93-169");
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].file, "GLIBC-SA-2024-0004");
    EXPECT_EQ(problems[0].line, 10);
    EXPECT_FALSE(cve::read_glibc_advisory("no id here\n", "GLIBC-SA-x", problems));
}

TEST(CliImportCves, VulnsRepositoryListAndAdvisories) {
    FixtureRepo repo;
    auto fix = repo.commit("a.c", "int a;\n", "fix a use-after-free\n");
    auto other = repo.commit("b.c", "int b;\n", "add b\n");
    auto advisory = fmt::format(
        "b: fix\n\nCVE-Id: CVE-2025-0002\nVulnerable-Commit: {} (2.40)\nFix-Commit: {} (2.41)\n",
        other, fix);
    repo.commit("advisories/GLIBC-SA-2025-0001", advisory, "advisories: add GLIBC-SA-2025-0001\n");
    repo.commit("advisories/GLIBC-SA-2025-0002", "no CVE yet\n",
                "advisories: add GLIBC-SA-2025-0002\n");
    ASSERT_EQ(run_stablepick({"-q", "-C", repo.path().string(), "index", "--no-embed"}).exit_code,
              0);
    std::filesystem::path db = testing::repo_store(repo.path());

    TempDir vulns;
    auto pub = vulns.path() / "cve/published/2024";
    write(pub / "CVE-2024-0001.sha1", fix + "\n");
    write(pub / "CVE-2024-0001.dyad",
          fmt::format("# dyad version: 1.2.0\n6.6:{}:6.6.10:{}\nnot a dyad line\n6.1:{}:0:0\n",
                      other, fix, other));
    write(pub / "CVE-2024-0001.vulnerable", other + "\n");
    write(pub / "CVE-2024-0002.sha1", "0123456789abcdef0123456789abcdef01234567\n");
    write(pub / "CVE-2024-0003.vulnerable", other + "\n");  // no .sha1: not published
    write(vulns.path() / "cve/rejected/2024/CVE-2024-0009", "");
    auto r = run_stablepick(
        {"-C", repo.path().string(), "import", "vulns", vulns.path().string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["published"], 2);
    EXPECT_EQ(j["rejected"], 1);
    EXPECT_EQ(j["fix_commits"], 2);
    EXPECT_EQ(j["fix_commits_in_store"], 1);
    EXPECT_EQ(j["ranges"], 2);
    EXPECT_NE(r.err.find(
                  "cve/published/2024/CVE-2024-0001.dyad:3: not vuln_ver:vuln_sha:fix_ver:fix_sha"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("CVE-2024-0003: no .sha1 file"), std::string::npos) << r.err;
    EXPECT_EQ(
        count(db,
              fmt::format(
                  "SELECT COUNT(*) FROM cves WHERE fix_sha = '{}' AND cve = 'CVE-2024-0001'", fix)),
        1);
    EXPECT_EQ(count(db, "SELECT COUNT(*) FROM cve_status WHERE status = 'rejected'"), 1);
    // Again: replaced, not doubled.
    ASSERT_EQ(
        run_stablepick({"-q", "-C", repo.path().string(), "import", "vulns", vulns.path().string()})
            .exit_code,
        0);
    EXPECT_EQ(count(db, "SELECT COUNT(*) FROM cve_ranges"), 2);

    auto list = repo.path() / "cves.txt";
    write(list,
          fmt::format(
              "# project CVEs\nCVE-2023-1111\t{}\nCVE-2023-2222 {}  # two spaces\nbroken line\n",
              fix.substr(0, 12), other));
    auto l = run_stablepick({"-C", repo.path().string(), "import", "cve-list", list.string()});
    ASSERT_EQ(l.exit_code, 0) << l.err;
    EXPECT_NE(l.out.find("2 CVEs imported"), std::string::npos) << l.out;
    EXPECT_NE(l.err.find("cves.txt:4: not 'CVE-id <TAB> fix-commit'"), std::string::npos) << l.err;
    EXPECT_EQ(run_stablepick({"-C", repo.path().string(), "import", "cve-list", "/nonexistent"})
                  .exit_code,
              3);

    auto a = run_stablepick({"-C", repo.path().string(), "import", "advisories"});
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_NE(a.out.find("1 CVEs imported"), std::string::npos) << a.out;
    EXPECT_NE(a.err.find("advisories/GLIBC-SA-2025-0002: no CVE-Id: line"), std::string::npos)
        << a.err;
    EXPECT_EQ(count(db,
                    "SELECT COUNT(*) FROM cve_ranges WHERE cve = 'CVE-2025-0002' AND fixed_version "
                    "= '2.41'"),
              1);

    auto not_vulns =
        run_stablepick({"-C", repo.path().string(), "import", "vulns", repo.path().string()});
    EXPECT_EQ(not_vulns.exit_code, 3);
    EXPECT_NE(not_vulns.err.find("check out master"), std::string::npos) << not_vulns.err;
}

// A vulns clone is someone else's files: a symbolic link in it (to /etc/passwd, to a directory
// outside) is not followed but named, and what the warnings quote can't drive the terminal.
TEST(CliImportCves, SymbolicLinksAreNotFollowedAndWarningsAreEscaped) {
    FixtureRepo repo;
    auto fix = repo.commit("a.c", "int a;\n", "fix a use-after-free\n");
    ASSERT_EQ(run_stablepick({"-q", "-C", repo.path().string(), "index", "--no-embed"}).exit_code,
              0);
    TempDir outside;
    write(outside.path() / "passwd", "root:x:0:0:root:/root:/bin/bash\n");
    write(outside.path() / "2023/CVE-2023-0001.sha1", "secret-outside-line\n");
    TempDir vulns;
    auto pub = vulns.path() / "cve/published/2024";
    write(pub / "CVE-2024-0001.sha1", fix + "\n");
    write(pub / "CVE-2024-0001.dyad", "\x1B]0;owned\x07\x1B[2Jnot a dyad\n");
    std::filesystem::create_symlink(outside.path() / "passwd", pub / "CVE-2024-0005.sha1");
    std::filesystem::create_symlink("/etc/passwd", pub / "CVE-2024-0006.vulnerable");
    std::filesystem::create_directory_symlink(outside.path() / "2023",
                                              vulns.path() / "cve/published/2023");
    std::filesystem::create_symlink(outside.path() / "passwd", pub / "x\x1B[31m.sha1");
    auto r = run_stablepick(
        {"-C", repo.path().string(), "import", "vulns", vulns.path().string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["published"], 1);
    EXPECT_EQ(j["fix_commits"], 1);
    for (auto* name : {"2024/CVE-2024-0005.sha1", "2024/CVE-2024-0006.vulnerable", "2023"})
        EXPECT_NE(r.err.find(fmt::format("warning: cve/published/{}: a symbolic link: not "
                                         "followed, skipped",
                                         name)),
                  std::string::npos)
            << name << "\n"
            << r.err;
    EXPECT_EQ(r.err.find("root:"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("secret-outside-line"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("CVE-2024-0001.dyad:1: not vuln_ver:vuln_sha:fix_ver:fix_sha: "
                         "'\\x1b]0;owned\\x07\\x1b[2Jnot a dyad'"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("2024/x\\x1b[31m.sha1: a symbolic link"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('\x1B'), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('\x07'), std::string::npos) << r.err;

    // cve/published itself a link out of the clone: nothing is read.
    TempDir linked;
    std::filesystem::create_directories(linked.path() / "cve");
    std::filesystem::create_directory_symlink(outside.path(), linked.path() / "cve/published");
    auto l =
        run_stablepick({"-C", repo.path().string(), "import", "vulns", linked.path().string()});
    EXPECT_EQ(l.exit_code, 8) << l.err;
    EXPECT_NE(l.err.find("leads out of the clone"), std::string::npos) << l.err;
    EXPECT_EQ(l.err.find("secret-outside-line"), std::string::npos) << l.err;
}

}  // namespace
}  // namespace stablepick
