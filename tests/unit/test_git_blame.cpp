#include <gtest/gtest.h>

#include "stablepick/git/blame.hpp"
#include "support/fixture_repo.hpp"

namespace stablepick::git {
namespace {

// Three commits: the first writes three lines, the second changes line 2, the third line 3.
class Blame : public ::testing::Test {
  protected:
    void SetUp() override {
        one_ = fixture_.commit("f.txt", "a\nb\nc\n", "one");
        two_ = fixture_.commit("f.txt", "a\nB\nc\n", "two");
        three_ = fixture_.commit("f.txt", "a\nB\nC\n", "three");
        auto repo = Repository::open(fixture_.path());
        ASSERT_TRUE(repo.has_value());
        repo_.emplace(std::move(*repo));
    }
    using Lines = std::vector<std::pair<int, int>>;
    testing::FixtureRepo fixture_;
    std::optional<Repository> repo_;
    std::string one_, two_, three_;
};

TEST_F(Blame, EveryCommitALineCameFromTheRootAtTheBoundary) {
    Lines all{{1, 3}};
    auto b = blame_lines(*repo_, "f.txt", all, three_, "");
    ASSERT_TRUE(b.has_value()) << b.error().message;
    EXPECT_EQ(b->commits, (std::set<std::string>{one_, two_, three_}));
    EXPECT_EQ(b->boundary, (std::set<std::string>{one_}));
}

TEST_F(Blame, OnlyTheLinesAsked) {
    Lines last{{3, 3}};
    auto b = blame_lines(*repo_, "f.txt", last, three_, "");
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->commits, (std::set<std::string>{three_}));
    EXPECT_TRUE(b->boundary.empty());
    Lines two_ranges{{1, 1}, {3, 3}};
    b = blame_lines(*repo_, "f.txt", two_ranges, three_, "");
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->commits, (std::set<std::string>{one_, three_}));
}

TEST_F(Blame, AsOfAnOlderCommit) {
    Lines all{{1, 3}};
    auto b = blame_lines(*repo_, "f.txt", all, two_, "");
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->commits, (std::set<std::string>{one_, two_}));
}

TEST_F(Blame, NoFurtherBackThanSince) {
    // Lines as old as `since`, or older, are put on it, at the boundary.
    Lines all{{1, 3}};
    auto b = blame_lines(*repo_, "f.txt", all, three_, two_);
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->commits, (std::set<std::string>{two_, three_}));
    EXPECT_EQ(b->boundary, (std::set<std::string>{two_}));
}

TEST_F(Blame, APathTheCommitLacks) {
    Lines all{{1, 1}};
    auto b = blame_lines(*repo_, "missing.txt", all, three_, "");
    ASSERT_FALSE(b.has_value());
    EXPECT_EQ(b.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace stablepick::git
