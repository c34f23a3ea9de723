#include <gtest/gtest.h>

#include "stablepick/store/cve_tables.hpp"
#include "stablepick/store/sql.hpp"
#include "support/fixture_repo.hpp"
#include "support/test_store.hpp"

namespace stablepick::store {
namespace {

using testing::TempDir;

const std::string kFix(40, 'a'), kOther(40, 'b');

class CveTables : public ::testing::Test {
  protected:
    void SetUp() override {
        auto location = testing::test_store(dir_.path());
        SKIP_WITHOUT_TEST_STORE(location);
        auto s = Store::open(location, Store::Mode::kWrite);
        ASSERT_TRUE(s.has_value()) << s.error().message;
        store_.emplace(std::move(*s));
        ASSERT_TRUE(stablepick::store::connection_of(*store_).exec(
            "INSERT INTO cves VALUES('CVE-2024-0002', '" + kFix +
            "', 'vulns'), ('CVE-2024-0001', '" + kFix + "', 'vulns'), ('CVE-2024-0003', '" +
            kOther +
            "', 'vulns'); INSERT INTO cve_status VALUES('CVE-2024-0001', 'rejected', 'vulns')"));
    }
    TempDir dir_;
    std::optional<Store> store_;
};

TEST_F(CveTables, EveryCveRecordedForAFixRejectedOnesToo) {
    auto cves = cves_recorded_for_fix(*store_, kFix);
    ASSERT_TRUE(cves.has_value()) << cves.error().message;
    EXPECT_EQ(*cves, (std::vector<std::string>{"CVE-2024-0001", "CVE-2024-0002"}));
    cves = cves_recorded_for_fix(*store_, std::string(40, 'c'));
    ASSERT_TRUE(cves.has_value());
    EXPECT_TRUE(cves->empty());
}

TEST_F(CveTables, StatusOfACveEmptyWhenNoneIsRecorded) {
    auto status = cve_status_of(*store_, "CVE-2024-0001");
    ASSERT_TRUE(status.has_value()) << status.error().message;
    EXPECT_EQ(*status, "rejected");
    status = cve_status_of(*store_, "CVE-2024-0002");
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(*status, "");
}

TEST_F(CveTables, FixesListedForACveInIdOrder) {
    ASSERT_TRUE(stablepick::store::connection_of(*store_).exec(
        "INSERT INTO cves VALUES('CVE-2024-0003', '" + kFix + "', 'changelog')"));
    auto fixes = fixes_listed_for(*store_, "CVE-2024-0003");
    ASSERT_TRUE(fixes.has_value()) << fixes.error().message;
    EXPECT_EQ(*fixes, (std::vector<std::string>{kFix, kOther}));
    fixes = fixes_listed_for(*store_, "CVE-2024-0009");
    ASSERT_TRUE(fixes.has_value());
    EXPECT_TRUE(fixes->empty());
}

TEST_F(CveTables, StoringASourceReplacesWhatItStoredBefore) {
    Commit stored;
    stored.id = std::string(40, 'd');
    ASSERT_TRUE(store_->insert_commit(stored, ""));
    std::vector<CveRecord> records(2);
    records[0].id = "CVE-2024-0010";
    records[0].fixes = {std::string(40, 'd'), std::string(40, 'e')};
    records[0].vulnerable = {std::string(40, 'f')};
    records[0].ranges = {{"6.1", std::string(40, 'f'), "6.6", std::string(40, 'd')}};
    records[1].id = "CVE-2024-0011";
    records[1].status = "rejected";
    auto counts = store_cves(*store_, records, "list");
    ASSERT_TRUE(counts.has_value()) << counts.error().message;
    EXPECT_EQ(counts->published, 1u);
    EXPECT_EQ(counts->rejected, 1u);
    EXPECT_EQ(counts->fix_commits, 2u);
    EXPECT_EQ(counts->fixes_in_store, 1u);
    EXPECT_EQ(counts->ranges, 1u);
    auto fixes = fixes_listed_for(*store_, "CVE-2024-0010");
    ASSERT_TRUE(fixes.has_value());
    EXPECT_EQ(*fixes, (std::vector<std::string>{std::string(40, 'd'), std::string(40, 'e')}));
    auto status = cve_status_of(*store_, "CVE-2024-0011");
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(*status, "rejected");

    // Stored again from the same source with one record less: the other is gone, and what
    // another source stored is kept.
    records.pop_back();
    records[0].fixes.pop_back();
    counts = store_cves(*store_, records, "list");
    ASSERT_TRUE(counts.has_value()) << counts.error().message;
    EXPECT_EQ(counts->rejected, 0u);
    fixes = fixes_listed_for(*store_, "CVE-2024-0010");
    ASSERT_TRUE(fixes.has_value());
    EXPECT_EQ(*fixes, std::vector<std::string>{std::string(40, 'd')});
    status = cve_status_of(*store_, "CVE-2024-0011");
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(*status, "");
    status = cve_status_of(*store_, "CVE-2024-0001");
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(*status, "rejected");
}

TEST_F(CveTables, ListedFixesSayWhetherTheyComeFromTheMainBranch) {
    // kFix is a main-branch commit; kOther a stable commit that backports one; kStable a stable
    // commit of its own.
    const std::string kMainCommit(40, 'c'), kStable(40, 'd');
    auto main = store_->ensure_branch("main", BranchKind::kMain);
    auto v1 = store_->ensure_branch("v1", BranchKind::kStable);
    ASSERT_TRUE(main && v1);
    for (auto* id : {&kFix, &kMainCommit, &kOther, &kStable}) {
        Commit c;
        c.id = *id;
        auto row = store_->insert_commit(c, "");
        ASSERT_TRUE(row.has_value());
        bool on_main = *id == kFix || *id == kMainCommit;
        ASSERT_TRUE(store_->add_to_branch(on_main ? *main : *v1, *row));
    }
    ASSERT_TRUE(store_->add_label({kMainCommit, "v1", kOther, 100, "marker", ""}));
    ASSERT_TRUE(stablepick::store::connection_of(*store_).exec(
        "INSERT INTO cves VALUES('CVE-2024-0003', '" + kStable +
        "', 'vulns'), ('CVE-2024-0004', '" + kStable + "', 'vulns')"));
    auto fixes = fixes_listed_with_origin(*store_, "CVE-2024-0003");
    ASSERT_TRUE(fixes.has_value()) << fixes.error().message;
    ASSERT_EQ(fixes->size(), 2u);
    EXPECT_EQ((*fixes)[0].id, kOther);  // in id order
    EXPECT_TRUE((*fixes)[0].from_main);
    EXPECT_EQ((*fixes)[1].id, kStable);
    EXPECT_FALSE((*fixes)[1].from_main);
    fixes = fixes_listed_with_origin(*store_, "CVE-2024-0002");
    ASSERT_TRUE(fixes.has_value());
    ASSERT_EQ(fixes->size(), 1u);
    EXPECT_TRUE((*fixes)[0].from_main);
    fixes = fixes_listed_with_origin(*store_, "CVE-2024-0004");
    ASSERT_TRUE(fixes.has_value());
    ASSERT_EQ(fixes->size(), 1u);
    EXPECT_FALSE((*fixes)[0].from_main);
    fixes = fixes_listed_with_origin(*store_, "CVE-2024-0009");
    ASSERT_TRUE(fixes.has_value());
    EXPECT_TRUE(fixes->empty());
}

TEST_F(CveTables, VulnerableCommitsListedInIdOrder) {
    ASSERT_TRUE(stablepick::store::connection_of(*store_).exec(
        "INSERT INTO cve_vulnerable VALUES('CVE-2024-0002', '" + kOther +
        "', 'vulns'), ('CVE-2024-0002', '" + kFix + "', 'vulns'), ('CVE-2024-0003', '" + kFix +
        "', 'vulns')"));
    auto vulnerable = vulnerable_listed_for(*store_, "CVE-2024-0002");
    ASSERT_TRUE(vulnerable.has_value()) << vulnerable.error().message;
    EXPECT_EQ(*vulnerable, (std::vector<std::string>{kFix, kOther}));
    vulnerable = vulnerable_listed_for(*store_, "CVE-2024-0009");
    ASSERT_TRUE(vulnerable.has_value());
    EXPECT_TRUE(vulnerable->empty());
}

}  // namespace
}  // namespace stablepick::store
