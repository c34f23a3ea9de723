#include <gtest/gtest.h>

#include "stablepick/text/features.hpp"
#include "stablepick/text/tag_strip.hpp"

namespace stablepick {
namespace {

TEST(TagStrip, DropsTheTrailerAndOnlyTheWordsElsewhere) {
    auto s = TagStrip::compile(R"(stable@dpdk\.org)");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_TRUE(s->hides_trailer("Cc: stable@dpdk.org"));
    EXPECT_FALSE(s->hides_trailer("Cc: dev@dpdk.org"));
    std::string body =
        "The rx path leaks an mbuf; please send to stable@dpdk.org as well.\n"
        "\n"
        "Fixes: 0123456789ab (\"net: add rx\")\n"
        "Cc: stable@dpdk.org\n"
        "Signed-off-by: A <a@example.org>\n";
    EXPECT_EQ(s->strip(body),
              "The rx path leaks an mbuf; please send to  as well.\n"
              "\n"
              "Fixes: 0123456789ab (\"net: add rx\")\n"
              "Signed-off-by: A <a@example.org>\n");
    // The subject too, and what similarity reads.
    CommitText text{"net: fix leak (stable@dpdk.org)", body, "", {}, {}};
    s->apply(text);
    EXPECT_EQ(text.subject, "net: fix leak ()");
    EXPECT_EQ(text.body.find("stable@dpdk.org"), std::string::npos);
    EXPECT_NE(text.body.find("please send to"), std::string::npos);
}

TEST(TagStrip, ChangesTheTermsSimilarityReads) {
    auto s = TagStrip::compile(R"((?i)\bstable\b)");
    ASSERT_TRUE(s);
    CommitText text{"fix a crash, for stable", "backport this to stable\n", "", {"a.c"}, {}};
    auto before = commit_terms(text);
    s->apply(text);
    auto after = commit_terms(text);
    EXPECT_LT(after.size(), before.size());
}

TEST(TagStrip, BadPatternIsRefusedByName) {
    auto s = TagStrip::compile("(unclosed");
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(s.error().message.find("invalid --strip-tag pattern '(unclosed'"), std::string::npos);
}

TEST(TagStrip, TrailerShape) {
    EXPECT_TRUE(looks_like_trailer("Cc: stable@vger.kernel.org"));
    EXPECT_TRUE(looks_like_trailer("Reported-by: x"));
    EXPECT_FALSE(looks_like_trailer("a sentence: with a colon later"));
    EXPECT_FALSE(looks_like_trailer("http://example.org"));
}

}  // namespace
}  // namespace stablepick
