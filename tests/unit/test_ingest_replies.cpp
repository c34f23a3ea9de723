#include <gtest/gtest.h>

#include <fstream>

#include "stablepick/ingest/replies.hpp"
#include "stablepick/store/reply_records.hpp"
#include "support/fixture_repo.hpp"
#include "support/test_store.hpp"

namespace stablepick {
namespace {

using testing::TempDir;

const std::string kUpstream = "cecf7560f00a8419396a2ed0f6e5d245ccb4feac";
const std::string kOther = "4853b53264869e51378cad7bf1556d4e8049d445";

struct TestMail {
    std::string id, subject, body, in_reply_to;
    std::string from = "Guenter Roeck <linux@roeck-us.net>";
    std::string date = "Mon, 30 May 2022 06:49:00 -0700";
    std::string extra_headers;
    std::string thread_root;  // the first of References, when it is not In-Reply-To
};

std::string mbox_of(const std::vector<TestMail>& mails) {
    std::string out;
    for (auto& m : mails) {
        out += "From mboxrd@z Thu Jan  1 00:00:00 1970\n";
        out += "From: " + m.from + "\nSubject: " + m.subject + "\nDate: " + m.date + "\n";
        if (!m.id.empty()) out += "Message-ID: <" + m.id + ">\n";
        if (!m.in_reply_to.empty())
            out += "In-Reply-To: <" + m.in_reply_to +
                   ">\nReferences: " + (m.thread_root.empty() ? "" : "<" + m.thread_root + "> ") +
                   "<" + m.in_reply_to + ">\n";
        out += m.extra_headers + "\n" + m.body + "\n";
    }
    return out;
}

std::string proposal_body(const std::string& commit, bool llm = false) {
    return "From: Tom Rix <trix@redhat.com>\n\n[ Upstream commit " + commit +
           " ]\n\nclang static analysis reports this problem\n\nSigned-off-by: Sasha Levin "
           "<sashal@kernel.org>\n---\n" +
           (llm ? "\nLLM Generated explanations, may be completely bogus:\n\nIt fixes a bug.\n"
                : "") +
           " drivers/hwmon/applesmc.c | 2 +-\n";
}

TEST(AutoselSubject, OneTreeOrARangeNewestFirst) {
    auto one = parse_autosel_subject("[PATCH AUTOSEL 5.15 12/44] hwmon: (applesmc) fix");
    ASSERT_TRUE(one);
    EXPECT_EQ(one->newest, "5.15");
    EXPECT_EQ(one->oldest, "5.15");
    auto range = parse_autosel_subject("[PATCH AUTOSEL 6.17-5.15] hwmon: (gpd-fan) Add GPD Win 5");
    ASSERT_TRUE(range);
    EXPECT_EQ(range->newest, "6.17");
    EXPECT_EQ(range->oldest, "5.15");
    EXPECT_TRUE(parse_autosel_subject("[PATCH AUTOSEL 4.9] x"));
    EXPECT_FALSE(parse_autosel_subject("Re: [PATCH AUTOSEL 5.15 12/44] hwmon: fix"));
    EXPECT_FALSE(parse_autosel_subject("[PATCH v2 3/5] hwmon: fix"));
}

TEST(AutoselSubject, ARangeHoldsTheStableTreesTheStoreKnowsBetweenItsEnds) {
    auto range = parse_autosel_subject("[PATCH AUTOSEL 6.17-5.15] x");
    ASSERT_TRUE(range);
    auto trees = autosel_trees(
        *range, {"linux-5.10.y", "linux-6.1.y", "linux-6.12.y", "linux-6.6.y", "v255-stable"});
    EXPECT_EQ(trees, (std::vector<std::string>{"linux-6.17.y", "linux-6.12.y", "linux-6.6.y",
                                               "linux-6.1.y", "linux-5.15.y"}));
    auto one = parse_autosel_subject("[PATCH AUTOSEL 5.10 1/2] x");
    EXPECT_EQ(autosel_trees(*one, {"linux-5.10.y"}), std::vector<std::string>{"linux-5.10.y"});
}

TEST(UpstreamCommit, TheBracketedLineAndTheOlderForm) {
    EXPECT_EQ(upstream_commit_of(proposal_body(kUpstream)), kUpstream);
    EXPECT_EQ(upstream_commit_of("commit " + kOther + " upstream.\n\nText\n"), kOther);
    EXPECT_EQ(upstream_commit_of("A fix for " + kOther + "\n"), "");
}

TEST(ReplyText, QuotesAttributionsAndSignatureAreLeftOut) {
    std::string body =
        "On Mon, May 30, 2022 at 06:49:00AM -0400, Sasha Levin wrote:\n"
        "> From: Tom Rix <trix@redhat.com>\n"
        ">\n"
        "> [ Upstream commit " +
        kUpstream +
        " ]\n"
        "\n"
        "Please drop.\n"
        "\n"
        "> please drop this quoted line too\n"
        "Guenter\n"
        "-- \n"
        "A signature that says please drop\n";
    EXPECT_TRUE(quotes_anything(body));
    EXPECT_EQ(reply_own_text(body), "Please drop.\n\nGuenter\n");
    EXPECT_FALSE(quotes_anything("Acked-by: Someone <a@b>\n"));
    std::string two_lines =
        "On Thu, Jun 10, 2021 at 3:29 PM Lukas Wunner <lukas@wunner.de>\nwrote:\n> x\nOk.\n";
    EXPECT_EQ(reply_own_text(two_lines), "Ok.\n");
}

TEST(ReplyReading, EachKind) {
    EXPECT_EQ(read_reply("Acked-by: Guenter Roeck <linux@roeck-us.net>\n").kind, ReplyKind::kAck);
    EXPECT_EQ(read_reply("Looks good to me.\n").kind, ReplyKind::kAck);
    for (const char* objection :
         {"Please drop.\n", "NAK\n", "This is a new feature, not a fix.\n",
          "This breaks the build on arm.\n", "Already queued, thanks.\n",
          "Please don't backport this.\n", "Not needed for older kernels.\n",
          "I'll drop it, thanks!\n", "This patch doesn't need to be backported.\n",
          "I don't believe this is suitable for stable.\n"})
        EXPECT_EQ(read_reply(objection).kind, ReplyKind::kObjection) << objection;
    auto request = read_reply(
        "Please also take 5478a4f7b94414def7b56d2f18bc2ed9b0f3f1f2 and "
        "(\"spi: Cleanup on failure of initial setup\").\n");
    EXPECT_EQ(request.kind, ReplyKind::kRequest);
    EXPECT_EQ(request.asks_for,
              (std::vector<std::string>{"5478a4f7b94414def7b56d2f18bc2ed9b0f3f1f2",
                                        "spi: Cleanup on failure of initial setup"}));
    EXPECT_EQ(
        read_reply("Yup, this one makes sense for stable\n\nAcked-for-stable-by: P <p@x>\n").kind,
        ReplyKind::kAck);
    EXPECT_EQ(read_reply("This will warn unless you also cherry-pick commit 0465814831a9.\n").kind,
              ReplyKind::kRequest);
    EXPECT_EQ(read_reply("Thanks, will check back in a week.\n").kind, ReplyKind::kOther);
    // An objection outweighs an ack in the same reply, and names its tree.
    auto narrowed = read_reply("Looks good, but not needed for 5.10.\n");
    EXPECT_EQ(narrowed.kind, ReplyKind::kObjection);
    EXPECT_EQ(narrowed.versions, std::vector<std::string>{"5.10"});
}

class ReplyImport : public ::testing::Test {
  protected:
    void SetUp() override {
        auto location = testing::test_store(dir_.path());
        SKIP_WITHOUT_TEST_STORE(location);
        auto s = Store::open(location, Store::Mode::kWrite);
        ASSERT_TRUE(s.has_value()) << s.error().message;
        store_.emplace(std::move(*s));
        for (auto* b : {"linux-5.10.y", "linux-5.15.y", "linux-6.1.y"})
            ASSERT_TRUE(store_->ensure_branch(b, BranchKind::kStable).has_value());
    }
    std::string write(const std::string& name, const std::vector<TestMail>& mails) {
        auto path = dir_.path() / name;
        std::ofstream(path, std::ios::binary) << mbox_of(mails);
        return path.string();
    }
    std::vector<TestMail> archive() {
        std::string quote = "On Mon, May 30, 2022, Sasha Levin wrote:\n> [ Upstream commit " +
                            kUpstream + " ]\n> clang static analysis\n\n";
        return {
            {"p1@kernel.org", "[PATCH AUTOSEL 6.1-5.10 02/05] hwmon: (applesmc) check status",
             proposal_body(kUpstream, true), "p0@kernel.org", "Sasha Levin <sashal@kernel.org>",
             "Mon, 30 May 2022 06:30:00 -0400"},
            {"p2@kernel.org", "[PATCH AUTOSEL 5.15 03/05] hwmon: (gpd-fan) Add GPD Win 5",
             proposal_body(kOther), "p0@kernel.org", "Sasha Levin <sashal@kernel.org>",
             "Mon, 30 May 2022 06:31:00 -0400"},
            {"r1@roeck", "Re: [PATCH AUTOSEL 6.1-5.10 02/05] hwmon: (applesmc) check status",
             quote + "Not needed for 5.10, the driver has no such path there.\n", "p1@kernel.org"},
            {"r2@roeck", "Re: [PATCH AUTOSEL 5.15 03/05] hwmon: (gpd-fan) Add GPD Win 5",
             quote + "Acked-by: Guenter Roeck <linux@roeck-us.net>\n", "p2@kernel.org"},
            {"r3@broonie", "Re: [PATCH AUTOSEL 5.15 03/05] hwmon: (gpd-fan) Add GPD Win 5",
             quote + "Please also take 5478a4f7b94414def7b56d2f18bc2ed9b0f3f1f2.\n",
             "p2@kernel.org", "Mark Brown <broonie@kernel.org>"},
            {"r4@sasha", "Re: [PATCH AUTOSEL 5.15 03/05] hwmon: (gpd-fan) Add GPD Win 5",
             quote + "Will do, thanks!\n", "r3@broonie", "Sasha Levin <sashal@kernel.org>",
             "Mon, 30 May 2022 06:49:00 -0700", "", "p2@kernel.org"},
            {"bad1@x", "Re: [PATCH AUTOSEL 5.15 03/05] hwmon: (gpd-fan) Add GPD Win 5",
             "Please drop.\n", "p2@kernel.org"},  // quotes nothing
            {"bad2@x", "Re: [PATCH AUTOSEL 5.4 01/01] hwmon: something else",
             quote + "Please drop.\n", "gone@kernel.org"},  // answers a mail we never saw
            {"", "Re: [PATCH AUTOSEL 5.15 03/05] hwmon: (gpd-fan) Add GPD Win 5", quote + "NAK\n",
             "p2@kernel.org"},  // no Message-ID
            {"bad4@x", "Re: [PATCH AUTOSEL 5.15 03/05] hwmon: (gpd-fan) Add GPD Win 5",
             quote + "\xf0\xf2\xc9\xd7\xc5\xd4\n", "p2@kernel.org", "Someone <s@example.ru>",
             "Mon, 30 May 2022 07:00:00 -0400", "Content-Type: text/plain; charset=koi8-r\n"},
            {"patch@x", "[PATCH v2 1/3] hwmon: an ordinary patch", "diff --git a/x b/x\n"},
        };
    }
    TempDir dir_;
    std::optional<Store> store_;
};

TEST_F(ReplyImport, FindsProposalsAndRepliesAndNamesWhatItSkips) {
    auto counts = import_replies(*store_, {write("list.mbox", archive())}, true);
    ASSERT_TRUE(counts.has_value()) << counts.error().message;
    EXPECT_EQ(counts->mails, 11);
    EXPECT_EQ(counts->proposals, 2);
    EXPECT_EQ(counts->llm_explained, 1);
    EXPECT_EQ(counts->proposals_by_tree,
              (std::map<std::string, int64_t>{
                  {"linux-5.10.y", 1}, {"linux-5.15.y", 2}, {"linux-6.1.y", 1}}));
    EXPECT_EQ(counts->replies_by_kind,
              (std::map<std::string, int64_t>{
                  {"ack", 1}, {"objection", 1}, {"request", 1}, {"other", 1}}));
    EXPECT_EQ(counts->skipped, (std::map<std::string, int64_t>{{"quotes nothing", 1},
                                                               {"replies to an unknown mail", 1},
                                                               {"malformed", 1},
                                                               {"other encoding", 1}}));
    EXPECT_EQ(counts->skipped_named["quotes nothing"], std::vector<std::string>{"bad1@x"});
    EXPECT_EQ(counts->skipped_named["replies to an unknown mail"],
              std::vector<std::string>{"bad2@x"});
    EXPECT_EQ(counts->skipped_named["other encoding"], std::vector<std::string>{"bad4@x"});
    ASSERT_EQ(counts->objections.size(), 1u);

    auto proposal = store::list_proposal(*store_, "p1@kernel.org");
    ASSERT_TRUE(proposal.has_value() && *proposal);
    EXPECT_EQ((*proposal)->commit, kUpstream);
    EXPECT_EQ((*proposal)->trees,
              (std::vector<std::string>{"linux-5.10.y", "linux-5.15.y", "linux-6.1.y"}));
    EXPECT_TRUE((*proposal)->llm_explained);

    auto on = store::replies_on(*store_, kUpstream);
    ASSERT_TRUE(on.has_value());
    ASSERT_EQ(on->size(), 1u);
    EXPECT_EQ(on->front().kind, "objection");
    // "not needed for 5.10" objects for 5.10 only, not for the range's other trees.
    EXPECT_EQ(on->front().trees, std::vector<std::string>{"linux-5.10.y"});
    EXPECT_EQ(on->front().text, "Not needed for 5.10, the driver has no such path there.\n");
    EXPECT_EQ(on->front().answers, "p1@kernel.org");

    auto other = store::replies_on(*store_, kOther);
    ASSERT_TRUE(other.has_value());
    ASSERT_EQ(other->size(), 3u);
    EXPECT_EQ((*other)[1].kind, "request");
    EXPECT_EQ((*other)[1].asks_for,
              std::vector<std::string>{"5478a4f7b94414def7b56d2f18bc2ed9b0f3f1f2"});
    // A reply to a reply answers the proposal the thread is about.
    EXPECT_EQ((*other)[2].answers, "p2@kernel.org");
    for (auto& r : *other) EXPECT_EQ(r.text.find("Upstream commit"), std::string::npos) << r.text;
}

TEST_F(ReplyImport, ImportingAgainAddsNothing) {
    auto path = write("list.mbox", archive());
    ASSERT_TRUE(import_replies(*store_, {path}, true).has_value());
    auto again = import_replies(*store_, {path}, true);
    ASSERT_TRUE(again.has_value()) << again.error().message;
    EXPECT_EQ(again->proposals, 0);
    EXPECT_EQ(again->proposals_already, 2);
    EXPECT_TRUE(again->replies_by_kind.empty());
    EXPECT_EQ(again->replies_already, 4);
    EXPECT_TRUE(again->objections.empty());
    auto other = store::replies_on(*store_, kOther);
    ASSERT_TRUE(other.has_value());
    EXPECT_EQ(other->size(), 3u);
}

TEST_F(ReplyImport, AReplyInAnEarlierFileThanItsProposalIsFound) {
    auto mails = archive();
    auto replies = write("replies.mbox", {mails[3]});
    auto proposals = write("proposals.mbox", {mails[1]});
    auto counts = import_replies(*store_, {replies, proposals}, true);
    ASSERT_TRUE(counts.has_value()) << counts.error().message;
    EXPECT_EQ(counts->files, 2);
    EXPECT_EQ(counts->replies_by_kind, (std::map<std::string, int64_t>{{"ack", 1}}));
}

TEST_F(ReplyImport, WhatIsNoMailboxIsRefused) {
    auto path = dir_.path() / "not-mail";
    std::ofstream(path) << "just some text without headers\n";
    auto counts = import_replies(*store_, {path.string()}, true);
    ASSERT_FALSE(counts.has_value());
    EXPECT_EQ(counts.error().code, ErrorCode::kInvalidInput);
    auto missing = import_replies(*store_, {(dir_.path() / "nowhere").string()}, true);
    ASSERT_FALSE(missing.has_value());
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace stablepick
