// The review mail encoder on hostile parts, read back with Python's email parser: the header
// set is the one written, recipients that are no address are left out and said, subjects cut,
// bodies quoted-printable only when 8bit can't carry them, mails over the limit refused.
#include <gtest/gtest.h>

#include "stablepick/report/mbox.hpp"
#include "support/mail_check.hpp"

namespace stablepick {
namespace {

using testing::python_parse;

report::ReviewMail normal_mail() {
    report::ReviewMail m;
    m.id = "0123456789abcdef0123456789abcdef01234567";
    m.subject = "net: fix a leak";
    m.author = "Ada Lovelace <ada@example.org>";
    m.author_time = 1577836800;
    m.body = "The leak.\n\nSigned-off-by: Ada Lovelace <ada@example.org>\n";
    m.version_range = "6.6";
    m.base = "v6.6.1";
    m.explanation = "votes 3/3 yes\n";
    m.stat = " net/x.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n";
    m.patch = "diff --git a/net/x.c b/net/x.c\n--- a/net/x.c\n+++ b/net/x.c\n@@ -1 +1 @@\n-a\n+b\n";
    m.to = {"Ada Lovelace <ada@example.org>"};
    m.cc = {"netdev@vger.kernel.org"};
    return m;
}

TEST(ReportMbox, NormalMailIsPlainEightBitAsBefore) {
    auto r = report::render_mail(normal_mail(), "Bot <bot@example.org>", "<1@example.org>",
                                 "<0@example.org>");
    EXPECT_TRUE(r.warnings.empty());
    EXPECT_EQ(r.text,
              "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n"
              "From: Bot <bot@example.org>\n"
              "Date: Wed, 01 Jan 2020 00:00:00 +0000\n"
              "Subject: [PATCH AUTOSEL 6.6] net: fix a leak\n"
              "To: Ada Lovelace <ada@example.org>\n"
              "Cc: netdev@vger.kernel.org\n"
              "Message-Id: <1@example.org>\n"
              "In-Reply-To: <0@example.org>\n"
              "References: <0@example.org>\n"
              "X-stable: review\n"
              "X-Patchwork-Hint: Ignore\n"
              "X-stable-base: v6.6.1\n"
              "MIME-Version: 1.0\n"
              "Content-Type: text/plain; charset=UTF-8\n"
              "Content-Transfer-Encoding: 8bit\n"
              "\n"
              "From: Ada Lovelace <ada@example.org>\n"
              "\n"
              "[ Upstream commit 0123456789abcdef0123456789abcdef01234567 ]\n"
              "\n"
              "The leak.\n\nSigned-off-by: Ada Lovelace <ada@example.org>\n"
              "---\n\n"
              "Explanation from stablepick's offline voters (no LLM was asked):\n\n"
              "votes 3/3 yes\n\n"
              " net/x.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n"
              "diff --git a/net/x.c b/net/x.c\n--- a/net/x.c\n+++ b/net/x.c\n@@ -1 +1 @@\n-a\n+b\n"
              "-- \nstablepick\n\n");
    EXPECT_EQ(report::format_mail(normal_mail(), "Bot <bot@example.org>", "<1@example.org>",
                                  "<0@example.org>"),
              r.text);
}

TEST(ReportMbox, HostileRecipientsAreLeftOutAndNamesEncoded) {
    auto m = normal_mail();
    m.subject = "r\xC3\xA9seau: " + std::string(70000, 'z') + "\r\nBcc: attacker@example.com";
    m.author = "Ren\xC3\xA9\r\nBcc: attacker@example.com <rene@example.org>";
    m.to = {m.author, "bad\r@example.org", "Fine <fine@example.org>"};
    m.cc = {"Evil <evil@example.org>\rBcc: attacker@example.com", "FINE@example.org",
            "\"Dev, Jr.\" <dev@example.org>"};
    m.explanation =
        "precedent 0123456789ab: x\nFrom 1 Mon Sep 17 00:00:00 2001\ndiff --git a/I b/I\n";
    auto r = report::render_mail(m, "Bot <bot@example.org>", "<1@example.org>", "");
    ASSERT_FALSE(r.text.empty()) << r.warnings.size();
    ASSERT_EQ(r.warnings.size(), 2u);
    EXPECT_EQ(r.warnings[0],
              "commit 0123456789ab: left out of To: 'bad\\r@example.org' has control characters "
              "in its address");
    EXPECT_EQ(r.warnings[1],
              "commit 0123456789ab: left out of Cc: 'Evil <evil@example.org>\\rBcc: "
              "attacker@example.com' has control characters in its address");
    for (auto& line : testing::header_lines(r.text)) {
        EXPECT_LE(line.size(), 78u) << line;
        for (unsigned char c : line) ASSERT_TRUE(c >= 0x20 && c < 0x7F) << int(c);
    }
    auto p = python_parse(r.text);
    EXPECT_TRUE(p["bcc"].empty());
    EXPECT_TRUE(p["defects"].empty()) << p["defects"].dump();
    EXPECT_EQ(p["to"], nlohmann::json::parse(R"([["René Bcc: attacker at example.com",
                                                   "rene@example.org"],
                                                  ["Fine", "fine@example.org"]])"));
    EXPECT_EQ(p["cc"], nlohmann::json::parse(R"([["Dev, Jr.", "dev@example.org"]])"));
    auto subject = p["subject"].get<std::string>();
    EXPECT_TRUE(subject.starts_with("[PATCH AUTOSEL 6.6] r\xC3\xA9seau: zzz")) << subject;
    EXPECT_TRUE(subject.ends_with("z\xE2\x80\xA6")) << subject;
    EXPECT_EQ(subject.size(), std::string("[PATCH AUTOSEL 6.6] ").size() + 199 + 1 + 3);
    auto mail_info = testing::mailinfo(r.text);
    EXPECT_NE(mail_info.info.find("Email: rene@example.org\n"), std::string::npos)
        << mail_info.info;
    EXPECT_EQ(mail_info.patch.find("\ndiff --git a/I b/I"), std::string::npos) << mail_info.patch;
    EXPECT_NE(p["body"].get<std::string>().find("\n>From 1 Mon Sep 17"), std::string::npos);
}

TEST(ReportMbox, NoMailWithoutAValidSenderOrAuthorOrOverTheLimit) {
    auto m = normal_mail();
    m.author = "Evil <evil@example.org\rBcc: attacker@example.com>";
    auto r = report::render_mail(m, "Bot <bot@example.org>", "<1@example.org>", "");
    EXPECT_TRUE(r.text.empty());
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(r.warnings[0],
              "commit 0123456789ab: not mailed: the author 'Evil <evil@example.org\\rBcc: "
              "attacker@example.com>' has control characters in its address (git am would "
              "credit someone else)");
    EXPECT_TRUE(report::format_mail(m, "Bot <bot@example.org>", "<1@example.org>", "").empty());

    auto bad_sender =
        report::render_mail(normal_mail(), "Bot <bot@example.org>\nBcc: x@y.org", "<1@x>", "");
    EXPECT_TRUE(bad_sender.text.empty());
    ASSERT_EQ(bad_sender.warnings.size(), 1u);
    EXPECT_NE(bad_sender.warnings[0].find("not mailed: the sender"), std::string::npos);

    auto big = normal_mail();
    big.patch = "diff --git a/x b/x\n" + std::string(3 << 20, '+') + "\n";
    auto over = report::render_mail(big, "Bot <bot@example.org>", "<1@x>", "");
    EXPECT_TRUE(over.text.empty());
    ASSERT_EQ(over.warnings.size(), 1u);
    EXPECT_NE(over.warnings[0].find("commit 0123456789ab: not mailed: its mail would be at least "),
              std::string::npos)
        << over.warnings[0];
    EXPECT_NE(over.warnings[0].find("more than review.max_mail_bytes (2097152)"),
              std::string::npos);
    // Under the limit as parts, over it once encoded.
    auto close = normal_mail();
    close.patch = "diff --git a/x b/x\n+" + std::string(1000, '=') + "\n";
    auto encoded = report::render_mail(close, "Bot <bot@example.org>", "<1@x>", "", 2000);
    EXPECT_TRUE(encoded.text.empty());
    ASSERT_EQ(encoded.warnings.size(), 1u);
    EXPECT_EQ(encoded.warnings[0].find("at least"), std::string::npos) << encoded.warnings[0];
    auto fits = report::render_mail(close, "Bot <bot@example.org>", "<1@x>", "", 100000);
    EXPECT_NE(fits.text.find("Content-Transfer-Encoding: quoted-printable\n"), std::string::npos);
    EXPECT_NE(python_parse(fits.text)["body"].get<std::string>().find(
                  "\n+" + std::string(1000, '=') + "\n"),
              std::string::npos);
}

}  // namespace
}  // namespace stablepick
