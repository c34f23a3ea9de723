#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "stablepick/text/message.hpp"

namespace stablepick {
namespace {

Commit parse(const std::string& message) {
    Commit c;
    parse_message(message, TrailerConfig{}, c);
    return c;
}

const Trailer* find_kind(const Commit& c, Trailer::Kind kind) {
    for (auto& t : c.trailers)
        if (t.kind == kind) return &t;
    return nullptr;
}

TEST(Message, SubjectAndBody) {
    auto c = parse("net: fix a leak\n\nThe body\nsecond line\n\nSigned-off-by: A <a@x.org>\n");
    EXPECT_EQ(c.subject, "net: fix a leak");
    EXPECT_EQ(c.body, "The body\nsecond line\n\nSigned-off-by: A <a@x.org>");
}

TEST(Message, KernelTrailers) {
    auto c = parse(
        "mm: fix it\n\nText.\n\n"
        "Fixes: 1234567890ab (\"mm: add the thing (really)\")\n"
        "Cc: stable@vger.kernel.org # 5.10.x\n"
        "Cc: <stable@vger.kernel.org> # 4.19: 0123abcd: prerequisite\n"
        "Cc: stable+noautosel@kernel.org # breaks the ABI\n"
        "Reported-by: R <r@x.org>\n"
        "Link: https://lore.kernel.org/r/123@x\n"
        "Closes: https://bugzilla.example.org/1\n"
        "Signed-off-by: A <a@x.org>\n");
    auto* fixes = find_kind(c, Trailer::Kind::kFixes);
    ASSERT_NE(fixes, nullptr);
    EXPECT_EQ(fixes->ref_id, "1234567890ab");
    EXPECT_EQ(fixes->ref_subject, "mm: add the thing (really)");
    int cc_stable = 0;
    for (auto& t : c.trailers)
        if (t.kind == Trailer::Kind::kCcStable) ++cc_stable;
    EXPECT_EQ(cc_stable, 2);
    EXPECT_EQ(find_kind(c, Trailer::Kind::kCcStable)->comment, "5.10.x");
    EXPECT_EQ(c.trailers[2].comment, "4.19: 0123abcd: prerequisite");
    auto* noautosel = find_kind(c, Trailer::Kind::kCcNoAutosel);
    ASSERT_NE(noautosel, nullptr);
    EXPECT_EQ(noautosel->comment, "breaks the ABI");
    EXPECT_NE(find_kind(c, Trailer::Kind::kReportedBy), nullptr);
    EXPECT_EQ(find_kind(c, Trailer::Kind::kLink)->value, "https://lore.kernel.org/r/123@x");
    EXPECT_NE(find_kind(c, Trailer::Kind::kCloses), nullptr);
    EXPECT_EQ(find_kind(c, Trailer::Kind::kSignedOffBy)->value, "A <a@x.org>");
}

TEST(Message, SystemdFollowUpIsAFixesReference) {
    auto c = parse("core: fix\n\nFollow-up for 0ccdaa79ae5b2.\n\nSome text.\n");
    auto* fixes = find_kind(c, Trailer::Kind::kFixes);
    ASSERT_NE(fixes, nullptr);
    EXPECT_EQ(fixes->ref_id, "0ccdaa79ae5b2");
    auto c2 = parse("core: fix\n\nFollow-up-for: 0ccdaa79ae5b2\n");
    ASSERT_NE(find_kind(c2, Trailer::Kind::kFixes), nullptr);
}

TEST(Message, IssueNumbersAreNotCommits) {
    for (const char* text : {"x: y\n\nFixes #12345.\n", "x: y\n\nFixes: #12345\n",
                             "x: y\n\nFixes https://github.com/systemd/systemd/issues/1234\n",
                             "x: y\n\nFixes CID#1234567\n"}) {
        auto c = parse(text);
        EXPECT_EQ(find_kind(c, Trailer::Kind::kFixes), nullptr) << text;
        EXPECT_NE(find_kind(c, Trailer::Kind::kFixesIssue), nullptr) << text;
    }
}

TEST(Message, FixesKeysComeFromConfig) {
    TrailerConfig config;
    config.fixes_keys = {"Bug-introduced-by"};
    Commit c;
    parse_message("x\n\nBug-introduced-by: abcdef1234567\nFixes: 1234567abcdef\n", config, c);
    ASSERT_NE(find_kind(c, Trailer::Kind::kFixes), nullptr);
    EXPECT_EQ(find_kind(c, Trailer::Kind::kFixes)->ref_id, "abcdef1234567");
}

TEST(Message, EveryMarkerForm) {
    auto m = find_backport_markers(
        "x\n\ncommit 0123456789abcdef0123456789abcdef01234567 upstream.\n"
        "[ Upstream commit 1111111111111111111111111111111111111111 ]\n"
        "[ upstream commit 2222222222222222222222222222222222222222 ]\n"
        "(cherry picked from commit 3333333333333333333333333333333333333333)\n"
        "(cherry picked from commit 4444444)\n"
        "master commit: 5555555555555555555555555555555555555555\n"
        "[ Upstream commit ABCDEF1234567 ]\n");
    ASSERT_EQ(m.size(), 7u);
    EXPECT_EQ(m[0].id, "0123456789abcdef0123456789abcdef01234567");
    EXPECT_EQ(m[0].form, "upstream");
    EXPECT_EQ(m[1].id, std::string(40, '1'));
    EXPECT_EQ(m[2].id, std::string(40, '2'));
    EXPECT_EQ(m[3].id, std::string(40, '3'));
    EXPECT_EQ(m[3].form, "cherry-pick");
    EXPECT_EQ(m[4].id, "4444444");  // abbreviated
    EXPECT_EQ(m[5].id, std::string(40, '5'));
    EXPECT_EQ(m[5].form, "master-commit");
    EXPECT_EQ(m[6].id, "abcdef1234567");  // lower-cased
}

// Prose that names a commit is no marker: each form is closed by its bracket or is the whole
// line. The forms themselves, with their spellings, still are.
TEST(Message, ProseNamingACommitIsNoMarker) {
    std::string sha = "abcf15fa8f0123456789abcdef0123456789abcd";
    for (auto prose : {
             "Do this along the lines of what master commit abcf15fa8f does.\n",
             "Do this along the lines of what\nmaster commit abcf15fa8f does.\n",
             "as\n[master commit abcf15fa8f, and more]\n",
             "master commit abcf15fa8f0123456789abcdef0123456789abcd\n",  // no colon, no brackets
             "commit abcf15fa8f0123 upstream has the same bug.\n",
             "The fix, commit abcf15fa8f upstream, was reverted.\n",
             "Same as upstream commit abcf15fa8f0123 in spirit.\n",
         }) {
        EXPECT_TRUE(find_backport_markers(std::string("x\n\n") + prose).empty()) << prose;
        Commit c = parse(std::string("x\n\n") + prose);
        EXPECT_TRUE(c.markers.empty()) << prose;
    }
    auto m = find_backport_markers(fmt::format(
        "x\n\n[ master commit {0} ]\n  master commit: {0}.\n[master commit: {0}]\n"
        "commit {0} upstream\n[ backported from upstream commit {0} ]\n[upstream commit: {0}]\n",
        sha));
    ASSERT_EQ(m.size(), 6u);
    for (auto& marker : m) EXPECT_EQ(marker.id, sha);
    EXPECT_EQ(m[0].form, "master-commit");
    EXPECT_EQ(m[1].form, "master-commit");
    EXPECT_EQ(m[2].form, "master-commit");
    EXPECT_EQ(m[3].form, "upstream");
    EXPECT_EQ(m[4].form, "upstream");
    EXPECT_EQ(m[5].form, "upstream");
}

TEST(Message, Reverts) {
    auto c = parse(
        "Revert \"net: add x\"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.\n");
    EXPECT_TRUE(c.is_revert);
    ASSERT_TRUE(c.revert_of);
    EXPECT_EQ(*c.revert_of, "0123456789abcdef0123456789abcdef01234567");
    auto plain = parse("net: add x\n");
    EXPECT_FALSE(plain.is_revert);
    EXPECT_FALSE(plain.revert_of);
}

TEST(Message, InvalidUtf8IsReplaced) {
    auto c = parse("caf\xe9: fix\n\nbody \xff\xfe\n");
    EXPECT_EQ(c.subject, "caf\xEF\xBF\xBD: fix");
    EXPECT_EQ(to_valid_utf8("ok \xc3\xa9"), "ok \xc3\xa9");
}

// Found by fuzz/fuzz_message: sequences that look like UTF-8 and are not (a lead byte past
// U+10FFFF, an overlong form, a surrogate) were kept, and nlohmann's dump() then threw on the
// "valid" text. Each bad byte becomes U+FFFD; the bytes after it are read afresh.
TEST(Message, ToValidUtf8LeavesNothingAJsonWriterRefuses) {
    const std::string r = "\xEF\xBF\xBD";
    // The fuzzer's input, cut to what mattered: "cac" 98 9A DD D6 F5 B9 90 98 "lo".
    EXPECT_EQ(to_valid_utf8("cac\x98\x9a\xdd\xd6\xf5\xb9\x90\x98lo"),
              "cac" + r + r + r + r + r + r + r + r + "lo");
    EXPECT_EQ(to_valid_utf8("\xF4\x90\x80\x80"), r + r + r + r);  // above U+10FFFF
    EXPECT_EQ(to_valid_utf8("\xF8\x88\x80\x80\x80"), r + r + r + r + r);
    EXPECT_EQ(to_valid_utf8("\xE0\x80\xAF"), r + r + r);  // an overlong "/"
    EXPECT_EQ(to_valid_utf8("\xF0\x80\x80\xAF"), r + r + r + r);
    EXPECT_EQ(to_valid_utf8("\xED\xA0\x80"), r + r + r);  // a surrogate
    EXPECT_EQ(to_valid_utf8("\xC0\xAF"), r + r);
    // The edges that are valid stay.
    for (const char* ok : {"\xED\x9F\xBF", "\xEE\x80\x80", "\xF4\x8F\xBF\xBF", "\xF0\x90\x80\x80",
                           "\xE0\xA0\x80", "\xC2\x80"})
        EXPECT_EQ(to_valid_utf8(ok), ok);
    std::string all;
    for (int b = 0; b < 256; ++b)
        for (int c = 0x80; c < 0xC0; c += 0x0F) all += {static_cast<char>(b), static_cast<char>(c)};
    EXPECT_NO_THROW((void)nlohmann::json(to_valid_utf8(all)).dump());
    auto c = parse("fix \xF5\xB9\x90\x98\n\nbody \xED\xA0\x80\n");
    EXPECT_NO_THROW((void)nlohmann::json({{"subject", c.subject}, {"body", c.body}}).dump());
}

TEST(Message, EmptyMessage) {
    auto c = parse("");
    EXPECT_EQ(c.subject, "");
    EXPECT_EQ(c.body, "");
    EXPECT_TRUE(c.trailers.empty());
}

}  // namespace
}  // namespace stablepick

namespace stablepick {
namespace {

TEST(Message, DpdkNominationParagraphAboveTheSignOffs) {
    auto c = parse(
        "net/i40e: fix VF broadcast\n\nThe PF does not set it.\n\n"
        "Fixes: 61fff9b4c68b (\"net/i40e: set VF broadcast mode from PF\")\n"
        "Cc: stable@dpdk.org\n\n"
        "Signed-off-by: W <w@intel.com>\n"
        "Acked-by: Q <q@intel.com>\n");
    auto* cc = find_kind(c, Trailer::Kind::kCcStable);
    ASSERT_NE(cc, nullptr);
    EXPECT_EQ(cc->value, "stable@dpdk.org");
    EXPECT_NE(find_kind(c, Trailer::Kind::kFixes), nullptr);
    EXPECT_NE(find_kind(c, Trailer::Kind::kSignedOffBy), nullptr);
    // A prose paragraph that merely has a colon is not taken for trailers.
    auto prose = parse(
        "x: y\n\nNote: this is prose,\nand more prose here.\n\nCc: "
        "stable@dpdk.org\n\nSigned-off-by: W <w@x>\n");
    EXPECT_NE(find_kind(prose, Trailer::Kind::kCcStable), nullptr);
    size_t others = 0;
    for (auto& t : prose.trailers) others += t.key == "Note";
    EXPECT_EQ(others, 0u);
}

}  // namespace
}  // namespace stablepick
