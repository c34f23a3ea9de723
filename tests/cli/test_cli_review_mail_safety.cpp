// Review mails built from hostile commits: a CR in the author's name or address, MAINTAINERS
// lines that smuggle recipients, a commit message carrying a whole second mail and a diff, a
// 64 KB subject, a 1 MB line, a diff too large to mail. Each mail is read back as its receivers
// read it: git mailsplit, git mailinfo, git am, and Python's email parser.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "support/known_history.hpp"
#include "support/mail_check.hpp"

namespace stablepick {
namespace {

using testing::FixesAndFeatures;
using testing::kDay;
using testing::kStart;
using testing::mailinfo;
using testing::mailsplit;
using testing::python_parse;
using testing::read_file;
using testing::run_program;
using testing::run_stablepick;
using testing::TempDir;

const std::string kMaintainers =
    "NET DRIVERS\n"
    "M:\tGood Maintainer <good@example.org>\n"
    "M:\tEvil <evil@example.org>\rBcc: attacker@example.com\n"
    "R:\t\"Reviewer, Jr.\" <reviewer@example.org>\n"
    "M:\tMallory <m@example.org>, attacker2@example.com\n"
    "L:\tnetdev@example.org\r\n"
    "F:\tdrivers/net/\n";

// A second mail, and a diff, inside a commit message.
const std::string kSmuggled =
    "The rx path crashes when the ring is empty.\n\n"
    "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n"
    "From: Mallory <mallory@example.com>\n"
    "To: victim@example.org\n"
    "Bcc: attacker@example.com\n"
    "Subject: [PATCH] innocent\n\n"
    "Smuggled.\n"
    "---\n"
    "diff --git a/INJECTED b/INJECTED\n"
    "new file mode 100644\n"
    "index 0000000..5a8b6ea\n"
    "--- /dev/null\n"
    "+++ b/INJECTED\n"
    "@@ -0,0 +1 @@\n"
    "+pwned\n\n";

// The known-answer history, a stable branch, then fixes like the history's backported ones
// (so the ballot selects them) that each carry one attack.
struct HostileHistory {
    FixesAndFeatures h{120};
    std::map<std::string, std::string> id;
    std::map<std::string, std::string> file;  // scenario -> the file its fix changes
    int day = 121;
    int64_t when() { return kStart + (day++) * kDay; }

    std::string fix(const std::string& scenario, int n, const std::string& subject,
                    const std::string& text, const std::string& content,
                    const std::string& author = "") {
        auto& r = h.repo;
        file[scenario] = fmt::format("drivers/net/fix_{}.c", n);
        id[scenario] =
            r.commit(file[scenario], content,
                     fmt::format("{}\n\n{}Fixes: {} (\"tools: add option 4 to the builder\")\n"
                                 "Signed-off-by: Dev <dev@example.org>\n",
                                 subject, text, h.features[3].substr(0, 12)),
                     when());
        if (!author.empty()) {
            r.git({"commit", "-q", "--amend", "--no-edit", "--author=" + author});
            id[scenario] = r.head();
        }
        return id[scenario];
    }

    HostileHistory() {
        auto& r = h.repo;
        r.commit("MAINTAINERS", kMaintainers, "MAINTAINERS: add the net drivers\n", when());
        r.git({"branch", "v2-stable"});
        std::string crash = "The rx path crashes when the ring is empty.\n\n";
        fix("name", 510, "net: fix NULL pointer dereference in rx path 510", crash,
            "int rx_510_null_check = 2;\n", "Evil\rBcc: attacker@example.com <evil@example.org>");
        fix("address", 520, "net: fix NULL pointer dereference in rx path 520", crash,
            "int rx_520_null_check = 2;\n", "Evil <evil@example.org\rBcc: attacker@example.com>");
        // Patches 1 and 2 of one series: each mail cites the other's subject.
        auto link = [](int n) {
            return fmt::format(
                "Link: https://lore.kernel.org/r/20200601-rx-v2-{}-abc@example.org\n", n);
        };
        fix("smuggle", 530, "net: fix NULL pointer dereference in rx path 530", kSmuggled + link(1),
            "int rx_530_null_check = 2;\n");
        // A 1 MB line, and a byte that is not UTF-8 (a Latin-1 file).
        fix("big-line", 540, "net: fix NULL pointer dereference in rx path 540", crash,
            "int rx_540_null_check = 2;\nstatic const char table[] = \"" +
                std::string(1 << 20, 'x') + "\";\n/* caf\xE9 */\n");
        // A 64 KB subject.
        std::string long_subject = "net: fix NULL pointer dereference in rx path 550 ";
        for (int i = 0; long_subject.size() < 65536; ++i) long_subject += fmt::format("w{} ", i);
        fix("long", 550, long_subject, crash + link(2), "int rx_550_null_check = 2;\n");
    }
    std::string dir() const { return h.dir(); }
};

class CliReviewMailSafety : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        s_ = new HostileHistory();
        ASSERT_EQ(run_stablepick({"-q", "-C", s_->dir(), "index"}).exit_code, 0);
        ASSERT_EQ(run_stablepick({"-q", "-C", s_->dir(), "train"}).exit_code, 0);
    }
    static void TearDownTestSuite() { delete s_; }

    // The mails `review --format mbox --out` writes for the scenarios, by scenario.
    struct Run {
        testing::RunResult result;
        std::map<std::string, std::string> mail;
    };
    static Run mails(const std::vector<std::string>& scenarios,
                     const std::vector<std::string>& before = {}) {
        TempDir out;
        std::vector<std::string> args = before;
        for (auto a : {"-q", "-C"}) args.push_back(a);
        args.push_back(s_->dir());
        for (auto a : {"review", "--target", "v2-stable", "--format", "mbox", "--from",
                       "Stable Bot <bot@example.org>", "--out"})
            args.push_back(a);
        args.push_back((out.path() / "mails").string());
        for (auto& sc : scenarios) args.push_back(s_->id.at(sc));
        Run run{run_stablepick(args), {}};
        if (!std::filesystem::exists(out.path() / "mails")) return run;
        for (auto& e : std::filesystem::directory_iterator(out.path() / "mails")) {
            auto text = read_file(e.path());
            auto body = python_parse(text)["body"].get<std::string>();
            for (auto& [sc, commit] : s_->id)
                if (body.find("[ Upstream commit " + commit + " ]") != std::string::npos)
                    run.mail[sc] = text;
        }
        return run;
    }
    static HostileHistory* s_;
};
HostileHistory* CliReviewMailSafety::s_ = nullptr;

std::set<std::string> header_names(const nlohmann::json& parsed) {
    std::set<std::string> out;
    for (auto& h : parsed["headers"]) out.insert(h.get<std::string>());
    return out;
}

// Every header line short, ASCII, without a CR; the header set exactly the expected one.
void expect_sane_headers(const std::string& mail, const std::set<std::string>& names) {
    for (auto& line : testing::header_lines(mail)) {
        EXPECT_LE(line.size(), 78u) << line.substr(0, 200);
        for (unsigned char c : line)
            ASSERT_TRUE(c >= 0x20 && c < 0x7F)
                << "byte " << int(c) << " in " << line.substr(0, 200);
    }
    auto parsed = python_parse(mail);
    auto found = header_names(parsed);
    // Threading: a reply has both, the first mail neither.
    EXPECT_EQ(found.erase("In-Reply-To"), found.erase("References"));
    EXPECT_EQ(found, names) << parsed["headers"].dump();
    EXPECT_TRUE(parsed["bcc"].empty()) << parsed["bcc"].dump();
    EXPECT_TRUE(parsed["defects"].empty()) << parsed["defects"].dump();
}

const std::set<std::string> kReviewHeaders{"From",
                                           "Date",
                                           "Subject",
                                           "To",
                                           "Cc",
                                           "Message-Id",
                                           "X-stable",
                                           "X-Patchwork-Hint",
                                           "X-stable-base",
                                           "MIME-Version",
                                           "Content-Type",
                                           "Content-Transfer-Encoding"};

TEST_F(CliReviewMailSafety, ControlCharactersNeverReachTheHeaders) {
    auto run = mails({"name", "address"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    // The author's address can't be written: git am would credit someone else. Not mailed.
    EXPECT_EQ(run.mail.count("address"), 0u);
    EXPECT_NE(run.result.err.find(fmt::format(
                  "warning: commit {}: not mailed: the author 'Evil <evil@example.org\\rBcc: "
                  "attacker@example.com>' has control characters in its address",
                  s_->id["address"].substr(0, 12))),
              std::string::npos)
        << run.result.err;
    // A CR in the name becomes a space; MAINTAINERS lines that are no address are left out.
    ASSERT_EQ(run.mail.count("name"), 1u) << run.result.err;
    const auto& mail = run.mail["name"];
    expect_sane_headers(mail, kReviewHeaders);
    auto parsed = python_parse(mail);
    EXPECT_EQ(parsed["to"], nlohmann::json::parse(
                                R"([["Evil Bcc: attacker at example.com", "evil@example.org"]])"));
    EXPECT_EQ(parsed["cc"], nlohmann::json::parse(R"([["Test Author", "author@example.org"],
                                                      ["Good Maintainer", "good@example.org"],
                                                      ["Reviewer, Jr.", "reviewer@example.org"],
                                                      ["", "netdev@example.org"]])"));
    EXPECT_EQ(parsed["from"], nlohmann::json::parse(R"([["Stable Bot", "bot@example.org"]])"));
    for (auto what : {"'Evil <evil@example.org>\\rBcc: attacker@example.com' has control "
                      "characters in its address",
                      "'Mallory <m@example.org>, attacker2@example.com' is not an e-mail address"})
        EXPECT_NE(run.result.err.find(fmt::format("warning: commit {}: left out of Cc: {}",
                                                  s_->id["name"].substr(0, 12), what)),
                  std::string::npos)
            << run.result.err;
    EXPECT_EQ(mail.find("attacker2"), std::string::npos);
    // git am keeps the authorship: the CR made a space, the "@" in the name " at ".
    auto info = mailinfo(mail);
    EXPECT_NE(
        info.info.find("Author: Evil Bcc: attacker at example.com\nEmail: evil@example.org\n"),
        std::string::npos)
        << info.info;
}

TEST_F(CliReviewMailSafety, AMessageCarryingAMailAndADiffStaysOneCommit) {
    auto run = mails({"smuggle"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    ASSERT_EQ(run.mail.count("smuggle"), 1u) << run.result.err;
    const auto& mail = run.mail["smuggle"];
    expect_sane_headers(mail, kReviewHeaders);
    EXPECT_EQ(python_parse(mail)["transfer_encoding"], "8bit");  // a normal mail stays 8bit
    TempDir dir;
    std::ofstream(dir.path() / "mbox", std::ios::binary) << mail;
    ASSERT_EQ(mailsplit(dir.path() / "mbox").size(), 1u);
    auto info = mailinfo(mail);
    EXPECT_NE(info.info.find("Author: Test Author\nEmail: author@example.org\n"), std::string::npos)
        << info.info;
    EXPECT_EQ(info.patch.find("INJECTED"), std::string::npos) << info.patch;
    // The message keeps its lines, quoted as mboxrd and git format-patch users expect.
    EXPECT_NE(info.message.find("\n>From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 "),
              std::string::npos)
        << info.message;
    EXPECT_NE(info.message.find("\n ---\n diff --git a/INJECTED b/INJECTED\n"), std::string::npos)
        << info.message;
    EXPECT_NE(info.message.find("Fixes: "), std::string::npos) << info.message;

    auto& r = s_->h.repo;
    r.git({"checkout", "-q", "-b", "am-smuggle", "v2-stable"});
    auto am = run_program({"git", "am", (dir.path() / "mbox").string()}, r.path());
    EXPECT_EQ(am.exit_code, 0) << am.err << am.out;
    EXPECT_EQ(r.git({"rev-list", "--count", "v2-stable..HEAD"}), "1");
    EXPECT_EQ(r.git({"log", "-1", "--format=%an <%ae>"}), "Test Author <author@example.org>");
    EXPECT_EQ(r.git({"diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD"}),
              s_->file["smuggle"]);
    EXPECT_FALSE(std::filesystem::exists(r.path() / "INJECTED"));
    run_program({"git", "am", "--abort"}, r.path());
    r.git({"checkout", "-q", "-f", "main"});
}

TEST_F(CliReviewMailSafety, LongSubjectsAreCutAndLongLinesQuotedPrintable) {
    auto run = mails({"smuggle", "long", "big-line"});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    // The mail that cites the 64 KB subject cites 200 characters of it.
    ASSERT_EQ(run.mail.count("smuggle"), 1u) << run.result.err;
    auto cited = python_parse(run.mail["smuggle"])["body"].get<std::string>();
    auto at = cited.find(s_->id["long"].substr(0, 12) + " (\"net: fix NULL pointer");
    ASSERT_NE(at, std::string::npos) << cited;
    auto line = cited.substr(at, cited.find('\n', at) - at);
    EXPECT_LT(line.size(), 300u) << line.substr(0, 400);
    EXPECT_NE(line.find("\xE2\x80\xA6\")"), std::string::npos) << line;  // the ellipsis
    // Its own mail: the subject cut, folded in encoded words.
    EXPECT_EQ(run.mail.count("long"), 1u) << run.result.err;
    if (run.mail.count("long")) {
        expect_sane_headers(run.mail["long"], kReviewHeaders);
        auto subject = python_parse(run.mail["long"])["subject"].get<std::string>();
        EXPECT_TRUE(subject.starts_with(
            "[PATCH AUTOSEL 2] net: fix NULL pointer dereference in rx path 550 w0 w1"))
            << subject;
        EXPECT_TRUE(subject.ends_with("\xE2\x80\xA6")) << subject;
        EXPECT_LT(subject.size(), 250u);
        EXPECT_LT(run.mail["long"].size(), 8000u);
    }
    // A 1 MB line and a Latin-1 byte: quoted-printable, and git am gives the same file.
    ASSERT_EQ(run.mail.count("big-line"), 1u) << run.result.err;
    const auto& big = run.mail["big-line"];
    expect_sane_headers(big, kReviewHeaders);
    EXPECT_EQ(python_parse(big)["transfer_encoding"], "quoted-printable");
    size_t longest = 0;
    for (size_t start = 0; start < big.size();) {
        size_t end = big.find('\n', start);
        if (end == std::string::npos) end = big.size();
        longest = std::max(longest, end - start);
        start = end + 1;
    }
    EXPECT_LE(longest, 78u);
    auto& r = s_->h.repo;
    TempDir dir;
    std::ofstream(dir.path() / "mbox", std::ios::binary) << big;
    r.git({"checkout", "-q", "-b", "am-big", "v2-stable"});
    auto am = run_program({"git", "am", (dir.path() / "mbox").string()}, r.path());
    EXPECT_EQ(am.exit_code, 0) << am.err << am.out;
    EXPECT_EQ(r.git({"rev-parse", "HEAD:" + s_->file["big-line"]}),
              r.git({"rev-parse", s_->id["big-line"] + ":" + s_->file["big-line"]}));
    EXPECT_EQ(r.git({"log", "-1", "--format=%an|%s"}),
              "Test Author|net: fix NULL pointer dereference in rx path 540");
    run_program({"git", "am", "--abort"}, r.path());
    r.git({"checkout", "-q", "-f", "main"});
}

TEST_F(CliReviewMailSafety, AMailLargerThanTheLimitIsNotWritten) {
    TempDir dir;
    auto config = dir.path() / "small.toml";
    std::ofstream(config) << "[review]\nmax_mail_bytes = 200000\n";
    auto run = mails({"big-line", "smuggle"}, {"--config", config.string()});
    ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
    EXPECT_EQ(run.mail.count("big-line"), 0u);
    EXPECT_EQ(run.mail.count("smuggle"), 1u);
    EXPECT_NE(run.result.err.find(fmt::format("warning: commit {}: not mailed: its mail would be "
                                              "at least ",
                                              s_->id["big-line"].substr(0, 12))),
              std::string::npos)
        << run.result.err;
    EXPECT_NE(run.result.err.find("bytes, more than review.max_mail_bytes (200000)"),
              std::string::npos)
        << run.result.err;
    // The first mail written starts the thread: the one left out is no one's parent.
    auto parsed = python_parse(run.mail["smuggle"]);
    EXPECT_EQ(header_names(parsed).count("In-Reply-To"), 0u) << parsed["headers"].dump();

    std::ofstream(config) << "[review]\nmax_mail_bytes = 0\n";
    auto bad = run_stablepick({"--config", config.string(), "-C", s_->dir(), "review", "--target",
                               "v2-stable", "--format", "mbox", s_->id["smuggle"]});
    EXPECT_EQ(bad.exit_code, 8);
    EXPECT_NE(bad.err.find("review.max_mail_bytes must be positive, not 0"), std::string::npos)
        << bad.err;
}

}  // namespace
}  // namespace stablepick
