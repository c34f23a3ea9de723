#include <gtest/gtest.h>

#include <sstream>

#include "stablepick/ingest/changelog.hpp"
#include "stablepick/ingest/mail.hpp"

namespace stablepick {
namespace {

// A tip-bot2 notification as the tip-commits list sends it: quoted-printable, with soft line
// breaks inside the Gitweb and Link lines.
const char* kTipMail =
    "From tip-bot2@linutronix.de Mon Mar  9 19:59:52 2026\n"
    "Date: Mon, 09 Mar 2026 19:59:52 -0000\n"
    "From: \"tip-bot2 for Jane Dev\" <tip-bot2@linutronix.de>\n"
    "Subject: [tip: x86/urgent] x86/mm: Fix a leak\n"
    "Content-Type: text/plain; charset=\"utf-8\"\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "The following commit has been merged into the x86/urgent branch of tip:\n"
    "\n"
    "Commit-ID:     c19c854b307424c745dd6de73eea8db099c79408\n"
    "Gitweb:        https://git.kernel.org/tip/c19c854b307424c745dd6de73eea8db099c=\n"
    "79408\n"
    "Author:        Jane Dev <jane@example.org>\n"
    "AuthorDate:    Thu, 22 Jan 2026 22:44:04 +08:00\n"
    "Committer:     Boris Maintainer <bp@example.org>\n"
    "CommitterDate: Fri, 06 Mar 2026 08:08:19 -08:00\n"
    "\n"
    "x86/mm: Fix a leak\n"
    "\n"
    "The caf=C3=A9 path leaks a page.\n"
    "\n"
    "Fixes: 25eac74b6bdb (\"x86/mm: Add the page\")\n"
    "Cc: stable@vger.kernel.org\n"
    "Signed-off-by: Jane Dev <jane@example.org>\n"
    "Link: https://patch.msgid.link/20260122144404.40602-1-jane@example.=\n"
    "org\n"
    "---\n"
    " arch/x86/mm/a.c | 2 +-\n"
    " 1 file changed, 1 insertion(+), 1 deletion(-)\n"
    "\n"
    "diff --git a/arch/x86/mm/a.c b/arch/x86/mm/a.c\n"
    "index 1111111..2222222 100644\n"
    "--- a/arch/x86/mm/a.c\n"
    "+++ b/arch/x86/mm/a.c\n"
    "@@ -10,3 +10,3 @@ static void free_it(void)\n"
    " a;\n"
    "-b;\n"
    "+c;\n"
    " d;\n";

const char* kFormatPatch =
    "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n"
    "From: =?UTF-8?q?Ren=C3=A9=20Dev?= <rene@example.org>\n"
    "Date: Tue, 2 Jan 2024 10:00:00 +0100\n"
    "Subject: [PATCH v2 3/7] net: fix the\n"
    " folded subject\n"
    "\n"
    "Body text.\n"
    "\n"
    "Signed-off-by: Rene Dev <rene@example.org>\n"
    "---\n"
    " net/a.c | 1 +\n"
    "\n"
    "diff --git a/net/a.c b/net/a.c\n"
    "--- a/net/a.c\n"
    "+++ b/net/a.c\n"
    "@@ -1 +1,2 @@\n"
    " x\n"
    "+y\n"
    "-- \n"
    "2.43.0\n";

TEST(Mail, TipBotNotification) {
    auto c = commit_from_mail(kTipMail, TrailerConfig{});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->id, "c19c854b307424c745dd6de73eea8db099c79408");
    EXPECT_EQ(c->subject, "x86/mm: Fix a leak");
    EXPECT_EQ(c->author_name, "Jane Dev");
    EXPECT_EQ(c->author_email, "jane@example.org");
    EXPECT_EQ(c->committer_email, "bp@example.org");
    EXPECT_EQ(c->author_time, 1769093044);  // 2026-01-22T14:44:04Z
    EXPECT_EQ(c->commit_time, 1772813299);  // 2026-03-06T16:08:19Z
    EXPECT_NE(c->body.find("caf\xC3\xA9"), std::string::npos);
    bool fixes = false, cc = false, link = false;
    for (auto& t : c->trailers) {
        fixes |= t.kind == Trailer::Kind::kFixes && t.ref_id == "25eac74b6bdb";
        cc |= t.kind == Trailer::Kind::kCcStable;
        link |= t.kind == Trailer::Kind::kLink &&
                t.value == "https://patch.msgid.link/20260122144404.40602-1-jane@example.org";
    }
    EXPECT_TRUE(fixes);
    EXPECT_TRUE(cc);
    EXPECT_TRUE(link);
    ASSERT_EQ(c->files.size(), 1u);
    EXPECT_EQ(c->files[0].path, "arch/x86/mm/a.c");
    EXPECT_EQ(c->files[0].added, 1);
    ASSERT_EQ(c->hunks.size(), 1u);
    EXPECT_EQ(c->hunks[0].header, "static void free_it(void)");
    EXPECT_FALSE(c->patch_id.empty());
}

TEST(Mail, FormatPatch) {
    auto c = commit_from_mail(kFormatPatch, TrailerConfig{});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->id, "0123456789abcdef0123456789abcdef01234567");
    EXPECT_EQ(c->subject, "net: fix the folded subject");
    EXPECT_EQ(c->author_name, "Ren\xC3\xA9 Dev");
    EXPECT_EQ(c->body, "Body text.\n\nSigned-off-by: Rene Dev <rene@example.org>");
    ASSERT_EQ(c->files.size(), 1u);
    EXPECT_EQ(c->files[0].added, 1);
    EXPECT_EQ(c->files[0].removed, 0);  // the "-- " signature is not a removed line
}

TEST(Mail, MboxSplitAndRepliesCarryNoCommit) {
    std::string mbox = std::string(kTipMail) + "\n" +
                       "From someone Mon Mar  9 20:00:00 2026\nFrom: a@b\nSubject: Re: x\n\n"
                       ">From the archive: a quoted line\nThanks!\n\n" +
                       kFormatPatch;
    auto messages = split_mbox(mbox);
    ASSERT_EQ(messages.size(), 3u);
    EXPECT_TRUE(commit_from_mail(messages[0], TrailerConfig{}));
    EXPECT_FALSE(commit_from_mail(messages[1], TrailerConfig{}));
    EXPECT_NE(messages[1].find("\nFrom the archive"), std::string::npos);
    EXPECT_TRUE(commit_from_mail(messages[2], TrailerConfig{}));
}

// `import mbox` read the whole file into memory; the reader gives the same messages one at a
// time, and leaves out one larger than its limit.
TEST(Mail, MboxReaderStreamsAsSplitDoes) {
    std::string mbox = std::string(kTipMail) + "\n" +
                       "From someone Mon Mar  9 20:00:00 2026\nFrom: a@b\nSubject: Re: x\n\n" +
                       std::string(5000, 'q') + "\n\n" + kFormatPatch;
    std::istringstream in(mbox);
    MboxReader reader(in);
    std::vector<std::string> read;
    while (auto m = reader.next()) read.push_back(*m);
    EXPECT_EQ(read, split_mbox(mbox));
    EXPECT_EQ(reader.oversized(), 0u);

    std::istringstream again(mbox);
    MboxReader small(again, 2000);
    read.clear();
    while (auto m = small.next()) read.push_back(*m);
    ASSERT_EQ(read.size(), 2u);  // the 5000-byte reply is left out
    EXPECT_EQ(small.oversized(), 1u);
    EXPECT_TRUE(commit_from_mail(read[1], TrailerConfig{}));

    std::istringstream binary(std::string(200'000, '\0'));
    MboxReader none(binary);
    EXPECT_FALSE(none.next());
    EXPECT_TRUE(none.not_mail());
}

// A mail cut inside its diff was stored as a commit with half a diff and no patch id.
TEST(Mail, DiffCutShortIsDamaged) {
    std::string whole = kTipMail;
    std::string cut = whole.substr(0, whole.rfind("+c;\n"));  // "+c;" and " d;" lost
    bool damaged = false;
    EXPECT_TRUE(commit_from_mail(whole, TrailerConfig{}, &damaged));
    EXPECT_FALSE(damaged);
    EXPECT_FALSE(commit_from_mail(cut, TrailerConfig{}, &damaged));
    EXPECT_TRUE(damaged);
    // A diff whose last line is a context line of one space, which the text around it loses
    // (trimmed, or dropped by an archive), is whole: 3,441 of the tip archive's mails end so.
    std::string blank_end = whole;
    blank_end.replace(blank_end.find("@@ -10,3 +10,3 @@"), 17, "@@ -10,4 +10,4 @@");
    blank_end += " \n";
    damaged = false;
    EXPECT_TRUE(commit_from_mail(blank_end, TrailerConfig{}, &damaged));
    EXPECT_FALSE(damaged);
    std::string patch = kFormatPatch;
    auto sig = patch.find("\n-- \n");
    ASSERT_NE(sig, std::string::npos);
    damaged = false;
    std::string cut_patch = patch.substr(0, patch.rfind('\n', sig - 1) + 1);
    EXPECT_FALSE(commit_from_mail(cut_patch, TrailerConfig{}, &damaged));
    EXPECT_TRUE(damaged);
}

TEST(Mail, Decoders) {
    EXPECT_EQ(decode_quoted_printable("a=3Db=\nc"), "a=bc");
    EXPECT_EQ(decode_base64("aGVsbG8gd29ybGQ="), "hello world");
    EXPECT_EQ(decode_rfc2047("=?utf-8?b?w6k=?= x"), "\xC3\xA9 x");
    EXPECT_EQ(decode_rfc2047("=?iso-8859-1?q?caf=E9?="), "caf\xC3\xA9");
    EXPECT_EQ(decode_rfc2047("plain"), "plain");
}

TEST(Mail, BareDiffAsAPatch) {
    auto c = commit_from_patch("--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n", TrailerConfig{});
    EXPECT_TRUE(c.id.empty());
    ASSERT_EQ(c.files.size(), 1u);
    EXPECT_EQ(c.files[0].path, "x.c");
}

// Found by fuzz/fuzz_mail: an AuthorDate whose minutes run into a message id overflowed the
// int that held them (undefined behaviour; UBSan stops there). A date that can't be read is
// no date: the mail's Date: header stands in, as for a missing one.
TEST(Mail, TipBotDateThatOverflowsIsNoDate) {
    const char* mail =
        "From tip-bot2@p:\n"
        "Date: Wed, 05 Jun 2024 09:00:00 -0000\n"
        "\n"
        "Commit-ID:     9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b\n"
        "AuthorDate:    Mon, 03 Jun 2024 17:1220240603151244.1-ada@example.org\n"
        "CommitterDate: Mon, 03 Jun 2024 99:00 +0200\n"
        "\n"
        "x86/timer: Don't read the counter twice\n";
    auto c = commit_from_mail(mail, TrailerConfig{});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->id, "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b");
    EXPECT_EQ(c->commit_time, 1717578000);  // the Date: header
    EXPECT_EQ(c->author_time, 1717578000);
    EXPECT_EQ(c->subject, "x86/timer: Don't read the counter twice");
}

TEST(Changelog, GitLogForm) {
    const char* text =
        "commit 8dc0fcbcfa97bdeb514fa229125791a467e0e319\n"
        "Author: Greg <greg@example.org>\n"
        "Date:   Sat Jan 23 16:04:06 2021 +0100\n\n"
        "    Linux 5.10.10\n\n"
        "commit 3fe6036663603240b6bd5c7c91cec1db5b10ae80\n"
        "Author: M <m@example.org>\n"
        "Date:   Thu Jan 14 17:42:17 2021 +0200\n\n"
        "    spi: cadence: cache reference clock rate during probe\n\n"
        "    commit 4d163ad79b155c71bf30366dc38f8d2502f78844 upstream.\n\n"
        "commit da02e4ca8a297293e73449e9d187ba02a7667c43\n"
        "Author: C <c@example.org>\n"
        "Date:   Thu Jan 14 13:09:37 2021 +0000\n\n"
        "    spi: fsl: fix\n\n"
        "    [ Upstream commit 7a2da5d7960a64ee923fe3e31f01a1101052c66f ]\n";
    auto p = parse_changelog("ChangeLog-5.10.10.txt", text);
    ASSERT_TRUE(p.has_value()) << p.error().message;
    EXPECT_FALSE(p->id_list);
    ASSERT_EQ(p->labels.size(), 2u);
    EXPECT_EQ(p->labels[0].main_id, "4d163ad79b155c71bf30366dc38f8d2502f78844");
    EXPECT_EQ(p->labels[0].stable_id, "3fe6036663603240b6bd5c7c91cec1db5b10ae80");
    EXPECT_EQ(p->labels[0].branch, "linux-5.10.y");
    EXPECT_EQ(p->labels[0].release, "5.10.10");
    EXPECT_EQ(p->labels[0].stable_time, 1611414246);  // the release date, 2021-01-23T15:04:06Z
    EXPECT_EQ(p->labels[1].main_id, "7a2da5d7960a64ee923fe3e31f01a1101052c66f");
}

TEST(Changelog, IdListFormAndBadInput) {
    auto p = parse_changelog("ChangeLog-4.19.1",
                             "15bf722e6f6c0b884521a0363204532e849deb7f\n"
                             "90f91b129810c3f169e443252be30ed7c0130326\n");
    ASSERT_TRUE(p.has_value());
    EXPECT_TRUE(p->id_list);
    EXPECT_EQ(p->labels.size(), 2u);
    EXPECT_EQ(p->labels[1].branch, "linux-4.19.y");
    auto bad_name = parse_changelog("notes.txt", "15bf722e6f6c0b884521a0363204532e849deb7f\n");
    ASSERT_FALSE(bad_name.has_value());
    EXPECT_EQ(bad_name.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(bad_name.error().message.find("notes.txt"), std::string::npos);
    auto garbage = parse_changelog("ChangeLog-4.19.2", "hello\nworld\n");
    ASSERT_FALSE(garbage.has_value());
    EXPECT_NE(garbage.error().message.find("ChangeLog-4.19.2"), std::string::npos);
}

}  // namespace
}  // namespace stablepick
