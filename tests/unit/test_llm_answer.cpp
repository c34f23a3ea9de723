// Reading models' answers: structured JSON, prose forms, thinking blocks, garbage.
#include <gtest/gtest.h>

#include "stablepick/llm/answer.hpp"
#include "stablepick/llm/llm_voter.hpp"

namespace stablepick::llm {
namespace {

TEST(LlmAnswer, StructuredJson) {
    auto a = parse_answer(
        R"({"decision": "YES", "confidence": 0.9, "reasons": ["fixes a NULL dereference"], "risks": ["none"],
            "cited_commits": ["abc123"]})");
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->yes);
    EXPECT_DOUBLE_EQ(a->confidence, 0.9);
    EXPECT_EQ(a->reasons, std::vector<std::string>{"fixes a NULL dereference"});
    EXPECT_EQ(a->risks, std::vector<std::string>{"none"});
    EXPECT_EQ(a->cited_commits, std::vector<std::string>{"abc123"});
}

TEST(LlmAnswer, JsonInAFenceAfterThinking) {
    auto a = parse_answer(
        "<think>The commit says {\"decision\": \"YES\"} but it is a feature.</think>\n"
        "Here is my answer:\n```json\n{\"decision\": \"no\", \"confidence\": 80, \"reasons\": \"a "
        "new feature\"}\n```\n");
    ASSERT_TRUE(a);
    EXPECT_FALSE(a->yes);
    EXPECT_DOUBLE_EQ(a->confidence, 0.8);  // a percentage
    EXPECT_EQ(a->reasons, std::vector<std::string>{"a new feature"});
}

TEST(LlmAnswer, ProseForms) {
    EXPECT_TRUE(parse_answer("This fixes a crash.\n\nANSWER: YES")->yes);
    EXPECT_FALSE(parse_answer("Decision: no, it is a cleanup.")->yes);
    EXPECT_TRUE(parse_answer("I think this should go in. **YES**")->yes);
    EXPECT_FALSE(parse_answer("Reasons...\n\nNO\n")->yes);
    // The last decision wins: models restate the question first.
    EXPECT_FALSE(
        parse_answer("Should it be backported: YES or NO?\n\nAfter review, answer: NO")->yes);
    auto a = parse_answer("<think>ANSWER: YES</think>It only adds a feature. ANSWER: NO");
    ASSERT_TRUE(a);
    EXPECT_FALSE(a->yes);
    EXPECT_EQ(a->confidence, -1);
    EXPECT_FALSE(a->reasons.empty());
}

TEST(LlmAnswer, GarbageIsNoAnswer) {
    EXPECT_FALSE(parse_answer(""));
    EXPECT_FALSE(parse_answer("I cannot decide."));
    EXPECT_FALSE(parse_answer("{\"decision\": \"maybe\"}"));
    EXPECT_FALSE(parse_answer("<think>ANSWER: YES"));  // thinking never closed: nothing said
    EXPECT_FALSE(parse_answer("{not json"));
}

TEST(LlmAnswer, VoteFromAnswer) {
    auto yes = vote_from_answer(
        "m", R"({"decision": "YES", "confidence": 0.7, "reasons": ["r1", "r2"], "risks": ["k"]})");
    EXPECT_EQ(yes.verdict, Verdict::kYes);
    EXPECT_DOUBLE_EQ(yes.probability, 0.7);
    EXPECT_EQ(yes.reason, "r1");
    EXPECT_EQ(yes.explanation, "- r1\n- r2\nRisks:\n- k\n");
    auto no = vote_from_answer("m", R"({"decision": "NO", "confidence": 0.9})");
    EXPECT_EQ(no.verdict, Verdict::kNo);
    EXPECT_NEAR(no.probability, 0.1, 1e-12);
    auto plain = vote_from_answer("m", "ANSWER: YES");
    EXPECT_DOUBLE_EQ(plain.probability, 0.8);
    auto garbage = vote_from_answer("m", "lorem ipsum");
    EXPECT_EQ(garbage.verdict, Verdict::kAbstain);
    EXPECT_TRUE(garbage.error.empty());  // an abstention, not a failure
    EXPECT_NE(garbage.reason.find("could not read"), std::string::npos);
}

}  // namespace
}  // namespace stablepick::llm
