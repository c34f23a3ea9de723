#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "stablepick/report/review_text.hpp"
#include "stablepick/report/svg.hpp"
#include "stablepick/vote/ballot.hpp"

namespace stablepick {
namespace {

Vote yes(const std::string& voter, double p = 0.8) {
    return {voter, Verdict::kYes, p, voter + " says yes", {}, {}};
}
Vote no(const std::string& voter, double p = 0.2) {
    return {voter, Verdict::kNo, p, voter + " says no", {}, {}};
}
Vote failed(const std::string& voter) {
    return {voter, Verdict::kAbstain, 0, "", {}, "connection refused"};
}

// A majority ballot over three voters, calibrated on a held-out set where the answer is known.
Ballot majority_of_three() {
    std::vector<std::vector<Vote>> votes;
    std::vector<int> labels;
    for (int i = 0; i < 10; ++i) {
        votes.push_back({yes("a"), yes("b"), yes("c")});
        labels.push_back(1);
        votes.push_back({no("a"), no("b"), no("c")});
        labels.push_back(0);
    }
    BallotOptions options;
    options.policy = BallotPolicy::kMajority;
    auto b = Ballot::fit({"a", "b", "c"}, votes, labels, options);
    EXPECT_TRUE(b) << b.error().message;
    return std::move(*b);
}

TEST(Ballot, MajorityCountsOnlyVotersThatAnswered) {
    Ballot b = majority_of_three();
    // 2 of 3: yes ((3+1)/2 = 2).
    auto r = b.decide({yes("a"), yes("b"), no("c")});
    EXPECT_TRUE(r.selected);
    EXPECT_EQ(r.yes, 2);
    EXPECT_EQ(r.answered, 3);
    // 1 yes of 2 answering (c failed): 2 * 1 >= 2 + 1 is false.
    r = b.decide({yes("a"), no("b"), failed("c")});
    EXPECT_FALSE(r.selected);
    EXPECT_EQ(r.answered, 2);
    EXPECT_EQ(r.failed, 1);
    ASSERT_FALSE(r.reasons.empty());
    EXPECT_NE(r.reasons.back().find("c failed: connection refused"), std::string::npos);
    // 1 yes with the two others failed: n = 1, yes.
    r = b.decide({yes("a"), failed("b"), failed("c")});
    EXPECT_TRUE(r.selected);
    EXPECT_EQ(r.answered, 1);
    EXPECT_EQ(r.failed, 2);
    // Nobody answered: no.
    r = b.decide({failed("a"), failed("b"), failed("c")});
    EXPECT_FALSE(r.selected);
    EXPECT_EQ(r.answered, 0);
}

TEST(Ballot, MajorityProbabilityIsTheCalibratedYesShare) {
    Ballot b = majority_of_three();
    // Held out: all-yes always backported, all-no never: isotonic maps share 1 -> 1, 0 -> 0.
    EXPECT_DOUBLE_EQ(b.decide({yes("a"), yes("b"), yes("c")}).probability, 1.0);
    EXPECT_DOUBLE_EQ(b.decide({no("a"), no("b"), no("c")}).probability, 0.0);
    EXPECT_DOUBLE_EQ(b.decide({yes("a"), no("b"), no("c")}).raw_score, 1.0 / 3);
}

TEST(Ballot, WeightedLearnsWhichVoterIsSkilled) {
    // Voter "good" is right every time, "noise" says yes half the time whatever happens.
    std::vector<std::vector<Vote>> votes;
    std::vector<int> labels;
    for (int i = 0; i < 200; ++i) {
        int label = i % 3 == 0;
        Vote good = label ? yes("good", 0.9) : no("good", 0.1);
        Vote noise = (i / 2) % 2 ? yes("noise", 0.7) : no("noise", 0.3);
        votes.push_back({good, noise});
        labels.push_back(label);
    }
    auto b = Ballot::fit({"good", "noise"}, votes, labels, {});
    ASSERT_TRUE(b) << b.error().message;
    EXPECT_GT(b->weights()[0], 1.0);
    EXPECT_LT(std::abs(b->weights()[1]), 0.3 * b->weights()[0]);
    auto r = b->decide({yes("good", 0.9), no("noise", 0.3)});
    EXPECT_TRUE(r.selected);
    EXPECT_GT(r.probability, 0.9);
    EXPECT_NE(r.reasons.front().find("good"), std::string::npos);
    // A failed voter is left out, not counted as a no.
    auto partial = b->decide({yes("good", 0.9), failed("noise")});
    EXPECT_TRUE(partial.selected);
    EXPECT_EQ(partial.failed, 1);
    // Round trip.
    auto back = Ballot::from_json(b->to_json());
    ASSERT_TRUE(back);
    EXPECT_DOUBLE_EQ(back->decide({yes("good", 0.9), no("noise", 0.3)}).probability, r.probability);
}

// Two voters each a little under their own line, on commits that were positive in the past:
// the weighted ballot selects, and must say why although no vote pushed towards it.
TEST(Ballot, WeightedYesWithoutAYesVoteSaysWhy) {
    std::vector<std::vector<Vote>> votes;
    std::vector<int> labels;
    for (int i = 0; i < 10; ++i) {
        votes.push_back({no("a", 0.45), no("b", 0.45)});
        labels.push_back(1);
        votes.push_back({no("a", 0.05), no("b", 0.05)});
        labels.push_back(0);
    }
    auto b = Ballot::fit({"a", "b"}, votes, labels, BallotOptions{});
    ASSERT_TRUE(b) << b.error().message;
    auto r = b->decide({no("a", 0.45), no("b", 0.45)});
    ASSERT_TRUE(r.selected);
    EXPECT_EQ(r.yes, 0);
    ASSERT_EQ(r.reasons.size(), 1u);
    EXPECT_NE(r.reasons[0].find("no voter says yes alone"), std::string::npos) << r.reasons[0];
    EXPECT_NE(r.reasons[0].find("a 0.45, b 0.45"), std::string::npos) << r.reasons[0];
    EXPECT_NE(r.reasons[0].find("threshold of 50 %"), std::string::npos) << r.reasons[0];

    // The tally shown is the one that decided: the probability against the threshold, the
    // voters' own verdicts beside it and named as such.
    review::ReviewRun run;
    run.policy = BallotPolicy::kWeighted;
    run.threshold = 0.5;
    std::string line = report::tally_line(r, run);
    EXPECT_NE(line.find("weighted ballot: probability"), std::string::npos) << line;
    EXPECT_NE(line.find("(yes from 50 %)"), std::string::npos) << line;
    EXPECT_NE(line.find("voters' own verdicts 0/2 yes (a no, b no)"), std::string::npos) << line;
    run.policy = BallotPolicy::kMajority;
    line = report::tally_line(r, run);
    EXPECT_NE(line.find("majority ballot: votes 0/2 yes (yes from 2)"), std::string::npos) << line;
}

TEST(Ballot, RefusesOneClassAndDamagedJson) {
    std::vector<std::vector<Vote>> votes{{yes("a")}, {yes("a")}};
    std::vector<int> labels{1, 1};
    auto b = Ballot::fit({"a"}, votes, labels, {});
    ASSERT_FALSE(b);
    EXPECT_EQ(b.error().code, ErrorCode::kInvalidInput);
    auto bad = Ballot::from_json(nlohmann::json{{"voters", {"a"}}});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::kCorrupt);
}

TEST(Svg, CurvesLegendAndEscaping) {
    std::vector<SvgSeries> series{{"model <trees> & \"co\"", {{0, 1}, {0.5, 0.8}, {1, 0.2}}},
                                  {"knn", {{0, 1}, {1, 0.2}}}};
    std::vector<ReliabilityBin> bins{{0, 0.5, 10, 0.2, 0.25}, {0.5, 1, 0, 0, 0}};
    std::string svg = pr_and_reliability_svg("Backtest", series, 0.2, bins);
    EXPECT_TRUE(svg.starts_with("<svg"));
    EXPECT_NE(svg.find("</svg>"), std::string::npos);
    EXPECT_NE(svg.find("model &lt;trees&gt; &amp; &quot;co&quot;"), std::string::npos);
    EXPECT_EQ(svg.find("<trees>"), std::string::npos);
    size_t polylines = 0;
    for (size_t pos = 0; (pos = svg.find("<polyline", pos)) != std::string::npos; ++pos)
        ++polylines;
    EXPECT_EQ(polylines, 3u);  // two curves and the reliability line
    size_t circles = 0;
    for (size_t pos = 0; (pos = svg.find("<circle", pos)) != std::string::npos; ++pos) ++circles;
    EXPECT_EQ(circles, 1u);  // the empty bin is left out
}

}  // namespace
}  // namespace stablepick
