// The review stage as a library: typed results, the same answers as the command, the question
// deciding what is asked, and several reviews at once on their own stores.
#include <gtest/gtest.h>

#include <future>
#include <nlohmann/json.hpp>
#include <set>

#include "stablepick/report/review_text.hpp"
#include "stablepick/review/review.hpp"
#include "support/known_history.hpp"

namespace stablepick {
namespace {

using testing::FixesAndFeatures;
using testing::run_stablepick;

class ReviewStage : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        h_ = new FixesAndFeatures();
        ASSERT_EQ(run_stablepick({"-q", "-C", h_->dir(), "index"}).exit_code, 0);
        ASSERT_EQ(run_stablepick({"-q", "-C", h_->dir(), "train"}).exit_code, 0);
    }
    static void TearDownTestSuite() { delete h_; }

    struct Opened {
        git::Repository repo;
        Store store;
    };
    static Opened open() {
        auto repo = git::Repository::open(h_->dir());
        EXPECT_TRUE(repo) << repo.error().message;
        auto store = Store::open(Store::default_path(repo->git_dir()), Store::Mode::kRead);
        EXPECT_TRUE(store) << store.error().message;
        return {std::move(*repo), std::move(*store)};
    }
    static FixesAndFeatures* h_;
};
FixesAndFeatures* ReviewStage::h_ = nullptr;

TEST_F(ReviewStage, RanksTheFixFirstWithTypedResults) {
    auto o = open();
    Config config;
    review::ReviewOptions options;
    options.precedents = 2;
    auto run = review::review_commits(o.store, &o.repo, config,
                                      {h_->features.back(), h_->fixes.back().substr(0, 10)},
                                      review::backport_question(config), options);
    ASSERT_TRUE(run) << run.error().message;
    ASSERT_EQ(run->reviews.size(), 2u);
    EXPECT_EQ(run->voted, 2u);
    EXPECT_EQ(run->reviews[0].id, h_->fixes.back());
    EXPECT_TRUE(run->reviews[0].positive);
    EXPECT_TRUE(run->reviews[0].ballot.selected);
    EXPECT_FALSE(run->reviews[1].positive);
    EXPECT_GE(run->reviews[0].ballot.probability, run->reviews[1].ballot.probability);
    EXPECT_EQ(run->reviews[0].precedents.size(), 2u);
    EXPECT_TRUE(run->reviews[0].precedents[0].positive);  // a fix is most like earlier fixes
    EXPECT_FALSE(run->reviews[0].checks);                 // no targets asked for
    EXPECT_EQ(run->offline_voters, run->voters.size());   // no LLM configured
    // The recorded review is the JSON form; the store could be written, so decisions are read.
    ASSERT_TRUE(run->reviews[0].decisions);
    auto j = review::to_json(run->reviews[0], *run);
    EXPECT_EQ(j["id"], h_->fixes.back());
    EXPECT_TRUE(j["selected"].get<bool>());
    EXPECT_FALSE(j.contains("decision"));  // that key belongs to the CVE question
    EXPECT_NE(report::review_table(*run, false).find("1 of 2 commits selected"), std::string::npos)
        << report::review_table(*run, false);
}

TEST_F(ReviewStage, SameJsonAsTheCommand) {
    auto o = open();
    Config config;
    auto run = review::review_commits(o.store, &o.repo, config, {"HEAD~6..HEAD"},
                                      review::backport_question(config), {});
    ASSERT_TRUE(run) << run.error().message;
    auto cli = run_stablepick({"-q", "-C", h_->dir(), "review", "HEAD~6..HEAD", "--json"});
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    auto printed = nlohmann::json::parse(cli.out);
    ASSERT_EQ(printed.size(), run->reviews.size());
    for (size_t i = 0; i < run->reviews.size(); ++i) {
        auto mine = review::to_json(run->reviews[i], *run);
        mine.erase("decisions");  // they grow as reviews are recorded: compare the rest
        printed[i].erase("decisions");
        EXPECT_EQ(mine, printed[i]) << i;
    }
}

TEST_F(ReviewStage, LimitKeepsTheOfflineTopAndSaysHowManyWereRanked) {
    auto o = open();
    Config config;
    review::ReviewOptions options;
    options.limit = 3;
    auto run = review::review_commits(o.store, &o.repo, config, {"HEAD~20..HEAD"},
                                      review::backport_question(config), options);
    ASSERT_TRUE(run) << run.error().message;
    EXPECT_EQ(run->reviews.size(), 3u);
    EXPECT_EQ(run->ranked, 20u);
    for (size_t i = 1; i < run->reviews.size(); ++i)
        EXPECT_GE(run->reviews[i - 1].ballot.probability, run->reviews[i].ballot.probability);
    EXPECT_NE(report::top_of(run->voted, run->ranked).find("the top 3 of 20"), std::string::npos);
}

TEST_F(ReviewStage, SeveralReviewsAtOnceOnTheirOwnStores) {
    Config config;
    auto one = [&] {
        auto o = open();
        auto run = review::review_commits(o.store, &o.repo, config, {"HEAD~15..HEAD"},
                                          review::backport_question(config), {});
        std::vector<std::pair<std::string, double>> out;
        if (run)
            for (auto& r : run->reviews) out.emplace_back(r.id, r.ballot.probability);
        return out;
    };
    auto a = std::async(std::launch::async, one), b = std::async(std::launch::async, one);
    auto first = a.get(), second = b.get();
    ASSERT_EQ(first.size(), 15u);
    EXPECT_EQ(first, second);
}

TEST_F(ReviewStage, ErrorsNameWhatIsMissing) {
    auto o = open();
    Config config;
    auto unknown = review::review_commits(o.store, &o.repo, config, {"0000000000"},
                                          review::backport_question(config), {});
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
    EXPECT_NE(unknown.error().message.find("stablepick index"), std::string::npos);

    // The CVE question needs the CVE classifier, which this store has not trained.
    auto cve = review::review_commits(o.store, &o.repo, config, {h_->fixes.back()},
                                      review::cve_question(config), {});
    ASSERT_FALSE(cve);
    EXPECT_NE(cve.error().message.find("--label cve"), std::string::npos) << cve.error().message;

    // Ranges and targets need the repository.
    auto no_repo = review::review_commits(o.store, nullptr, config, {"HEAD~2..HEAD"},
                                          review::backport_question(config), {});
    ASSERT_FALSE(no_repo);
    EXPECT_NE(no_repo.error().message.find("needs a repository"), std::string::npos);
    review::ReviewOptions targets;
    targets.targets = {"v1-stable"};
    auto no_repo_targets = review::review_commits(o.store, nullptr, config, {h_->fixes.back()},
                                                  review::backport_question(config), targets);
    ASSERT_FALSE(no_repo_targets);
    EXPECT_NE(no_repo_targets.error().message.find("--target needs the repository"),
              std::string::npos);
}

TEST_F(ReviewStage, PromptsOnlyBuildsOnePromptPerCommitAndCallsNothing) {
    auto o = open();
    Config config;
    review::ReviewOptions options;
    options.prompts_only = true;
    auto run = review::review_commits(o.store, &o.repo, config, {"HEAD~3..HEAD"},
                                      review::backport_question(config), options);
    ASSERT_TRUE(run) << run.error().message;
    EXPECT_TRUE(run->reviews.empty());
    ASSERT_EQ(run->prompts.size(), 3u);
    ASSERT_EQ(run->prompt_ids.size(), 3u);
    EXPECT_NE(run->prompts[0].user.find(run->prompt_ids[0].substr(0, 12)), std::string::npos);
    EXPECT_TRUE(run->usage->usage().empty());
}

TEST_F(ReviewStage, RangeEndsOffMainStandForWhereTheyFork) {
    auto o = open();
    Config config;
    std::vector<std::string> notes;
    review::ReviewHooks hooks;
    hooks.note = [&](const std::string& text) { notes.push_back(text); };
    // v1-stable forks from main at its first commit: "v1-stable..HEAD" is everything after it.
    auto run = review::review_commits(o.store, &o.repo, config, {"v1-stable..HEAD"},
                                      review::backport_question(config), {}, hooks);
    ASSERT_TRUE(run) << run.error().message;
    EXPECT_EQ(run->reviews.size(), h_->fixes.size() + h_->features.size() - 1);
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_NE(notes[0].find("'v1-stable' is on v1-stable, not on main: taken as " +
                            h_->features.front().substr(0, 12)),
              std::string::npos)
        << notes[0];

    // Both ends on the stable branch after its fork: no main commit, and the error says why.
    auto none = review::review_commits(o.store, &o.repo, config, {"v1-stable~3..v1-stable"},
                                       review::backport_question(config), {});
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
    EXPECT_NE(none.error().message.find("holds no commit of main: its commits are on v1-stable, "
                                        "above where it forks from main at " +
                                        h_->features.front().substr(0, 12)),
              std::string::npos)
        << none.error().message;
    EXPECT_NE(none.error().message.find("e.g. main~50..main) or review the newest with --last 50"),
              std::string::npos);

    // A single stable commit named: the error says which branch holds it, not "run index".
    auto stable = review::review_commits(o.store, &o.repo, config, {"v1-stable"},
                                         review::backport_question(config), {});
    ASSERT_FALSE(stable);
    EXPECT_EQ(stable.error().code, ErrorCode::kNotFound);
    EXPECT_NE(stable.error().message.find("1 commit(s) not on main (v1-stable is on v1-stable)"),
              std::string::npos)
        << stable.error().message;
    EXPECT_EQ(stable.error().message.find("stablepick index"), std::string::npos);
}

TEST_F(ReviewStage, LastReviewsTheNewestMainCommits) {
    auto o = open();
    Config config;
    review::ReviewOptions options;
    options.last = 4;
    auto run = review::review_commits(o.store, &o.repo, config, {},
                                      review::backport_question(config), options);
    ASSERT_TRUE(run) << run.error().message;
    ASSERT_EQ(run->reviews.size(), 4u);
    std::set<std::string> ids;
    for (auto& r : run->reviews) ids.insert(r.id);
    EXPECT_TRUE(ids.contains(h_->repo.head())) << "the newest main commit is among them";
}

}  // namespace
}  // namespace stablepick
