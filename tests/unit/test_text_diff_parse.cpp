#include <gtest/gtest.h>

#include "stablepick/text/diff_parse.hpp"

namespace stablepick {
namespace {

const char* kDiff =
    "diff --git a/src/a.c b/src/a.c\n"
    "index 111..222 100644\n"
    "--- a/src/a.c\n"
    "+++ b/src/a.c\n"
    "@@ -10,4 +10,5 @@ static int foo(void)\n"
    " context\n"
    "-old line\n"
    "+new line\n"
    "+-- looks like a header but is an added line\n"
    " context\n"
    " context\n"
    "diff --git a/new.txt b/new.txt\n"
    "new file mode 100644\n"
    "--- /dev/null\n"
    "+++ b/new.txt\n"
    "@@ -0,0 +1 @@\n"
    "+hello\n"
    "diff --git a/img.png b/img.png\n"
    "new file mode 100644\n"
    "Binary files /dev/null and b/img.png differ\n"
    "diff --git a/gone.c b/gone.c\n"
    "deleted file mode 100644\n"
    "--- a/gone.c\n"
    "+++ /dev/null\n"
    "@@ -1,2 +0,0 @@\n"
    "-a\n"
    "-b\n";

TEST(DiffParse, FilesHunksAndCounts) {
    auto d = parse_unified_diff(kDiff);
    ASSERT_EQ(d.files.size(), 4u);
    EXPECT_EQ(d.files[0].path, "src/a.c");
    EXPECT_EQ(d.files[0].added, 2);
    EXPECT_EQ(d.files[0].removed, 1);
    EXPECT_EQ(d.files[1].path, "new.txt");
    EXPECT_EQ(d.files[1].status, 'A');
    EXPECT_EQ(d.files[1].added, 1);
    EXPECT_TRUE(d.files[2].binary);
    EXPECT_EQ(d.files[3].status, 'D');
    EXPECT_EQ(d.files[3].removed, 2);
    ASSERT_EQ(d.hunks.size(), 1u);
    EXPECT_EQ(d.hunks[0].header, "static int foo(void)");
    EXPECT_EQ(d.hunks[0].path, "src/a.c");
    EXPECT_EQ(d.patch_id.size(), 32u);
}

TEST(DiffParse, PatchIdIgnoresWhitespaceLineNumbersContextAndFileOrder) {
    const char* a =
        "diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@ f\n ctx\n-int a = 1;\n+int "
        "a = 2;\n ctx\n"
        "diff --git a/y.c b/y.c\n--- a/y.c\n+++ b/y.c\n@@ -5 +5 @@\n-y\n+z\n";
    const char* b =
        "diff --git a/y.c b/y.c\n--- a/y.c\n+++ b/y.c\n@@ -50 +50 @@\n-y\n+z\n"
        "diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -100,3 +100,3 @@ g\n other\n-int  a = "
        "1;\n+int a=2;\n other\n";
    EXPECT_EQ(parse_unified_diff(a).patch_id, parse_unified_diff(b).patch_id);
    const char* c =
        "diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@ f\n ctx\n-int a = 1;\n+int "
        "a = 3;\n ctx\n";
    EXPECT_NE(parse_unified_diff(a).patch_id, parse_unified_diff(c).patch_id);
}

TEST(DiffParse, MailBodyWithSignatureAndPlainDiff) {
    auto d = parse_unified_diff(
        "Some message\n---\n a.c | 2 +-\n\n--- a/a.c\n+++ b/a.c\n@@ -1 +1 @@\n-x\n+y\n-- "
        "\n2.40.0\n");
    ASSERT_EQ(d.files.size(), 1u);
    EXPECT_EQ(d.files[0].path, "a.c");
    EXPECT_EQ(d.files[0].added, 1);
    EXPECT_EQ(d.files[0].removed, 1);  // the "-- " signature is not a removed line
}

TEST(DiffParse, NotADiff) {
    auto d = parse_unified_diff("hello\nworld\n");
    EXPECT_TRUE(d.files.empty());
    EXPECT_TRUE(d.patch_id.empty());
    EXPECT_FALSE(d.cut_short);
}

TEST(DiffParse, AHunkThatStopsEarlyIsCutShort) {
    std::string diff = "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n a\n+b\n c\n";
    EXPECT_FALSE(parse_unified_diff(diff).cut_short);
    EXPECT_TRUE(parse_unified_diff(diff.substr(0, diff.size() - 7)).cut_short);  // "+b" lost
    // A last context line lost on the way (archives drop a line that is only a space) is not
    // a cut: no count and no patch id changes.
    EXPECT_FALSE(parse_unified_diff(diff.substr(0, diff.size() - 4)).cut_short);
    // A hunk interrupted by the next file's header, lines to add still missing, is cut too.
    std::string two =
        "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,2 +1,4 @@\n a\n+b\n"
        "diff --git a/g b/g\n--- a/g\n+++ b/g\n@@ -1 +1 @@\n-x\n+y\n";
    EXPECT_TRUE(parse_unified_diff(two).cut_short);
}

}  // namespace
}  // namespace stablepick
