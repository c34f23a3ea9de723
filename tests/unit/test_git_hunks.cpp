#include <gtest/gtest.h>

#include "stablepick/git/hunks.hpp"
#include "support/fixture_repo.hpp"

namespace stablepick::git {
namespace {

const std::string kBefore = "int a(void)\n{\n\treturn 1;\n}\n\nint b(void)\n{\n\treturn 2;\n}\n";
const std::string kAfter = "int a(void)\n{\n\treturn 1;\n}\n\nint b(void)\n{\n\treturn 3;\n}\n";

TEST(Hunks, ARootCommitHasNoParentAndNoHunks) {
    testing::FixtureRepo fixture;
    auto root = fixture.commit("f.c", kBefore, "root");
    auto repo = Repository::open(fixture.path());
    ASSERT_TRUE(repo.has_value());
    auto hunks = first_parent_hunks(*repo, *from_hex(root), 1);
    ASSERT_TRUE(hunks.has_value()) << hunks.error().message;
    EXPECT_TRUE(hunks->parent.empty());
    EXPECT_TRUE(hunks->files.empty());
}

TEST(Hunks, ChangedAddedAndBinaryFiles) {
    testing::FixtureRepo fixture;
    fixture.write("blob.bin", std::string("\0\1\2", 3));
    auto parent = fixture.commit("f.c", kBefore, "before");
    fixture.write("blob.bin", std::string("\0\1\3", 3));
    fixture.write("new.c", "int c;\n");
    auto change = fixture.commit("f.c", kAfter, "after");
    auto repo = Repository::open(fixture.path());
    ASSERT_TRUE(repo.has_value());
    auto hunks = first_parent_hunks(*repo, *from_hex(change), 1);
    ASSERT_TRUE(hunks.has_value()) << hunks.error().message;
    EXPECT_EQ(hunks->parent, parent);
    ASSERT_EQ(hunks->files.size(), 3u);  // in path order, as the diff has them

    const auto& bin = hunks->files[0];
    EXPECT_EQ(bin.old_path, "blob.bin");
    EXPECT_TRUE(bin.binary);
    EXPECT_FALSE(bin.added);
    EXPECT_TRUE(bin.hunks.empty());

    const auto& f = hunks->files[1];
    EXPECT_EQ(f.old_path, "f.c");
    EXPECT_FALSE(f.added);
    EXPECT_FALSE(f.binary);
    ASSERT_EQ(f.hunks.size(), 1u);
    EXPECT_EQ(f.hunks[0].old_start, 7);  // one line of context either side of line 8
    EXPECT_EQ(f.hunks[0].old_lines, 3);
    EXPECT_TRUE(f.hunks[0].header.starts_with("@@ -7,3 +7,3 @@")) << f.hunks[0].header;
    EXPECT_NE(f.hunks[0].header.find("int b(void)"), std::string::npos) << f.hunks[0].header;

    const auto& added = hunks->files[2];
    EXPECT_EQ(added.old_path, "new.c");
    EXPECT_TRUE(added.added);
    ASSERT_EQ(added.hunks.size(), 1u);
    EXPECT_EQ(added.hunks[0].old_lines, 0);
}

TEST(Hunks, MoreContextWidensTheHunk) {
    testing::FixtureRepo fixture;
    fixture.commit("f.c", kBefore, "before");
    auto change = fixture.commit("f.c", kAfter, "after");
    auto repo = Repository::open(fixture.path());
    ASSERT_TRUE(repo.has_value());
    auto hunks = first_parent_hunks(*repo, *from_hex(change), 3);
    ASSERT_TRUE(hunks.has_value());
    ASSERT_EQ(hunks->files.size(), 1u);
    ASSERT_EQ(hunks->files[0].hunks.size(), 1u);
    EXPECT_EQ(hunks->files[0].hunks[0].old_start, 5);
    EXPECT_EQ(hunks->files[0].hunks[0].old_lines, 5);
}

TEST(Hunks, ACommitThatCannotBeRead) {
    testing::FixtureRepo fixture;
    fixture.commit("f.c", kBefore, "root");
    auto repo = Repository::open(fixture.path());
    ASSERT_TRUE(repo.has_value());
    EXPECT_FALSE(first_parent_hunks(*repo, *from_hex(std::string(40, 'e')), 1).has_value());
}

}  // namespace
}  // namespace stablepick::git
