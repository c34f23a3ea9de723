#include <gtest/gtest.h>

#include "stablepick/store/backport_records.hpp"
#include "support/fixture_repo.hpp"
#include "support/test_store.hpp"

namespace stablepick::store {
namespace {

using testing::TempDir;

const std::string kMain(40, 'a'), kStable(40, 'b');

class BackportRecords : public ::testing::Test {
  protected:
    void SetUp() override {
        auto location = testing::test_store(dir_.path());
        SKIP_WITHOUT_TEST_STORE(location);
        auto s = Store::open(location, Store::Mode::kWrite);
        ASSERT_TRUE(s.has_value()) << s.error().message;
        store_.emplace(std::move(*s));
    }
    TempDir dir_;
    std::optional<Store> store_;
};

TEST_F(BackportRecords, ALabelIsAddedOnceAndThenKnown) {
    auto known = has_label(*store_, kMain, "linux-6.1.y");
    ASSERT_TRUE(known.has_value()) << known.error().message;
    EXPECT_FALSE(*known);
    BackportLabel label{kMain, "linux-6.1.y", kStable, 10, "changelog", "6.1.2"};
    auto added = add_label_if_new(*store_, label);
    ASSERT_TRUE(added.has_value()) << added.error().message;
    EXPECT_TRUE(*added);
    added = add_label_if_new(*store_, label);
    ASSERT_TRUE(added.has_value());
    EXPECT_FALSE(*added);
    known = has_label(*store_, kMain, "linux-6.1.y");
    ASSERT_TRUE(known.has_value());
    EXPECT_TRUE(*known);
    known = has_label(*store_, kMain, "linux-5.4.y");
    ASSERT_TRUE(known.has_value());
    EXPECT_FALSE(*known);
}

}  // namespace
}  // namespace stablepick::store
