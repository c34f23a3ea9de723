// Damaged and hostile files: a truncated mail archive, an endless device, a config with typos
// and wrong types, a stopped embed, a store reached through a symlink, an ambiguous prefix.
// Each is refused or skipped with a clear message and the right exit code; nothing is stored
// half-written.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "stablepick/store/sql.hpp"
#include "stablepick/store/store.hpp"
#include "support/known_history.hpp"

namespace stablepick {
namespace {

using testing::FixesAndFeatures;
using testing::run_stablepick;
using testing::TempDir;

std::string tip_mail(const std::string& id, const std::string& subject) {
    return fmt::format(
        "From tip-bot2@linutronix.de Mon Mar  9 19:59:52 2026\n"
        "Date: Mon, 09 Mar 2026 19:59:52 -0000\n"
        "Message-ID: <{}@tip>\n"
        "Subject: [tip: x86/urgent] {}\n\n"
        "Commit-ID:     {}\n"
        "Author:        Jane Dev <jane@example.org>\n"
        "AuthorDate:    Thu, 22 Jan 2026 22:44:04 +08:00\n"
        "Committer:     Boris <bp@example.org>\n"
        "CommitterDate: Fri, 06 Mar 2026 08:08:19 -08:00\n\n"
        "{}\n\nBody.\n---\n a.c | 2 ++\n\n"
        "diff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1,3 @@\n x\n+y\n+z\n",
        id.substr(0, 8), subject, id, subject);
}

// An archive cut inside the last mail's diff (a download that stopped, a full disk) once
// stored that commit with half a diff and no patch id, and importing the whole archive again
// kept the damaged row as "already present".
TEST(HostileFiles, TruncatedMboxIsNotStoredHalfWritten) {
    TempDir dir;
    std::string whole = tip_mail(std::string(40, 'a'), "x86: one") + "\n" +
                        tip_mail(std::string(40, 'b'), "x86: two");
    auto cut = dir.path() / "cut.mbox";
    std::ofstream(cut) << whole.substr(0, whole.size() - 3);  // "+z\n" is lost
    auto full = dir.path() / "whole.mbox";
    std::ofstream(full) << whole;
    auto db = (dir.path() / "s.sqlite").string();

    auto first = run_stablepick({"--db", db, "import", "mbox", cut.string(), "--json"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    auto j = nlohmann::json::parse(first.out);
    EXPECT_EQ(j["imported"], 1);
    EXPECT_EQ(j["cut_short"], 1);
    EXPECT_NE(first.err.find("end inside a diff"), std::string::npos) << first.err;
    EXPECT_NE(first.err.find("<bbbbbbbb@tip>"), std::string::npos) << first.err;
    EXPECT_EQ(run_stablepick({"--db", db, "resolve", "bbbbbbbb"}).exit_code, 3);

    auto again = run_stablepick({"--db", db, "import", "mbox", full.string(), "--json"});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    j = nlohmann::json::parse(again.out);
    EXPECT_EQ(j["imported"], 1);
    EXPECT_EQ(j["already_present"], 1);
    EXPECT_EQ(j["cut_short"], 0);
    EXPECT_EQ(run_stablepick({"--db", db, "resolve", "bbbbbbbb"}).exit_code, 0);
}

// `import mbox /dev/zero` once read the device into memory until it ran out (2.1 GB, then
// std::bad_alloc): an input whose first line never ends is no mailbox.
TEST(HostileFiles, EndlessInputIsNoMailbox) {
    TempDir dir;
    auto db = (dir.path() / "s.sqlite").string();
    auto r = run_stablepick({"-q", "--db", db, "import", "mbox", "/dev/zero"});
    EXPECT_EQ(r.exit_code, 8) << r.err;
    EXPECT_NE(r.err.find("'/dev/zero' is not an mbox file"), std::string::npos) << r.err;
}

// Unknown keys and sections were ignored (a typo, or a key pasted into the file), wrong types
// fell back to the default without a word, and max_diff_bytes = -1 marked every diff as cut.
TEST(HostileFiles, ConfigIsValidated) {
    TempDir dir;
    auto config = dir.path() / "c.toml";
    auto db = (dir.path() / "s.sqlite").string();
    auto check = [&](const std::string& text, const std::string& says) {
        std::ofstream(config) << text;
        auto r = run_stablepick({"--config", config.string(), "--db", db, "stats"});
        EXPECT_EQ(r.exit_code, 8) << text << r.err;
        EXPECT_NE(r.err.find(says), std::string::npos) << text << "\n" << r.err;
        return r.err;
    };
    check("[review]\nsendr = \"me <me@example.org>\"\n", "line 2: unknown key 'review.sendr'");
    check("[reveiw]\nsender = \"x\"\n", "unknown key 'reveiw'");
    check("[llm]\nmax_turns = \"many\"\n", "llm.max_turns must be a whole number, not a string");
    check("[index]\nmax_diff_bytes = -1\n", "index.max_diff_bytes must be positive, not -1");
    check("[review]\ncc_author = \"yes\"\n", "review.cc_author must be true or false");
    check("[branches]\nstable = \"v*-stable\"\n", "branches.stable must be a list of strings");
    check("[index]\nthreads = 99999999999\n", "index.threads must be at most");
    check("[[llm.providers]]\nurl = \"openai://h/m\"\nmax_tokns = 5\n",
          "unknown key 'llm.providers[1].max_tokns'");
    // A secret written into the file by mistake is named, never shown.
    auto err = check("key = \"sk-live-0123456789\"\n", "unknown key 'key'");
    EXPECT_EQ(err.find("sk-live"), std::string::npos) << err;
    err = check("[[llm.providers]]\nurl = \"openai://h/m\"\napi_key = \"sk-live-0123456789\"\n",
                "API keys are not read from files");
    EXPECT_EQ(err.find("sk-live"), std::string::npos) << err;
    // A whole and valid file still loads.
    std::ofstream(config) << "[review]\nsender = \"me <me@example.org>\"\ncc_author = false\n"
                             "[llm]\nmax_turns = 3\n[[llm.providers]]\nurl = \"openai://h/m\"\n"
                             "temperature = 0\ninput_price = 1.5\n";
    auto ok = run_stablepick({"--config", config.string(), "--db", db, "stats"});
    EXPECT_NE(ok.exit_code, 8) << ok.err;
}

// A store one run holds for writing is not written by a second run that reaches it through a
// symlink (both once ran; the second failed with a misleading I/O error).
TEST(HostileFiles, StoreLockHoldsThroughASymlink) {
    FixesAndFeatures h(40);
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "index", "--no-embed"}).exit_code, 0);
    auto db = Store::default_path(h.repo.path() / ".git");
    auto link = h.repo.path() / "link.sqlite";
    std::filesystem::create_symlink(db, link);
    auto held = Store::open(db, Store::Mode::kWrite);
    ASSERT_TRUE(held.has_value()) << held.error().message;
    auto second = run_stablepick(
        {"-q", "--db", link.string(), "decide", h.fixes[0], "--take", "--branch", "v1-stable"});
    EXPECT_EQ(second.exit_code, 5) << second.err;
    EXPECT_NE(second.err.find("in use by another stablepick run"), std::string::npos) << second.err;
}

// A prefix two stored commits share was reported as "not in the store" (exit 3).
TEST(HostileFiles, AmbiguousPrefixIsSaidSo) {
    FixesAndFeatures h;
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "index"}).exit_code, 0);
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "train"}).exit_code, 0);
    // 180 commits: some first hex digit starts two of them.
    std::map<char, int> first;
    for (auto& id : h.fixes) ++first[id[0]];
    for (auto& id : h.features) ++first[id[0]];
    char shared = 0;
    for (auto& [digit, n] : first)
        if (n > 1) shared = digit;
    ASSERT_NE(shared, 0);
    auto r = run_stablepick({"-q", "-C", h.dir(), "review", std::string(1, shared)});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("names more than one"), std::string::npos) << r.err;
}

// After a kill during `embed --refit`, `similar` answered from the few vectors written so far
// and `review` found its precedents among them, both without a word.
TEST(HostileFiles, StoppedEmbedIsNotSearched) {
    FixesAndFeatures h;
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "index"}).exit_code, 0);
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "train"}).exit_code, 0);
    auto db = Store::default_path(h.repo.path() / ".git");
    {
        // What a refit killed after its first batch leaves: the new model is current and its
        // vectors are partial.
        auto store = Store::open(db, Store::Mode::kWrite);
        ASSERT_TRUE(store.has_value());
        auto model = store->meta("embed_model");
        ASSERT_TRUE(model.has_value() && !model->empty());
        ASSERT_TRUE(store->set_meta("embedded_through", *model + " -1").has_value());
        ASSERT_TRUE(stablepick::store::connection_of(*store)
                        .exec("DELETE FROM embeddings WHERE commit_id % 2 = 0")
                        .has_value());
    }
    auto similar = run_stablepick({"-q", "-C", h.dir(), "similar", h.fixes.back()});
    EXPECT_EQ(similar.exit_code, 3) << similar.out << similar.err;
    EXPECT_NE(similar.err.find("incomplete"), std::string::npos) << similar.err;
    EXPECT_NE(similar.err.find("run 'stablepick embed'"), std::string::npos) << similar.err;
    auto review = run_stablepick({"-q", "-C", h.dir(), "review", h.fixes.back()});
    EXPECT_EQ(review.exit_code, 3) << review.err;
    EXPECT_NE(review.err.find("incomplete"), std::string::npos) << review.err;

    // Finishing the embed makes the vectors whole again, and both answer.
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "embed"}).exit_code, 0);
    EXPECT_EQ(run_stablepick({"-q", "-C", h.dir(), "similar", h.fixes.back()}).exit_code, 0);
    EXPECT_EQ(run_stablepick({"-q", "-C", h.dir(), "review", h.fixes.back()}).exit_code, 0);

    // A damaged vector (the wrong size) is refused by review as it is by similar.
    {
        auto store = Store::open(db, Store::Mode::kWrite);
        ASSERT_TRUE(store.has_value());
        ASSERT_TRUE(stablepick::store::connection_of(*store)
                        .exec("UPDATE embeddings SET vector = x'00000000' WHERE commit_id = "
                              "(SELECT MIN(commit_id) FROM embeddings)")
                        .has_value());
    }
    auto damaged = run_stablepick({"-q", "-C", h.dir(), "review", h.fixes.back()});
    EXPECT_EQ(damaged.exit_code, 6) << damaged.err;
    EXPECT_NE(damaged.err.find("embed --refit"), std::string::npos) << damaged.err;
}

}  // namespace
}  // namespace stablepick
