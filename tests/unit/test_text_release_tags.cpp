// Release tags: a tag name as prefix and version, the prefix learned from the stable branches'
// tags whatever its case, and the pattern that overrides it.
#include <gtest/gtest.h>

#include "stablepick/text/release_tags.hpp"

namespace stablepick {
namespace {

TEST(ReleaseTags, TagNamesAsPrefixAndVersion) {
    auto t = parse_version_tag("v6.8-rc3");
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->prefix, "v");
    EXPECT_EQ(t->version, "6.8-rc3");
    EXPECT_EQ(t->parts, (std::vector<int>{6, 8}));
    EXPECT_EQ(t->rc, 3);
    EXPECT_EQ(parse_version_tag("RELEASE-1.17.6")->prefix, "RELEASE-");
    EXPECT_EQ(parse_version_tag("RELEASE-1.17.6")->version, "1.17.6");
    EXPECT_EQ(parse_version_tag("glibc-2.39")->parts, (std::vector<int>{2, 39}));
    EXPECT_EQ(parse_version_tag("2.4")->prefix, "");
    EXPECT_EQ(parse_version_tag("V1.0-RC1")->rc, 1);
    EXPECT_FALSE(parse_version_tag("glibc-2.42.9000"));  // where development began
    EXPECT_FALSE(parse_version_tag("cvs/libc-2_1_3"));   // digits in the prefix
    EXPECT_FALSE(parse_version_tag("v6.6-tree"));
    EXPECT_FALSE(parse_version_tag("latest"));
}

TEST(ReleaseTags, PrefixLearnedFromTheStableBranchesWhateverItsCase) {
    std::vector<std::string> stable{"release-1.17.1", "RELEASE-1.17.5", "RELEASE-1.17.6",
                                    "build-42"};
    std::vector<std::string> main{"RELEASE-1.17", "RELEASE-1.18", "nightly-20240101"};
    auto tags = ReleaseTags::learn(stable, main);
    EXPECT_TRUE(tags.found());
    EXPECT_EQ(tags.prefixes(), std::vector<std::string>{"release-"});
    EXPECT_EQ(tags.description(), "prefix 'RELEASE-' (3 of the stable branches' 4 version tags)");
    EXPECT_EQ(tags.release("RELEASE-1.17.6")->version, "1.17.6");
    EXPECT_EQ(tags.release("Release-1.18")->version, "1.18");
    EXPECT_FALSE(tags.release("nightly-20240101"));
    EXPECT_EQ(tags.strip_prefix("RELEASE-1.17.6"), "1.17.6");
    // One tag of its kind is no naming scheme.
    EXPECT_FALSE(tags.release("build-42"));

    // No tags on the stable branches: the main branch's say.
    auto from_main = ReleaseTags::learn({}, std::vector<std::string>{"glibc-2.38", "glibc-2.39"});
    EXPECT_EQ(from_main.prefixes(), std::vector<std::string>{"glibc-"});
    EXPECT_EQ(from_main.description(), "prefix 'glibc-' (2 of the main branch's 2 version tags)");
    auto none = ReleaseTags::learn({}, std::vector<std::string>{"latest"});
    EXPECT_FALSE(none.found());
    EXPECT_FALSE(none.release("v1.0"));
}

TEST(ReleaseTags, PatternOverridesWithoutCase) {
    auto tags = ReleaseTags::from_pattern("(v|glibc-|release-)?");
    ASSERT_TRUE(tags.has_value());
    EXPECT_EQ(tags->release("RELEASE-1.17.6")->version, "1.17.6");
    EXPECT_EQ(tags->release("v6.6.74")->version, "6.6.74");
    EXPECT_EQ(tags->release("2.4")->version, "2.4");
    EXPECT_FALSE(tags->release("fedora/glibc-2.10.1-3"));
    EXPECT_EQ(tags->strip_prefix("GLIBC-2.39"), "2.39");
    auto bad = ReleaseTags::from_pattern("(v");
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(bad.error().message.find("invalid cve.tag_prefix '(v'"), std::string::npos);
}

}  // namespace
}  // namespace stablepick
