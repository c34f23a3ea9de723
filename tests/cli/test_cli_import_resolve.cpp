#include <gtest/gtest.h>

#include <fstream>

#include "support/fixture_repo.hpp"

namespace stablepick {
namespace {

using testing::FixtureRepo;
using testing::run_stablepick;
using testing::TempDir;

std::string tip_mail(const std::string& id, const std::string& subject) {
    return "From tip-bot2@linutronix.de Mon Mar  9 19:59:52 2026\n"
           "Date: Mon, 09 Mar 2026 19:59:52 -0000\n"
           "Subject: [tip: x86/urgent] " +
           subject +
           "\n"
           "Content-Transfer-Encoding: quoted-printable\n\n"
           "Commit-ID:     " +
           id +
           "\n"
           "Author:        Jane Dev <jane@example.org>\n"
           "AuthorDate:    Thu, 22 Jan 2026 22:44:04 +08:00\n"
           "Committer:     Boris <bp@example.org>\n"
           "CommitterDate: Fri, 06 Mar 2026 08:08:19 -08:00\n\n" +
           subject +
           "\n\nBody.\n---\n a.c | 1 +\n\n"
           "diff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1,2 @@\n x\n+y\n";
}

TEST(CliImport, PublicInboxArchiveTwiceAddsNothing) {
    FixtureRepo archive("master");
    archive.commit("m", tip_mail(std::string(40, 'a'), "x86: one"), "mail 1");
    archive.commit("m", "From: someone\nSubject: Re: x86: one\n\nThanks\n", "mail 2");
    archive.commit("m", tip_mail(std::string(40, 'b'), "x86: two"), "mail 3");
    archive.commit("m", tip_mail(std::string(40, 'a'), "x86: one"), "mail 4 (a duplicate)");
    TempDir dir;
    auto db = (dir.path() / "s.sqlite").string();
    auto r =
        run_stablepick({"-q", "--db", db, "import", "mbox", archive.path().string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"imported\": 2"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"without_commit\": 1"), std::string::npos) << r.out;
    auto again =
        run_stablepick({"-q", "--db", db, "import", "mbox", archive.path().string(), "--json"});
    ASSERT_EQ(again.exit_code, 0);
    EXPECT_NE(again.out.find("\"imported\": 0"), std::string::npos) << again.out;
    // Imported commits are first-class: resolve finds them.
    auto res = run_stablepick({"--db", db, "resolve", "bbbbbbbb"});
    EXPECT_EQ(res.exit_code, 0) << res.err;
    EXPECT_EQ(res.out, "bbbbbbbbbbbb (\"x86: two\")\n");
}

TEST(CliImport, MboxFileAndBadInput) {
    TempDir dir;
    auto mbox = dir.path() / "list.mbox";
    std::ofstream(mbox) << tip_mail(std::string(40, 'c'), "sched: fix") << "\n"
                        << tip_mail(std::string(40, 'd'), "sched: fix more");
    auto db = (dir.path() / "s.sqlite").string();
    auto r = run_stablepick({"-q", "--db", db, "import", "mbox", mbox.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("2 commits imported"), std::string::npos) << r.out;

    auto missing =
        run_stablepick({"-q", "--db", db, "import", "mbox", (dir.path() / "nope").string()});
    EXPECT_EQ(missing.exit_code, 3);
    EXPECT_NE(missing.err.find("nope"), std::string::npos);
    auto garbage_file = dir.path() / "garbage.bin";
    std::ofstream(garbage_file) << "\x01\x02\x03 not a mail at all";
    auto garbage = run_stablepick({"-q", "--db", db, "import", "mbox", garbage_file.string()});
    EXPECT_EQ(garbage.exit_code, 8);
    EXPECT_NE(garbage.err.find("garbage.bin"), std::string::npos) << garbage.err;
}

TEST(CliImport, ChangelogsBothForms) {
    TempDir dir;
    std::string up1 = "4d163ad79b155c71bf30366dc38f8d2502f78844",
                up2 = "7a2da5d7960a64ee923fe3e31f01a1101052c66f";
    std::ofstream(dir.path() / "ChangeLog-5.10.10.txt")
        << "commit 8dc0fcbcfa97bdeb514fa229125791a467e0e319\nAuthor: G <g@x>\n"
           "Date:   Sat Jan 23 16:04:06 2021 +0100\n\n    Linux 5.10.10\n\n"
           "commit 3fe6036663603240b6bd5c7c91cec1db5b10ae80\nAuthor: M <m@x>\n"
           "Date:   Thu Jan 14 17:42:17 2021 +0200\n\n    spi: fix\n\n    commit " +
               up1 + " upstream.\n";
    std::filesystem::create_directories(dir.path() / "lists");
    std::ofstream(dir.path() / "lists" / "ChangeLog-5.10.10.txt") << up1 << "\n" << up2 << "\n";
    auto db = (dir.path() / "s.sqlite").string();
    auto r =
        run_stablepick({"-q", "--db", db, "import", "changelog", dir.path().string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"labels\": 2"), std::string::npos)
        << r.out;  // up1 once, up2 from the list
    auto labels = run_stablepick({"--db", db, "labels", "--branch", "linux-5.10.y"});
    EXPECT_NE(labels.out.find("5.10.10"), std::string::npos) << labels.out;
    auto bad = run_stablepick(
        {"-q", "--db", db, "import", "changelog", (dir.path() / "missing").string()});
    EXPECT_EQ(bad.exit_code, 3);
}

TEST(CliResolve, FromTheRepositoryWithoutAStore) {
    FixtureRepo repo;
    std::string a = repo.commit("a", "1\n", "core: add a");
    std::string b = repo.commit("b", "2\n", "core: add b");
    auto r = run_stablepick({"-C", repo.path().string(), "resolve", a.substr(0, 10)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, a.substr(0, 12) + " (\"core: add a\")\n");
    auto full = run_stablepick(
        {"-C", repo.path().string(), "resolve", "--full", b.substr(0, 8), "core: add b"});
    EXPECT_EQ(full.out, b + "\n");
    auto wrong = run_stablepick({"-C", repo.path().string(), "resolve", "deadbeef", "core: add b"});
    EXPECT_EQ(wrong.exit_code, 3);
    EXPECT_NE(wrong.err.find("--force"), std::string::npos) << wrong.err;
    auto forced = run_stablepick(
        {"-C", repo.path().string(), "resolve", "--force", "deadbeef", "core: ... b"});
    EXPECT_EQ(forced.exit_code, 0) << forced.err;
    EXPECT_NE(forced.out.find(b.substr(0, 12)), std::string::npos);
}

TEST(CliResolve, AmbiguousExitCodeFromTheStore) {
    FixtureRepo repo;
    // Enough commits that two share a first hex digit.
    for (int i = 0; i < 40; ++i) repo.commit("f", std::to_string(i), "change " + std::to_string(i));
    ASSERT_EQ(run_stablepick({"-q", "-C", repo.path().string(), "index"}).exit_code, 0);
    auto r = run_stablepick({"-C", repo.path().string(), "resolve", "--force", "0", "change ..."});
    EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
    EXPECT_NE(r.err.find("ambiguous"), std::string::npos);
    // Forty candidates: twenty are listed, and the rest counted.
    auto all = run_stablepick(
        {"-C", repo.path().string(), "resolve", "--force", "deadbeef", "change ..."});
    EXPECT_EQ(all.exit_code, 4);
    EXPECT_NE(all.err.find("... and 20 more"), std::string::npos) << all.err;
}

}  // namespace
}  // namespace stablepick
