// The choice of the main branch and the stable branches (ingest/branch_choice) on histories
// built for it: stable branches recognised by their backports whatever their names, the
// branches that are not stable branches and why, the main branch that contains the others,
// the warning when nothing is found, and the overrides.
#include <gtest/gtest.h>

#include <map>

#include "stablepick/ingest/branch_choice.hpp"
#include "support/branch_history.hpp"
#include "support/fixture_repo.hpp"

namespace stablepick {
namespace {

using git::BranchWhy;
using testing::FixtureRepo;
using testing::XyProject;

std::map<std::string, git::BranchVerdict> by_name(const git::BranchSet& set) {
    std::map<std::string, git::BranchVerdict> out;
    for (auto& v : set.verdicts) out[v.name] = v;
    return out;
}

std::vector<std::string> stable_names(const git::BranchSet& set) {
    std::vector<std::string> out;
    for (auto& b : set.stable) out.push_back(b.name);
    return out;
}

TEST(BranchChoice, StableBranchesNamedLikeNoPatternAreFoundByTheirBackports) {
    XyProject p;
    auto repo = git::Repository::open(p.r.path());
    auto set = git::find_branches(*repo, Config{});
    ASSERT_TRUE(set.has_value()) << set.error().message;
    EXPECT_EQ(set->main.name, "main");
    EXPECT_EQ(set->how, "by name and history");
    EXPECT_EQ(stable_names(*set), p.stable);
    EXPECT_TRUE(set->warnings.empty());
    auto v = by_name(*set);
    EXPECT_EQ(v["xy-1-58"].why, BranchWhy::kBackports);
    EXPECT_EQ(v["xy-1-58"].reason, "2 of its 2 commits are backports of main commits");
    EXPECT_EQ(v["xy-1-58"].version_tags, 1);
    // Forked from main, its own work with one cherry-pick: a development branch.
    EXPECT_FALSE(v["aaribaud/y2038"].stable);
    EXPECT_EQ(v["aaribaud/y2038"].why, BranchWhy::kFewBackports);
    EXPECT_EQ(v["aaribaud/y2038"].reason,
              "only 1 of its 6 commits is a backport of a main commit (a stable branch has at "
              "least 1 in 5)");
    // Backports, but a one-off: named unlike the three stable branches.
    EXPECT_EQ(v["fw/bug1-backport"].why, BranchWhy::kOtherFamily);
    EXPECT_EQ(v["fw/bug1-backport"].reason,
              "2 of its 2 commits are backports of main commits, but it is named unlike the "
              "stable branches (xy-1-56, …): [branches] stable takes it if it is one");
    EXPECT_EQ(v["next-for-main"].why, BranchWhy::kNoOwnCommits);
    EXPECT_EQ(v["next-for-main"].reason, "no commits of its own: its tip is on 'main'");
    EXPECT_EQ(v["pages"].why, BranchWhy::kNoSharedHistory);
    EXPECT_EQ(v["pages"].reason, "shares no history with 'main'");
    // Release tags learned from the stable branches' tags.
    EXPECT_EQ(set->release_tags.prefixes(), std::vector<std::string>{"xy-"});
    EXPECT_EQ(set->release_tags.description(),
              "prefix 'xy-' (3 of the stable branches' 3 version tags)");
}

TEST(BranchChoice, NewStableBranchOfTheFamilyIsTakenBeforeItHasCommits) {
    XyProject p;
    p.r.git({"branch", "xy-1-59"});  // just forked: no commit of its own yet
    auto repo = git::Repository::open(p.r.path());
    auto set = git::find_branches(*repo, Config{});
    ASSERT_TRUE(set.has_value()) << set.error().message;
    auto v = by_name(*set);
    EXPECT_TRUE(v["xy-1-59"].stable);
    EXPECT_EQ(v["xy-1-59"].why, BranchWhy::kFamily);
    EXPECT_EQ(v["xy-1-59"].reason, "named like the stable branches; no commits of its own");
}

TEST(BranchChoice, StagingCopiesOfNamedStableBranchesAreLeftOut) {
    // DPDK: 24.11 and 25.11 by name, and 25.11-staging with the same backports.
    FixtureRepo r;
    r.commit("a.c", "int a;\n", "start\n");
    r.git({"branch", "24.11"});
    r.git({"branch", "25.11"});
    std::string fix = r.commit("a.c", "int a = 0;\n", "a: fix\n");
    std::string fix2 = r.commit("b.c", "int b;\n", "b: fix\n");
    for (auto* b : {"24.11", "25.11"}) {
        r.checkout(b);
        r.cherry_pick_x(fix);
    }
    r.checkout("25.11-staging", true, "25.11");
    r.cherry_pick_x(fix2);
    r.checkout("main");
    auto repo = git::Repository::open(r.path());
    auto set = git::find_branches(*repo, Config{});
    ASSERT_TRUE(set.has_value()) << set.error().message;
    EXPECT_EQ(stable_names(*set), (std::vector<std::string>{"24.11", "25.11"}));
    auto v = by_name(*set);
    EXPECT_EQ(v["24.11"].why, BranchWhy::kNamed);
    EXPECT_EQ(v["24.11"].reason,
              "name matches '\\d+\\.\\d+'; its one commit is a backport of a main commit");
    EXPECT_EQ(v["25.11-staging"].why, BranchWhy::kOtherFamily);
}

TEST(BranchChoice, MainBranchIsTheOneThatContainsTheOthers) {
    FixtureRepo r{"master"};
    r.commit("a.c", "int a;\n", "start\n");
    r.checkout("staging", true);
    r.commit("b.c", "int b;\n", "newer work\n");  // staging is master and more
    r.checkout("master");
    auto repo = git::Repository::open(r.path());
    auto set = git::find_branches(*repo, Config{});
    ASSERT_TRUE(set.has_value()) << set.error().message;
    EXPECT_EQ(set->main.name, "staging");
    EXPECT_EQ(set->main_reason, "contains 'master'");
    for (auto& w : set->warnings) EXPECT_FALSE(w.starts_with("the main branch is")) << w;

    // Diverged: the newest, said so in a warning.
    r.commit("c.c", "int c;\n", "master moves on\n", 1700000000);
    auto again = git::find_branches(*repo, Config{});
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->main.name, "master");
    EXPECT_EQ(again->main_reason, "'master', 'staging' have diverged; it has the newest commit");
    ASSERT_FALSE(again->warnings.empty());
    EXPECT_EQ(again->warnings.front(),
              "the main branch is 'master': 'master', 'staging' have diverged; it has the newest "
              "commit; name the main branch with --main or [branches] main");

    // The config's list is an order of preference; --main names it.
    Config config;
    config.branches.main_names = {"staging", "master"};
    config.branches.main_from_config = true;
    auto configured = git::find_branches(*repo, config);
    ASSERT_TRUE(configured.has_value());
    EXPECT_EQ(configured->main.name, "staging");
    EXPECT_EQ(configured->main_reason, "the first of [branches] main that exists");
    auto flagged = git::find_branches(*repo, Config{}, {"staging", {}});
    ASSERT_TRUE(flagged.has_value());
    EXPECT_EQ(flagged->main_reason, "named by --main");
    auto missing = git::find_branches(*repo, Config{}, {"trunk", {}});
    ASSERT_FALSE(missing.has_value());
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(missing.error().message,
              "no branch 'trunk' in '" + repo->git_dir().string() + "' (--main)");
    config.branches.main_names = {"develop"};
    auto none = git::find_branches(*repo, config);
    ASSERT_FALSE(none.has_value());
    EXPECT_EQ(none.error().message, "no main branch in '" + repo->git_dir().string() +
                                        "': none of [branches] main (develop) exists; name it "
                                        "with --main");
}

TEST(BranchChoice, NoStableBranchWarnsNamingTheConfigKeyWithAnExample) {
    FixtureRepo r;
    r.commit("a.c", "int a;\n", "start\n");
    std::string fix = r.commit("a.c", "int a = 0;\n", "a: fix\n");
    // Stable branches whose backports carry no marker: nothing tells them from development.
    r.checkout("xy-1-58", true, "HEAD~1");
    r.commit("a.c", "int a = 0;\n", "a: fix\n");
    r.commit("b.c", "int b;\n", "b: a stable fix\n");
    r.checkout("main");
    auto repo = git::Repository::open(r.path());
    auto set = git::find_branches(*repo, Config{});
    ASSERT_TRUE(set.has_value()) << set.error().message;
    EXPECT_TRUE(set->stable.empty());
    ASSERT_EQ(set->warnings.size(), 1u);
    EXPECT_EQ(set->warnings[0],
              "no stable branch found in '" + repo->git_dir().string() +
                  "': no branch name matches the stable branch patterns, and no other branch (1 "
                  "in all) forks from 'main' with backport markers in a fifth of its commits; "
                  "if the project has stable branches, name them in the config: [branches] "
                  "stable = ['xy-\\d+-\\d+']");
    EXPECT_EQ(git::name_pattern_like("release/2.39/master"), "release/\\d+\\.\\d+/master");
}

TEST(BranchChoice, ConfigPatternsAndBranchOptionAreExact) {
    XyProject p;
    auto repo = git::Repository::open(p.r.path());
    Config config;
    config.branches.stable_patterns = {R"(xy-1-5[78])", R"(pages)"};
    config.branches.stable_from_config = true;
    auto set = git::find_branches(*repo, config);
    ASSERT_TRUE(set.has_value()) << set.error().message;
    EXPECT_EQ(set->how, "[branches] stable");
    EXPECT_EQ(stable_names(*set), (std::vector<std::string>{"pages", "xy-1-57", "xy-1-58"}));
    auto v = by_name(*set);
    EXPECT_EQ(v["xy-1-57"].reason,
              "matches [branches] stable 'xy-1-5[78]'; 2 of its 2 commits are backports of main "
              "commits");
    EXPECT_EQ(v["pages"].reason,
              "matches [branches] stable 'pages'; shares no history with 'main'");
    EXPECT_EQ(v["xy-1-56"].why, BranchWhy::kNotAsked);
    EXPECT_EQ(v["xy-1-56"].reason, "matched by no [branches] stable pattern");

    config.branches.stable_patterns = {R"(nothing-\d+)"};
    auto none = git::find_branches(*repo, config);
    ASSERT_TRUE(none.has_value());
    ASSERT_EQ(none->warnings.size(), 1u);
    EXPECT_EQ(none->warnings[0], "no stable branch in '" + repo->git_dir().string() +
                                     "': [branches] stable ('nothing-\\d+') matches no branch");

    // --branch takes a branch whatever its history says, and nothing else.
    auto only = git::find_branches(*repo, Config{}, {std::nullopt, {"fw/bug1-backport"}});
    ASSERT_TRUE(only.has_value()) << only.error().message;
    EXPECT_EQ(stable_names(*only), std::vector<std::string>{"fw/bug1-backport"});
    EXPECT_EQ(by_name(*only)["fw/bug1-backport"].reason,
              "named by --branch; 2 of its 2 commits are backports of main commits");
    auto unknown = git::find_branches(*repo, Config{}, {std::nullopt, {"xy-9"}});
    ASSERT_FALSE(unknown.has_value());
    EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(unknown.error().message,
              "no branch 'xy-9' in '" + repo->git_dir().string() + "' (--branch)");
    auto main = git::find_branches(*repo, Config{}, {std::nullopt, {"main"}});
    ASSERT_FALSE(main.has_value());
    EXPECT_EQ(main.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(main.error().message, "'main' is the main branch, not a stable branch (--branch)");
    auto unrelated = git::find_branches(*repo, Config{}, {std::nullopt, {"pages"}});
    ASSERT_FALSE(unrelated.has_value());
    EXPECT_EQ(unrelated.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(unrelated.error().message, "'pages' shares no history with the main branch 'main'");

    config.branches.stable_patterns = {"("};
    auto bad = git::find_branches(*repo, config);
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(bad.error().message.find("bad stable branch pattern '('"), std::string::npos);
}

}  // namespace
}  // namespace stablepick
