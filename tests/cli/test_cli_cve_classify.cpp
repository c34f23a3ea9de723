// `stablepick cve classify`: the CVE classifier trained on a history where every other fix got
// a CVE. Checks the decisions on new commits, the already-covered flags (a CVE of its own, the
// backport of a CVE fix, a revert, an earlier CVE fix of the same bug), the CVE-labelled
// precedents, the security prompt, an LLM voter answering the security question, and bad input.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/known_history.hpp"
#include "support/llm_server.hpp"

namespace stablepick {
namespace {

using testing::FixesAndFeatures;
using testing::kDay;
using testing::kStart;
using testing::LlmServer;
using testing::run_stablepick;

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The generated history (a fix every fifth day, all cherry-picked to v1-stable), with a CVE for
// every other fix, then the commits the test classifies.
struct CveHistory {
    FixesAndFeatures h{180};
    std::map<std::string, std::string> cve_of;  // fix -> CVE id
    std::string fresh_fix, feature, reverted, revert, same_bug, same_bug_first, stable_backport;

    CveHistory() {
        auto& r = h.repo;
        std::string list;
        for (size_t n = 0; n < h.fixes.size(); n += 2) {
            cve_of[h.fixes[n]] = fmt::format("CVE-2024-{}", 1000 + n);
            list += fmt::format("{}\t{}\n", cve_of[h.fixes[n]], h.fixes[n]);
        }
        int64_t when = kStart + 200 * kDay;
        auto tick = [&] { return when += kDay; };
        // The first CVE fix's Fixes: target, fixed again later.
        same_bug_first = h.fixes[0];
        std::string target_line =
            r.git({"log", "-1", "--format=%(trailers:key=Fixes,valueonly)", same_bug_first});
        target_line.erase(target_line.find_last_not_of("\n ") + 1);
        same_bug = r.commit("drivers/net/fix_again.c", "int again = 1;\n",
                            fmt::format("net: fix NULL pointer dereference in rx path again\n\n"
                                        "The rx path still crashes when the ring is empty.\n\n"
                                        "Fixes: {}\nSigned-off-by: Dev <dev@example.org>\n",
                                        target_line),
                            tick());
        fresh_fix = r.commit("drivers/net/fix_fresh.c", "int fresh = 1;\n",
                             "net: fix NULL pointer dereference in rx path 999\n\n"
                             "The rx path crashes when the ring is empty.\n\n"
                             "Fixes: " +
                                 h.features[5].substr(0, 12) +
                                 " (\"tools: add option\")\nSigned-off-by: Dev <dev@example.org>\n",
                             tick());
        feature = r.commit(
            "tools/option_999.c", "int option_999 = 999;\n",
            "tools: add option 999 to the builder\n\nA new feature for the builder.\n", tick());
        reverted = h.fixes[3];  // a fix without a CVE
        r.git({"revert", "--no-edit", reverted});
        revert = r.head();
        stable_backport = r.git({"log", "-1", "--format=%H", "--grep",
                                 "cherry picked from commit " + h.fixes[2], "v1-stable"});
        stable_backport.erase(stable_backport.find_last_not_of("\n ") + 1);
        std::ofstream(r.path() / "cves.tsv") << list;
    }
    std::string dir() const { return h.dir(); }
};

nlohmann::json classify(const CveHistory& c, std::vector<std::string> args) {
    std::vector<std::string> argv{"-q", "-C", c.dir(), "cve", "classify", "--json"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_stablepick(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
}

const nlohmann::json& by_id(const nlohmann::json& all, const std::string& id) {
    for (auto& j : all)
        if (j["id"] == id) return j;
    static nlohmann::json none;
    ADD_FAILURE() << "no result for " << id;
    return none;
}

class CliCveClassify : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        c_ = new CveHistory();
        ASSERT_EQ(run_stablepick({"-q", "-C", c_->dir(), "index"}).exit_code, 0);
        auto imported = run_stablepick({"-q", "-C", c_->dir(), "import", "cve-list",
                                        (c_->h.repo.path() / "cves.tsv").string()});
        ASSERT_EQ(imported.exit_code, 0) << imported.err;
        auto trained = run_stablepick({"-C", c_->dir(), "train", "--label", "cve"});
        ASSERT_EQ(trained.exit_code, 0) << trained.err;
        EXPECT_NE(trained.out.find("CVE fixes"), std::string::npos) << trained.out;
    }
    static void TearDownTestSuite() { delete c_; }
    static CveHistory* c_;
};
CveHistory* CliCveClassify::c_ = nullptr;

TEST_F(CliCveClassify, NewFixIsProposedAndFeatureIsNot) {
    auto all = classify(*c_, {c_->fresh_fix, c_->feature});
    ASSERT_EQ(all.size(), 2u);
    auto& fix = by_id(all, c_->fresh_fix);
    auto& feature = by_id(all, c_->feature);
    EXPECT_EQ(fix["decision"], "ASSIGN CVE");
    EXPECT_EQ(feature["decision"], "NO CVE NEEDED");
    EXPECT_GT(fix["probability"].get<double>(), feature["probability"].get<double>());
    EXPECT_TRUE(fix["covered"].empty());
    // The tally counts the offline voters of the ballot (knn and the model).
    EXPECT_EQ(fix["tally"]["answered"], 2);
    EXPECT_EQ(feature["tally"]["yes"], 0);
    // Precedents carry their CVE status and ids: the nearest fixes, half of them with a CVE.
    bool saw_cve = false;
    for (auto& p : fix["precedents"]) {
        EXPECT_EQ(p["cve"].get<bool>(), !p["cves"].empty());
        if (p["cve"].get<bool>()) {
            saw_cve = true;
            EXPECT_EQ(p["cves"][0], c_->cve_of.at(p["id"]));
        }
    }
    EXPECT_TRUE(saw_cve);
}

TEST_F(CliCveClassify, AlreadyCoveredCommitsAreFlaggedAndNotProposed) {
    auto all = classify(*c_, {c_->h.fixes[0], c_->reverted, c_->same_bug, c_->stable_backport});
    ASSERT_EQ(all.size(), 4u);
    // A CVE of its own.
    auto& own = by_id(all, c_->h.fixes[0]);
    EXPECT_EQ(own["decision"], "NO CVE NEEDED");
    ASSERT_EQ(own["covered"].size(), 1u);
    EXPECT_EQ(own["covered"][0]["kind"], "has-cve");
    EXPECT_EQ(own["covered"][0]["cves"], nlohmann::json::array({"CVE-2024-1000"}));
    EXPECT_EQ(own["related_cves"], nlohmann::json::array({"CVE-2024-1000"}));
    // Reverted.
    auto& reverted = by_id(all, c_->reverted);
    EXPECT_EQ(reverted["decision"], "NO CVE NEEDED");
    ASSERT_EQ(reverted["covered"].size(), 1u);
    EXPECT_EQ(reverted["covered"][0]["kind"], "reverted");
    EXPECT_EQ(reverted["covered"][0]["detail"], "reverted by " + c_->revert.substr(0, 12));
    // The same bug was fixed before by a fix with a CVE.
    auto& again = by_id(all, c_->same_bug);
    EXPECT_EQ(again["decision"], "NO CVE NEEDED");
    ASSERT_EQ(again["covered"].size(), 1u);
    EXPECT_EQ(again["covered"][0]["kind"], "bug-already-fixed");
    EXPECT_EQ(again["covered"][0]["cves"], nlohmann::json::array({"CVE-2024-1000"}));
    EXPECT_NE(
        again["covered"][0]["detail"].get<std::string>().find(c_->same_bug_first.substr(0, 12)),
        std::string::npos);
    // A stable commit stands for the main commit it backports, which has a CVE.
    auto& backport = by_id(all, c_->h.fixes[2]);
    EXPECT_EQ(backport["given"], c_->stable_backport);
    EXPECT_EQ(backport["decision"], "NO CVE NEEDED");
    ASSERT_EQ(backport["covered"].size(), 1u);
    EXPECT_EQ(backport["covered"][0]["kind"], "backport-of-cve-fix");
    EXPECT_EQ(backport["covered"][0]["cves"], nlohmann::json::array({"CVE-2024-1002"}));
}

TEST_F(CliCveClassify, TableSaysAssignOrNoCveWithVotes) {
    auto r =
        run_stablepick({"-q", "-C", c_->dir(), "cve", "classify", c_->fresh_fix, c_->h.fixes[0]});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("1 of 2 commits: ASSIGN CVE; 1 already covered"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("ASSIGN CVE"), std::string::npos);
    EXPECT_NE(r.out.find("already covered: already has CVE-2024-1000"), std::string::npos);
    EXPECT_NE(r.out.find("[CVE Status: YES] CVE-"), std::string::npos);
    EXPECT_NE(r.out.find("fixed CVEs"), std::string::npos);  // the voters speak of CVEs
    EXPECT_EQ(r.out.find("backported"), std::string::npos) << r.out;
}

TEST_F(CliCveClassify, SecurityPromptHasPolicyAndCveStatusOfPrecedents) {
    testing::TempDir out;
    auto r = run_stablepick({"-q", "-C", c_->dir(), "cve", "classify", c_->fresh_fix,
                             "--make-prompt", out.path().string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto prompt = slurp(out.path() / (c_->fresh_fix + ".prompt.md"));
    EXPECT_NE(prompt.find("## CVE policy"), std::string::npos);
    EXPECT_NE(prompt.find("memory leaks and reference-count leaks count when an attacker"),
              std::string::npos);
    EXPECT_NE(prompt.find("physical access"), std::string::npos);
    EXPECT_NE(prompt.find("[CVE Status: YES] CVE-2024-"), std::string::npos);
    EXPECT_NE(prompt.find("[CVE Status: NO]"), std::string::npos);
    EXPECT_NE(prompt.find("\"attack_vector\""), std::string::npos);
    EXPECT_NE(prompt.find("Does commit " + c_->fresh_fix + " fix a vulnerability"),
              std::string::npos);
    EXPECT_EQ(prompt.find("[Backported:"), std::string::npos);
}

TEST_F(CliCveClassify, LlmVoterAnswersTheSecurityQuestion) {
    LlmServer openai(LlmServer::Kind::kOpenAi, [](const nlohmann::json& body, int) {
        auto user = LlmServer::user_text(body);
        bool question = user.find("fix a vulnerability that should get a CVE") != std::string::npos;
        return LlmServer::Reply{
            .text =
                question
                    ? R"({"decision": "YES", "confidence": 0.8, "root_cause": "NULL ring pointer", "attack_vector": "remote", "privileges": "none", "impact": "denial of service", "reasons": ["a remote crash"]})"
                    : R"({"decision": "NO"})"};
    });
    auto r = run_stablepick({"-q", "-C", c_->dir(), "cve", "classify", "--json", "--llm",
                             openai.url("sec-model"), c_->fresh_fix});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto all = nlohmann::json::parse(r.out);
    ASSERT_EQ(all.size(), 1u);
    auto& j = all[0];
    EXPECT_EQ(j["tally"]["answered"], 3);
    auto& llm = j["votes"][2];
    EXPECT_EQ(llm["verdict"], "yes");
    auto explanation = llm["explanation"].get<std::string>();
    EXPECT_NE(explanation.find("root cause: NULL ring pointer"), std::string::npos) << explanation;
    EXPECT_NE(explanation.find("attack vector: remote"), std::string::npos);
    EXPECT_NE(explanation.find("impact: denial of service"), std::string::npos);
}

TEST_F(CliCveClassify, BadInput) {
    auto unknown = run_stablepick({"-q", "-C", c_->dir(), "cve", "classify", "deadbeefdead"});
    EXPECT_EQ(unknown.exit_code, 3);
    EXPECT_NE(unknown.err.find("deadbeefdead"), std::string::npos) << unknown.err;
    auto no_args = run_stablepick({"-q", "-C", c_->dir(), "cve", "classify"});
    EXPECT_EQ(no_args.exit_code, 2);
}

TEST(CliCveClassifyUntrained, SaysHowToTrain) {
    FixesAndFeatures h(60);
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "index"}).exit_code, 0);
    auto r = run_stablepick({"-q", "-C", h.dir(), "cve", "classify", h.fixes[0]});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("stablepick train --label cve"), std::string::npos) << r.err;
    auto t = run_stablepick({"-q", "-C", h.dir(), "train", "--label", "cve"});
    EXPECT_EQ(t.exit_code, 3);
    EXPECT_NE(t.err.find("import CVEs first"), std::string::npos) << t.err;
}

}  // namespace
}  // namespace stablepick
