// train, review and eval on a generated history where the right answer is known: every fix
// (a Fixes: tag, words of a fix, files under drivers/) is backported, no feature is.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/known_history.hpp"

namespace stablepick {
namespace {

using testing::FixtureRepo;
using testing::run_stablepick;

using testing::FixesAndFeatures;

TEST(CliVote, EvalOnAKnownAnswer) {
    FixesAndFeatures h;
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "index"}).exit_code, 0);
    auto r = run_stablepick({"-q", "-C", h.dir(), "eval", "--split", "2020-05-10", "--json",
                             "--out", (h.repo.path() / "report").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    // Days 130..179: 50 commits, the 10 fixes backported.
    EXPECT_EQ(j["test"]["commits"], 50);
    EXPECT_EQ(j["test"]["backported"], 10);
    EXPECT_DOUBLE_EQ(j["test"]["base_rate"].get<double>(), 0.2);
    std::map<std::string, nlohmann::json> by_name;
    for (auto& row : j["all"]) by_name[row["scorer"]] = row;
    auto& fixes_tag = by_name["fixes-tag"];
    EXPECT_DOUBLE_EQ(fixes_tag["precision"].get<double>(), 1.0);
    EXPECT_DOUBLE_EQ(fixes_tag["recall"].get<double>(), 1.0);
    EXPECT_EQ(fixes_tag["flagged"], 10);
    EXPECT_DOUBLE_EQ(fixes_tag["recall_top20"].get<double>(), 1.0);
    EXPECT_DOUBLE_EQ(fixes_tag["recall_top5"].get<double>(),
                     0.3);  // 3 of the 10 tied fixes fit in 3 places
    EXPECT_DOUBLE_EQ(by_name["cc-stable"]["pr_auc"].get<double>(),
                     0.2);  // no tag at all: the base rate
    auto& ballot = j["all"][0];
    EXPECT_NE(ballot["scorer"].get<std::string>().find("weighted"), std::string::npos);
    EXPECT_GE(ballot["pr_auc"].get<double>(), 0.95);
    EXPECT_DOUBLE_EQ(ballot["recall_top20"].get<double>(), 1.0);
    for (auto suffix : {".md", ".json", ".svg"})
        EXPECT_TRUE(std::filesystem::exists(h.repo.path() / ("report" + std::string(suffix))));

    auto nothing = run_stablepick({"-C", h.dir(), "eval", "--split", "2019-01-01"});
    EXPECT_EQ(nothing.exit_code, 8);
    EXPECT_NE(nothing.err.find("no training data"), std::string::npos) << nothing.err;
    auto no_test = run_stablepick({"-C", h.dir(), "eval", "--split", "2021-01-01"});
    EXPECT_EQ(no_test.exit_code, 8);
    EXPECT_NE(no_test.err.find("no test data"), std::string::npos) << no_test.err;
    auto bad_voter =
        run_stablepick({"-C", h.dir(), "eval", "--split", "2020-05-10", "--voters", "knn,oracle"});
    EXPECT_EQ(bad_voter.exit_code, 8);
    EXPECT_NE(bad_voter.err.find("unknown voter 'oracle'"), std::string::npos) << bad_voter.err;
    auto bad_regex = run_stablepick(
        {"-C", h.dir(), "eval", "--split", "2020-05-10", "--strip-tag", "(unclosed"});
    EXPECT_EQ(bad_regex.exit_code, 8);
    EXPECT_NE(bad_regex.err.find("--strip-tag"), std::string::npos) << bad_regex.err;
}

TEST(CliVote, EvalRefusesAWindowWithoutLabels) {
    FixesAndFeatures h;
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "index"}).exit_code, 0);
    // Days 151..154 hold no fix: nothing in the window was backported.
    auto r =
        run_stablepick({"-C", h.dir(), "eval", "--split", "2020-05-31", "--until", "2020-06-04"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("no backport labels"), std::string::npos) << r.err;
}

TEST(CliVote, TrainOnTooLittleHistorySaysWhatIsNeeded) {
    FixtureRepo repo;
    for (int i = 0; i < 4; ++i)
        repo.commit(fmt::format("f{}.c", i), "int x;\n", fmt::format("f{}: add x", i));
    ASSERT_EQ(run_stablepick({"-q", "-C", repo.path().string(), "index"}).exit_code, 0);
    // Four commits indexed: too few for the embedding, and the message says how many it needs
    // instead of telling the user to index what is indexed.
    auto few = run_stablepick({"-C", repo.path().string(), "train"});
    EXPECT_EQ(few.exit_code, 8);
    EXPECT_NE(few.err.find("too few commits to learn from (4, at least 10 are needed)"),
              std::string::npos)
        << few.err;
    EXPECT_EQ(few.err.find("index the repository first"), std::string::npos) << few.err;

    for (int i = 4; i < 30; ++i)
        repo.commit(fmt::format("f{}.c", i % 7), fmt::format("int x{};\n", i),
                    fmt::format("f{}: add x{}", i % 7, i));
    ASSERT_EQ(run_stablepick({"-q", "-C", repo.path().string(), "index"}).exit_code, 0);
    // Enough to embed, too little to train the voters (no labels: 90 days to settle from the
    // newest commit): the cut-off is a date, not a day number.
    auto little = run_stablepick({"-C", repo.path().string(), "train"});
    EXPECT_EQ(little.exit_code, 8);
    EXPECT_NE(little.err.find("too little settled history to learn from: "), std::string::npos)
        << little.err;
    EXPECT_NE(little.err.find("made before 2019-10-03 (at least 50 commits are needed"),
              std::string::npos)
        << little.err;
}

TEST(CliVote, TrainThenReviewRanksTheFixFirst) {
    FixesAndFeatures h;
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "index"}).exit_code, 0);
    auto before = run_stablepick({"-C", h.dir(), "review", h.fixes.back()});
    EXPECT_EQ(before.exit_code, 3);
    EXPECT_NE(before.err.find("stablepick train"), std::string::npos) << before.err;

    auto model_file = (h.repo.path() / "voters.model").string();
    auto train = run_stablepick({"-q", "-C", h.dir(), "train", "--output", model_file});
    ASSERT_EQ(train.exit_code, 0) << train.err;
    EXPECT_NE(train.out.find("trained on"), std::string::npos) << train.out;

    auto r = run_stablepick(
        {"-C", h.dir(), "review", h.features.back().substr(0, 10), h.fixes.back().substr(0, 10)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    size_t fix_at = r.out.find(h.fixes.back().substr(0, 12)),
           feature_at = r.out.find(h.features.back().substr(0, 12));
    ASSERT_NE(fix_at, std::string::npos) << r.out;
    EXPECT_LT(fix_at, feature_at) << r.out;
    EXPECT_NE(r.out.find("YES"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("precedent"), std::string::npos) << r.out;

    auto range = run_stablepick({"-C", h.dir(), "review", "HEAD~10..HEAD", "--json"});
    ASSERT_EQ(range.exit_code, 0) << range.err;
    auto j = nlohmann::json::parse(range.out);
    ASSERT_EQ(j.size(), 10u);
    EXPECT_TRUE(j[0]["selected"].get<bool>());
    EXPECT_NE(j[0]["subject"].get<std::string>().find("net: fix"), std::string::npos);
    EXPECT_FALSE(j[9]["selected"].get<bool>());

    // The model file is tied to this store: another repository's store refuses it.
    FixesAndFeatures other(60);
    ASSERT_EQ(run_stablepick({"-q", "-C", other.dir(), "index"}).exit_code, 0);
    auto foreign =
        run_stablepick({"-C", other.dir(), "review", "--model", model_file, other.fixes.back()});
    EXPECT_EQ(foreign.exit_code, 8);
    EXPECT_NE(foreign.err.find("another store"), std::string::npos) << foreign.err;
    EXPECT_NE(foreign.err.find("stablepick train"), std::string::npos) << foreign.err;
    auto unknown = run_stablepick({"-C", h.dir(), "review", "0000000000"});
    EXPECT_EQ(unknown.exit_code, 3);
    EXPECT_NE(unknown.err.find("stablepick index"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace stablepick
