#include <gtest/gtest.h>

#include "stablepick/cve/fix_record.hpp"
#include "stablepick/store/sql.hpp"
#include "support/fixture_repo.hpp"
#include "support/test_store.hpp"

namespace stablepick::cve {
namespace {

using testing::TempDir;

TEST(CommitUrl, FromTheHostsThatSayHow) {
    EXPECT_EQ(commit_url_of("https://github.com/systemd/systemd"),
              "https://github.com/systemd/systemd/commit/{sha}");
    EXPECT_EQ(commit_url_of("https://Codeberg.org/x/y/"), "https://Codeberg.org/x/y/commit/{sha}");
    EXPECT_EQ(commit_url_of("https://gitlab.com/g/p"), "https://gitlab.com/g/p/-/commit/{sha}");
    EXPECT_EQ(commit_url_of("https://gitlab.gnome.org/GNOME/glib"),
              "https://gitlab.gnome.org/GNOME/glib/-/commit/{sha}");
    EXPECT_EQ(commit_url_of("http://bitbucket.org:8080/a/b"),
              "http://bitbucket.org:8080/a/b/commits/{sha}");
    EXPECT_EQ(commit_url_of("https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git"),
              "https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/commit/?id={sha}");
}

TEST(CommitUrl, NoneForAnotherHostOrNoUrl) {
    EXPECT_EQ(commit_url_of("https://git.example.org/proj"), "");
    EXPECT_EQ(commit_url_of("git@github.com:systemd/systemd"), "");
    EXPECT_EQ(commit_url_of("https://github.com"), "");
    EXPECT_EQ(commit_url_of(""), "");
}

TEST(PublicUrl, OnlyHttpWithoutDotGit) {
    EXPECT_EQ(public_url("https://github.com/systemd/systemd.git"),
              "https://github.com/systemd/systemd");
    EXPECT_EQ(public_url("http://example.org/p"), "http://example.org/p");
    EXPECT_EQ(public_url("git@github.com:systemd/systemd.git"), "");
    EXPECT_EQ(public_url("/srv/git/p.git"), "");
    EXPECT_EQ(public_url(""), "");
}

constexpr const char* kOrg = "8254265b-2729-46b6-b9e3-3dfca2d5bfca";

CveConfig complete_config() {
    CveConfig c;
    c.product = "Linux";
    c.vendor = "Linux";
    c.org_id = kOrg;
    c.repo_url = "https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git";
    c.sender = "Linux CVE team <cve@kernel.org>";
    return c;
}

TEST(RecordProject, FlagsOverTheConfig) {
    RecordRequest r;
    r.cve_id = "CVE-2025-1234";
    r.product = "kernel";
    r.commit_url = "https://example.org/c/{sha}";
    auto p = record_project(r, complete_config(), "https://github.com/o/p");
    ASSERT_TRUE(p.has_value()) << p.error().message;
    EXPECT_EQ(p->product, "kernel");
    EXPECT_EQ(p->vendor, "Linux");
    EXPECT_EQ(p->org_id, kOrg);
    EXPECT_EQ(p->repo_url, "https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git");
    EXPECT_EQ(p->commit_url, "https://example.org/c/{sha}");
}

TEST(RecordProject, OriginWhenNothingNamesTheRepository) {
    RecordRequest r;
    r.cve_id = "CVE-2025-1234";
    auto config = complete_config();
    config.repo_url.clear();
    auto p = record_project(r, config, "https://github.com/o/p");
    ASSERT_TRUE(p.has_value()) << p.error().message;
    EXPECT_EQ(p->repo_url, "https://github.com/o/p");
    EXPECT_EQ(p->commit_url, "https://github.com/o/p/commit/{sha}");
}

TEST(RecordProject, EverythingMissingIsNamedAtOnce) {
    RecordRequest r;
    r.cve_id = "CVE-2025-1234";
    r.mail = true;
    CveConfig config;
    config.org_id = "00000000-0000-4000-8000-000000000000";  // the old placeholder
    auto p = record_project(r, config, "");
    ASSERT_FALSE(p.has_value());
    EXPECT_EQ(p.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(p.error().message,
              "cannot write the record for CVE-2025-1234: missing product (--product or "
              "cve.product), vendor (--vendor or cve.vendor), the CNA's orgId (--org-id or "
              "cve.org_id), the repository's public URL (--repo-url or cve.repo_url), the "
              "announcement's sender (cve.sender)");
    r.mail = false;
    config = complete_config();
    config.repo_url = "https://git.example.org/proj";
    p = record_project(r, config, "");
    ASSERT_FALSE(p.has_value());
    EXPECT_EQ(p.error().message,
              "cannot write the record for CVE-2025-1234: missing a fix commit's URL, with {sha} "
              "(--commit-url or cve.commit_url; it can't be told from "
              "'https://git.example.org/proj')");
}

TEST(RecordProject, OrgIdAndCommitUrlAreChecked) {
    RecordRequest r;
    r.cve_id = "CVE-2025-1234";
    r.org_id = "cna-of-proj";
    auto p = record_project(r, complete_config(), "");
    ASSERT_FALSE(p.has_value());
    EXPECT_EQ(p.error().message, "the CNA's orgId 'cna-of-proj' is not a UUID");
    r.org_id.clear();
    r.commit_url = "https://git.example.org/proj/commit";
    p = record_project(r, complete_config(), "");
    ASSERT_FALSE(p.has_value());
    EXPECT_EQ(p.error().message,
              "the commit URL 'https://git.example.org/proj/commit' has no {sha} for the fix's id");
}

class FixRecordOfStore : public ::testing::Test {
  protected:
    void SetUp() override {
        fixture_.commit("a.c", "int a;\n", "a: start\n");
        auto repo = git::Repository::open(fixture_.path());
        ASSERT_TRUE(repo.has_value()) << repo.error().message;
        repo_.emplace(std::move(*repo));
        auto location = testing::test_store(dir_.path());
        SKIP_WITHOUT_TEST_STORE(location);
        auto s = Store::open(location, Store::Mode::kWrite);
        ASSERT_TRUE(s.has_value()) << s.error().message;
        store_.emplace(std::move(*s));
        ASSERT_TRUE(store::connection_of(*store_).exec(
            "INSERT INTO cve_status VALUES('CVE-2024-0001', 'rejected', 'vulns')"));
        config_.cve = complete_config();
    }
    Result<FixRecord> record(const std::string& cve_id) {
        RecordRequest r;
        r.fix = "HEAD";
        r.cve_id = cve_id;
        return fix_record(*repo_, *store_, config_, r,
                          [&](const std::string& w) { warnings_.push_back(w); });
    }
    testing::FixtureRepo fixture_;
    TempDir dir_;
    std::optional<git::Repository> repo_;
    std::optional<Store> store_;
    Config config_;
    std::vector<std::string> warnings_;
};

TEST_F(FixRecordOfStore, NotACveId) {
    auto r = record("CVE-24-1");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(r.error().message, "'CVE-24-1' is not a CVE id (CVE-YYYY-NNNN)");
}

TEST_F(FixRecordOfStore, RejectedIdIsRefusedBeforeTheSettings) {
    config_.cve = {};
    auto r = record("CVE-2024-0001");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(r.error().message, "CVE-2024-0001 was rejected: it can't be given to a fix");
    EXPECT_TRUE(warnings_.empty());
}

}  // namespace
}  // namespace stablepick::cve
