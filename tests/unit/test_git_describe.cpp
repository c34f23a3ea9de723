#include <gtest/gtest.h>

#include "stablepick/git/describe.hpp"
#include "support/fixture_repo.hpp"

namespace stablepick::git {
namespace {

class Describe : public ::testing::Test {
  protected:
    void SetUp() override {
        one_ = fixture_.commit("a", "1\n", "one");
        two_ = fixture_.commit("a", "2\n", "two");
        three_ = fixture_.commit("a", "3\n", "three");
    }
    Repository open() {
        auto repo = Repository::open(fixture_.path());
        EXPECT_TRUE(repo.has_value());
        return std::move(*repo);
    }
    testing::FixtureRepo fixture_;
    std::string one_, two_, three_;
};

TEST_F(Describe, NoTagNoDescription) {
    auto repo = open();
    EXPECT_FALSE(describe_tags(repo, *from_hex(three_)).has_value());
}

TEST_F(Describe, NearestTagAndDistance) {
    fixture_.git({"tag", "v1.0", one_});  // lightweight tags count
    auto repo = open();
    auto d = describe_tags(repo, *from_hex(three_));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->tag, "v1.0");
    EXPECT_EQ(d->distance, 2);
    d = describe_tags(repo, *from_hex(one_));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->tag, "v1.0");
    EXPECT_EQ(d->distance, 0);
}

TEST_F(Describe, AnnotatedTagOnTheCommit) {
    fixture_.git({"tag", "v1.0", one_});
    fixture_.git({"tag", "-a", "-m", "release 1.1", "v1.1", two_});
    auto repo = open();
    auto d = describe_tags(repo, *from_hex(two_));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->tag, "v1.1");
    EXPECT_EQ(d->distance, 0);
    d = describe_tags(repo, *from_hex(three_));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->tag, "v1.1");
    EXPECT_EQ(d->distance, 1);
}

TEST_F(Describe, TagNamesWithDashesAndDigits) {
    fixture_.git({"tag", "glibc-2.39-9-gold", one_});
    auto repo = open();
    auto d = describe_tags(repo, *from_hex(three_));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->tag, "glibc-2.39-9-gold");
    EXPECT_EQ(d->distance, 2);
}

TEST_F(Describe, NotACommit) {
    fixture_.git({"tag", "v1.0", one_});
    auto repo = open();
    EXPECT_FALSE(describe_tags(repo, *from_hex(std::string(40, 'e'))).has_value());
}

}  // namespace
}  // namespace stablepick::git
