#include <gtest/gtest.h>

#include "stablepick/git/lookup.hpp"
#include "stablepick/git/range.hpp"
#include "support/fixture_repo.hpp"

namespace stablepick::git {
namespace {

TEST(Lookup, FilesAtACommitPresentAbsentOrNotABlob) {
    testing::FixtureRepo fixture;
    fixture.write("dir/inner.c", "inner\n");
    auto commit = fixture.commit("top.c", "top\n", "files");
    auto repo = Repository::open(fixture.path());
    ASSERT_TRUE(repo.has_value());
    auto files =
        files_at_commit(*repo, *from_hex(commit), {"top.c", "gone.c", "dir", "dir/inner.c"}, "x");
    ASSERT_TRUE(files.has_value()) << files.error().message;
    ASSERT_EQ(files->size(), 4u);
    EXPECT_EQ((*files)[0].path, "top.c");
    EXPECT_TRUE((*files)[0].present);
    EXPECT_EQ((*files)[0].content, std::optional<std::string>("top\n"));
    EXPECT_EQ((*files)[1].path, "gone.c");
    EXPECT_FALSE((*files)[1].present);
    EXPECT_FALSE((*files)[1].content.has_value());
    EXPECT_TRUE((*files)[2].present);  // a directory: there, but no blob to read
    EXPECT_FALSE((*files)[2].content.has_value());
    EXPECT_EQ((*files)[3].content, std::optional<std::string>("inner\n"));
}

TEST(Lookup, FilesAtACommitThatCannotBeReadNameIt) {
    testing::FixtureRepo fixture;
    fixture.commit("top.c", "top\n", "files");
    auto repo = Repository::open(fixture.path());
    ASSERT_TRUE(repo.has_value());
    auto files = files_at_commit(*repo, *from_hex(std::string(40, 'e')), {"top.c"}, "v1-stable");
    ASSERT_FALSE(files.has_value());
    EXPECT_TRUE(files.error().message.starts_with("cannot read v1-stable: "))
        << files.error().message;
}

TEST(Lookup, FileAtARef) {
    testing::FixtureRepo fixture;
    fixture.write("Documentation/process/cve.rst", "policy\n");
    fixture.commit("top.c", "top\n", "files");
    auto repo = Repository::open(fixture.path());
    ASSERT_TRUE(repo.has_value());
    EXPECT_EQ(file_at(*repo, "main", "Documentation/process/cve.rst"), "policy\n");
    EXPECT_EQ(file_at(*repo, "main", "Documentation/process"), "");  // a tree, not a blob
    EXPECT_EQ(file_at(*repo, "main", "none.rst"), "");
    EXPECT_EQ(file_at(*repo, "no-such-branch", "top.c"), "");
}

}  // namespace
}  // namespace stablepick::git
