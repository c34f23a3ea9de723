#include <gtest/gtest.h>

#include "stablepick/store/cve_tables.hpp"
#include "support/fixture_repo.hpp"

namespace stablepick::store {
namespace {

using testing::TempDir;

const std::string kFix(40, 'a'), kOther(40, 'b');

class CveTables : public ::testing::Test {
  protected:
    void SetUp() override {
        auto s = Store::open(dir_.path() / "s.sqlite", Store::Mode::kWrite);
        ASSERT_TRUE(s.has_value()) << s.error().message;
        store_.emplace(std::move(*s));
        ASSERT_TRUE(store_->db().exec(
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
    ASSERT_TRUE(
        store_->db().exec("INSERT INTO cves VALUES('CVE-2024-0003', '" + kFix + "', 'changelog')"));
    auto fixes = fixes_listed_for(*store_, "CVE-2024-0003");
    ASSERT_TRUE(fixes.has_value()) << fixes.error().message;
    EXPECT_EQ(*fixes, (std::vector<std::string>{kFix, kOther}));
    fixes = fixes_listed_for(*store_, "CVE-2024-0009");
    ASSERT_TRUE(fixes.has_value());
    EXPECT_TRUE(fixes->empty());
}

}  // namespace
}  // namespace stablepick::store
