#include <gtest/gtest.h>

#include <set>

#include "stablepick/git/walk.hpp"
#include "support/fixture_repo.hpp"

namespace stablepick::git {
namespace {

// main: one - two - three - merge (of side), side: two - s1 - s2.
class Walk : public ::testing::Test {
  protected:
    void SetUp() override {
        one_ = fixture_.commit("a", "1\n", "one");
        two_ = fixture_.commit("a", "2\n", "two");
        fixture_.checkout("side", true);
        s1_ = fixture_.commit("b", "1\n", "s1");
        s2_ = fixture_.commit("b", "2\n", "s2");
        fixture_.checkout("main");
        three_ = fixture_.commit("a", "3\n", "three");
        fixture_.git({"merge", "-q", "--no-ff", "-m", "merge side", "side"});
        merge_ = fixture_.head();
        auto repo = Repository::open(fixture_.path());
        ASSERT_TRUE(repo.has_value()) << repo.error().message;
        repo_.emplace(std::move(*repo));
    }
    ObjectId id(const std::string& hex) { return *from_hex(hex); }
    std::vector<std::string> visited(const RevisionWalk& walk, Status* status = nullptr) {
        std::vector<std::string> out;
        auto st = visit_commits(*repo_, walk, [&](const ObjectId& o) { out.push_back(to_hex(o)); });
        if (status) *status = st;
        return out;
    }
    static std::set<std::string> as_set(const std::vector<std::string>& v) {
        return {v.begin(), v.end()};
    }

    testing::FixtureRepo fixture_;
    std::optional<Repository> repo_;
    std::string one_, two_, three_, s1_, s2_, merge_;
};

TEST_F(Walk, EveryCommitReachable) {
    Status st;
    auto all = visited({{id(merge_)}, {}, false}, &st);
    EXPECT_TRUE(st.has_value());
    EXPECT_EQ(all.size(), 6u);
    EXPECT_EQ(as_set(all), (std::set<std::string>{one_, two_, three_, s1_, s2_, merge_}));
}

TEST_F(Walk, HideLeavesOutWhatItReaches) {
    auto own = visited({{id(s2_)}, {id(two_)}, false});
    EXPECT_EQ(as_set(own), (std::set<std::string>{s1_, s2_}));
    auto from_two = visited({{id(merge_), id(s2_)}, {id(s1_), id(three_)}, false});
    EXPECT_EQ(as_set(from_two), (std::set<std::string>{s2_, merge_}));
}

TEST_F(Walk, FirstParentEndsAtTheRoot) {
    auto line = visited({{id(merge_)}, {}, true});
    EXPECT_EQ(line, (std::vector<std::string>{merge_, three_, two_, one_}));
}

TEST_F(Walk, AHideThatIsNoCommitHidesNothing) {
    Status st;
    auto all = visited({{id(s2_)}, {id(std::string(40, 'e'))}, false}, &st);
    EXPECT_EQ(as_set(all), (std::set<std::string>{one_, two_, s1_, s2_}));
    EXPECT_FALSE(st.has_value());  // but the walk says so
}

TEST_F(Walk, APushThatIsNoCommitIsLeftOut) {
    Status st;
    auto all = visited({{id(std::string(40, 'e')), id(two_)}, {}, false}, &st);
    EXPECT_EQ(as_set(all), (std::set<std::string>{one_, two_}));
    EXPECT_FALSE(st.has_value());
}

TEST_F(Walk, IdKeyIsTheRawBytes) {
    auto a = id_key(id(one_)), b = id_key(id(two_));
    EXPECT_EQ(a.size(), 20u);
    EXPECT_NE(a, b);
    EXPECT_EQ(a, id_key(id(one_)));
}

}  // namespace
}  // namespace stablepick::git
