#pragma once
// Text dumps of a store and generated histories, for tests that compare whole stores.
#include <filesystem>
#include <string>

namespace stablepick::testing {

// Every row of every table, tables by name, rows in primary key order: two stores with the
// same dump hold the same facts (row ids included).
std::string dump_store(const std::filesystem::path& db);

// Empty when the dumps are equal, else the first line that differs in each: comparing two
// large dumps with EXPECT_EQ would make gtest diff megabytes of text.
std::string first_difference(const std::string& a, const std::string& b);

// Writes a repository with `main_commits` commits on "main" and a stable branch "v1-stable"
// forked at the middle that cherry-picks (with markers) every third later main commit.
// Uses git fast-import, so thousands of commits take well under a second.
void generate_history(const std::filesystem::path& dir, int main_commits);

}  // namespace stablepick::testing
