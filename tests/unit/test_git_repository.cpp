#include <git2.h>
#include <gtest/gtest.h>

#include "stablepick/git/repository.hpp"
#include "support/fixture_repo.hpp"

namespace stablepick::git {
namespace {

// libgit2 bounds its object cache per open repository, and the tree checks open one per
// thread: at 512 MiB each, `review --target` over 2,495 systemd commits peaked at 1.25 GB
// (0.43 MB more per commit). The bound must stay small enough for several at once.
TEST(Repository, ObjectCacheStaysSmall) {
    testing::FixtureRepo fixture;
    fixture.commit("a", "1\n", "one");
    auto repo = Repository::open(fixture.path());
    ASSERT_TRUE(repo.has_value());
    ssize_t used = 0, allowed = 0;
    ASSERT_EQ(git_libgit2_opts(GIT_OPT_GET_CACHED_MEMORY, &used, &allowed), 0);
    EXPECT_GT(allowed, 0);
    EXPECT_LE(allowed, ssize_t{64} << 20);
}

}  // namespace
}  // namespace stablepick::git
