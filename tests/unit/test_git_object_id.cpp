#include <gtest/gtest.h>

#include <algorithm>
#include <unordered_set>
#include <vector>

#include "stablepick/git/object_id.hpp"

namespace stablepick::git {
namespace {

constexpr const char* kId = "0123456789abcdef0123456789abcdef01234567";

TEST(ObjectId, HexRoundTrips) {
    auto id = from_hex(kId);
    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(to_hex(*id), kId);
    EXPECT_EQ(id->bytes()[0], 0x01);
    EXPECT_EQ(id->bytes()[19], 0x67);
}

// git accepts either case in a full id, and libgit2 did too; ids print in lower case.
TEST(ObjectId, UpperCaseHexIsTheSameId) {
    auto upper = from_hex("0123456789ABCDEF0123456789ABCDEF01234567");
    ASSERT_TRUE(upper.has_value());
    EXPECT_EQ(*upper, *from_hex(kId));
    EXPECT_EQ(to_hex(*upper), kId);
}

TEST(ObjectId, OnlyFullHexIds) {
    EXPECT_FALSE(from_hex(""));
    EXPECT_FALSE(from_hex("0123456789ab"));                              // abbreviated
    EXPECT_FALSE(from_hex(std::string(kId) + "0"));                      // too long
    EXPECT_FALSE(from_hex("0123456789abcdef0123456789abcdef0123456g"));  // not hex
    EXPECT_FALSE(from_hex("v1.0-0123456789abcdef0123456789abcdef0123"));
}

TEST(ObjectId, DefaultIsTheNullId) {
    ObjectId none;
    EXPECT_TRUE(none.is_zero());
    EXPECT_EQ(to_hex(none), std::string(40, '0'));
    EXPECT_FALSE(from_hex(kId)->is_zero());
}

// Sorted ids are sorted by their hex forms: the order git_oid_cmp gave.
TEST(ObjectId, OrderIsTheOrderOfTheHexForms) {
    std::vector<std::string> hex = {"ff00000000000000000000000000000000000000", kId,
                                    "0123456789abcdef0123456789abcdef01234568",
                                    "1000000000000000000000000000000000000000"};
    std::vector<ObjectId> ids;
    for (auto& h : hex) ids.push_back(*from_hex(h));
    std::ranges::sort(ids);
    std::ranges::sort(hex);
    for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(to_hex(ids[i]), hex[i]);
    EXPECT_LT(*from_hex(hex[0]), *from_hex(hex[1]));
    EXPECT_NE(*from_hex(hex[0]), *from_hex(hex[1]));
}

TEST(ObjectId, HashesIntoSets) {
    std::unordered_set<ObjectId> set{*from_hex(kId), *from_hex(kId), ObjectId()};
    EXPECT_EQ(set.size(), 2u);
    EXPECT_TRUE(set.contains(*from_hex("0123456789ABCDEF0123456789ABCDEF01234567")));
}

}  // namespace
}  // namespace stablepick::git
