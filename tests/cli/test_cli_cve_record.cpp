// `stablepick cve record`: the CVE JSON 5.1 record and the announcement on the kernel-like
// history (a fix backported to some branches and not others, a reverted backport, a Fixes:
// target that was itself backported), checked field by field; the schema check with valijson;
// bad input (malformed and rejected ids, a backport given as the fix, an unwritable --out).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "stablepick/cve/schema_check.hpp"
#include "support/cve_history.hpp"
#include "support/mail_check.hpp"

namespace stablepick {
namespace {

using testing::KernelLike;
using testing::run_stablepick;
using testing::TempDir;

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write(const std::filesystem::path& p, const std::string& text) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

class CliCveRecord : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        k_ = new KernelLike();
        ASSERT_EQ(run_stablepick({"-q", "-C", k_->dir(), "index"}).exit_code, 0);
        config_ = new std::filesystem::path(k_->r.path() / "cve.toml");
        write(*config_, R"([cve]
product = "Proj"
vendor = "Proj"
repo_url = "https://git.example.org/proj"
commit_url = "https://git.example.org/proj/commit/?id={sha}"
org_id = "f4215fc3-5b6b-47ff-a258-f7189bd81038"
cna_name = "Proj CVE team"
sender = "Proj CVE team <cve@example.org>"
announce_to = ["proj-cve-announce@example.org"]
)");
    }
    static void TearDownTestSuite() {
        delete k_;
        delete config_;
    }
    static testing::RunResult record(std::vector<std::string> args) {
        std::vector<std::string> argv{"--config", config_->string(), "-C", k_->dir(),
                                      "cve",      "record"};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_stablepick(argv);
    }
    static KernelLike* k_;
    static std::filesystem::path* config_;
};
KernelLike* CliCveRecord::k_ = nullptr;
std::filesystem::path* CliCveRecord::config_ = nullptr;

TEST_F(CliCveRecord, RecordHasEveryRangeFileAndFix) {
    auto& k = *k_;
    auto r = record({k.f, "--cve", "CVE-2025-1234"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("record not validated: no schema"), std::string::npos) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["dataType"], "CVE_RECORD");
    EXPECT_EQ(j["dataVersion"], "5.1");
    EXPECT_EQ(j["cveMetadata"],
              (nlohmann::json{{"cveId", "CVE-2025-1234"},
                              {"assignerOrgId", "f4215fc3-5b6b-47ff-a258-f7189bd81038"},
                              {"state", "PUBLISHED"}}));
    auto& cna = j["containers"]["cna"];
    EXPECT_EQ(cna["title"], "core: fix the cache");
    EXPECT_EQ(cna["descriptions"][0]["value"],
              "In Proj, the following vulnerability has been resolved:\n\ncore: fix the cache");
    auto git = [](const std::string& from, const std::string& to) {
        nlohmann::json v{{"version", from}, {"status", "affected"}, {"versionType", "git"}};
        if (!to.empty()) v["lessThan"] = to;
        return v;
    };
    auto& commits = cna["affected"][0];
    EXPECT_EQ(commits["defaultStatus"], "unaffected");
    EXPECT_EQ(commits["repo"], "https://git.example.org/proj");
    EXPECT_EQ(commits["programFiles"], nlohmann::json::array({"cache.c"}));
    EXPECT_EQ(commits["versions"],
              nlohmann::json::array({git(k.v_on_10, k.f_on_10), git(k.v, k.f_on_11), git(k.v, k.f),
                                     git(k.v, "")}));  // 1.2.y (reverted) and stable-1.2: once
    auto& versions = cna["affected"][1];
    EXPECT_EQ(versions["defaultStatus"], "affected");
    EXPECT_EQ(versions["versions"], nlohmann::json::parse(R"([
                {"version": "1.1", "status": "affected"},
                {"version": "0", "lessThan": "1.1", "status": "unaffected", "versionType": "semver"},
                {"version": "1.0.2", "lessThan": "1.0.3", "status": "affected", "versionType": "semver"},
                {"version": "1.1.2", "lessThanOrEqual": "1.1.*", "status": "unaffected", "versionType": "semver"},
                {"version": "1.3", "lessThanOrEqual": "*", "status": "unaffected", "versionType": "original_commit_for_fix"}
              ])"));
    nlohmann::json refs = nlohmann::json::array();
    for (auto* sha : {&k.f_on_10, &k.f_on_11, &k.f})
        refs.push_back({{"url", "https://git.example.org/proj/commit/?id=" + *sha}});
    EXPECT_EQ(cna["references"], refs);
}

TEST_F(CliCveRecord, UnknownOriginIsTheFirstCommit) {
    // No Fixes: tag: the git range starts at the main line's first commit, as bippy starts the
    // kernel's at 1da177e4c3f4; the dyad line keeps "0".
    auto& k = *k_;
    auto r = record({k.other, "--cve", "CVE-2025-4321"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    auto& commits = j["containers"]["cna"]["affected"][0];
    EXPECT_EQ(commits["versions"], (nlohmann::json{{{"version", k.root},
                                                    {"status", "affected"},
                                                    {"versionType", "git"},
                                                    {"lessThan", k.other}}}))
        << commits.dump(2);
    auto dyad = run_stablepick({"-C", k.dir(), "cve", "ranges", k.other, "--dyad"});
    EXPECT_EQ(dyad.out, fmt::format("0:0:1.2:{}\n", k.other));
}

TEST_F(CliCveRecord, AnnouncementSaysWhatIsAffectedAndWhereTheFixesAre) {
    auto& k = *k_;
    auto r = record({k.f, "--cve", "CVE-2025-1234", "--mail"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto& m = r.out;
    EXPECT_NE(m.find("From: Proj CVE team <cve@example.org>\nTo: proj-cve-announce@example.org\n"
                     "Subject: CVE-2025-1234: core: fix the cache\n"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("The Proj CVE team has assigned CVE-2025-1234 to this issue."),
              std::string::npos);
    std::string affected = fmt::format(
        "Affected and fixed versions\n===========================\n\n"
        "\tIssue introduced in 1.0.2 with commit {} and fixed in 1.0.3 with commit {}\n"
        "\tIssue introduced in 1.1 with commit {} and fixed in 1.1.2 with commit {}\n"
        "\tIssue introduced in 1.1 with commit {} and fixed in 1.3 with commit {}\n"
        "\tIssue introduced in 1.1 with commit {}\n",
        k.v_on_10, k.f_on_10, k.v, k.f_on_11, k.v, k.f, k.v);
    EXPECT_NE(m.find(affected), std::string::npos) << m;
    EXPECT_NE(m.find("The file(s) affected by this issue are:\n\tcache.c\n"), std::string::npos);
    EXPECT_NE(m.find("Mitigation\n=========="), std::string::npos);
    EXPECT_NE(m.find("\thttps://git.example.org/proj/commit/?id=" + k.f_on_11 + "\n"),
              std::string::npos);
}

TEST_F(CliCveRecord, OutWritesBothFilesAndAnInvalidRecordNothing) {
    auto& k = *k_;
    TempDir out;
    auto ok = record({k.f, "--cve", "CVE-2025-1234", "--out", out.path().string()});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_TRUE(std::filesystem::exists(out.path() / "CVE-2025-1234.json"));
    EXPECT_TRUE(std::filesystem::exists(out.path() / "CVE-2025-1234.mbox"));
    // A schema the record can't meet: nothing is written, the problem is named.
    write(out.path() / "strict.json",
          R"({"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
              "required": ["dataVersion"], "properties": {"dataVersion": {"enum": ["9.9"]}}})");
    TempDir out2;
    auto bad = record({k.f, "--cve", "CVE-2025-1234", "--out", out2.path().string(), "--schema",
                       (out.path() / "strict.json").string()});
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.err.find("/dataVersion"), std::string::npos) << bad.err;
    EXPECT_NE(bad.err.find("nothing written"), std::string::npos) << bad.err;
    EXPECT_TRUE(std::filesystem::is_empty(out2.path()));
}

TEST_F(CliCveRecord, BadInput) {
    auto& k = *k_;
    auto id = record({k.f, "--cve", "CVE-25-1"});
    EXPECT_EQ(id.exit_code, 8);
    EXPECT_NE(id.err.find("'CVE-25-1' is not a CVE id"), std::string::npos) << id.err;
    auto backport = record({k.f_on_11, "--cve", "CVE-2025-1234"});
    EXPECT_EQ(backport.exit_code, 3);
    EXPECT_NE(backport.err.find("is not on the main branch"), std::string::npos);
    // An unwritable --out (a file where the directory should be): nothing left behind.
    auto file = k.r.path() / "not-a-dir";
    write(file, "x");
    auto unwritable = record({k.f, "--cve", "CVE-2025-1234", "--out", (file / "sub").string()});
    EXPECT_EQ(unwritable.exit_code, 7) << unwritable.err;
    EXPECT_EQ(slurp(file), "x");
    auto schema = record({k.f, "--cve", "CVE-2025-1234", "--schema", "/nonexistent.json"});
    EXPECT_EQ(schema.exit_code, 3);
    EXPECT_NE(schema.err.find("cannot read schema '/nonexistent.json'"), std::string::npos);
    auto no_url = run_stablepick({"-C", k.dir(), "cve", "record", k.f, "--cve", "CVE-2025-1234"});
    EXPECT_EQ(no_url.exit_code, 8);
    EXPECT_NE(no_url.err.find("--repo-url"), std::string::npos) << no_url.err;
}

TEST(CliCveRecordRejected, RejectedIdIsRefused) {
    KernelLike k;
    ASSERT_EQ(run_stablepick({"-q", "-C", k.dir(), "index", "--no-embed"}).exit_code, 0);
    TempDir vulns;
    write(vulns.path() / "cve/published/2025/CVE-2025-0001.sha1", k.f + "\n");
    write(vulns.path() / "cve/rejected/2025/CVE-2025-0009", "");
    ASSERT_EQ(
        run_stablepick({"-q", "-C", k.dir(), "import", "vulns", vulns.path().string()}).exit_code,
        0);
    auto r = run_stablepick({"-C", k.dir(), "cve", "record", k.f, "--cve", "CVE-2025-0009",
                             "--repo-url", "https://github.com/example/p", "--product", "P",
                             "--vendor", "P", "--org-id", "f4215fc3-5b6b-47ff-a258-f7189bd81038"});
    EXPECT_EQ(r.exit_code, 8);
    EXPECT_NE(r.err.find("CVE-2025-0009 was rejected"), std::string::npos) << r.err;
    // An id the store knows for another fix: said, not refused.
    auto other =
        run_stablepick({"-C", k.dir(), "cve", "record", k.other, "--cve", "CVE-2025-0001",
                        "--repo-url", "https://github.com/example/p", "--product", "P", "--vendor",
                        "P", "--org-id", "f4215fc3-5b6b-47ff-a258-f7189bd81038"});
    EXPECT_EQ(other.exit_code, 0) << other.err;
    EXPECT_NE(other.err.find("CVE-2025-0001 is already known as the CVE of " + k.f.substr(0, 12)),
              std::string::npos)
        << other.err;
}

// Nothing in a record is guessed: without product, vendor, the CNA's orgId and URLs given (by
// flags or config), nothing is written and the message names every one missing; a placeholder
// orgId counts as missing; a commit URL is derived only for hosts whose form is known.
TEST(CliCveRecordRefused, PlaceholdersAndGuessesAreRefusedNamingWhatIsMissing) {
    KernelLike k;
    ASSERT_EQ(run_stablepick({"-q", "-C", k.dir(), "index", "--no-embed"}).exit_code, 0);
    auto record = [&](std::vector<std::string> args, const std::string& config = "") {
        std::vector<std::string> argv;
        if (!config.empty()) {
            write(k.r.path() / "c.toml", config);
            argv = {"--config", (k.r.path() / "c.toml").string()};
        }
        std::vector<std::string> command{"-C", k.dir(), "cve",          "record",
                                         k.f,  "--cve", "CVE-2025-1234"};
        argv.insert(argv.end(), command.begin(), command.end());
        argv.insert(argv.end(), args.begin(), args.end());
        return run_stablepick(argv);
    };
    auto bare = record({});
    EXPECT_EQ(bare.exit_code, 8);
    EXPECT_EQ(bare.err,
              "error: cannot write the record for CVE-2025-1234: missing product (--product or "
              "cve.product), vendor (--vendor or cve.vendor), the CNA's orgId (--org-id or "
              "cve.org_id), the repository's public URL (--repo-url or cve.repo_url)\n");
    EXPECT_EQ(bare.out, "");

    // The placeholder orgId of old configs, and a host whose commit URLs can't be told.
    auto placeholder = record(
        {"--product", "Proj", "--vendor", "Proj", "--repo-url", "https://git.example.org/proj"},
        "[cve]\norg_id = \"00000000-0000-4000-8000-000000000000\"\n");
    EXPECT_EQ(placeholder.exit_code, 8);
    EXPECT_EQ(placeholder.err,
              "error: cannot write the record for CVE-2025-1234: missing the CNA's orgId "
              "(--org-id or cve.org_id), a fix commit's URL, with {sha} (--commit-url or "
              "cve.commit_url; it can't be told from 'https://git.example.org/proj')\n");

    std::vector<std::string> given{"--product", "Proj",     "--vendor",
                                   "Proj",      "--org-id", "f4215fc3-5b6b-47ff-a258-f7189bd81038"};
    auto with = [&](std::vector<std::string> more) {
        std::vector<std::string> all = given;
        all.insert(all.end(), more.begin(), more.end());
        return all;
    };
    auto bad_uuid = record({"--product", "Proj", "--vendor", "Proj", "--org-id", "cna-of-proj",
                            "--repo-url", "https://github.com/proj/proj"});
    EXPECT_EQ(bad_uuid.exit_code, 8);
    EXPECT_EQ(bad_uuid.err, "error: the CNA's orgId 'cna-of-proj' is not a UUID\n");
    auto no_sha = record(with({"--repo-url", "https://git.example.org/proj", "--commit-url",
                               "https://git.example.org/proj/commit"}));
    EXPECT_EQ(no_sha.exit_code, 8);
    EXPECT_EQ(no_sha.err,
              "error: the commit URL 'https://git.example.org/proj/commit' has no {sha} for the "
              "fix's id\n");
    // The mail needs a sender; --out writes nothing when anything is missing.
    testing::TempDir out;
    auto no_sender = record(with({"--repo-url", "https://github.com/proj/proj", "--out",
                                  (out.path() / "records").string()}));
    EXPECT_EQ(no_sender.exit_code, 8);
    EXPECT_EQ(no_sender.err,
              "error: cannot write the record for CVE-2025-1234: missing the announcement's "
              "sender (cve.sender)\n");
    EXPECT_FALSE(std::filesystem::exists(out.path() / "records"));

    // Everything given: GitHub's commit URLs, the product and vendor as given.
    auto ok = record(with({"--repo-url", "https://github.com/proj/proj"}));
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    auto j = nlohmann::json::parse(ok.out);
    EXPECT_EQ(j["containers"]["cna"]["affected"][0]["product"], "Proj");
    EXPECT_EQ(j["containers"]["cna"]["providerMetadata"]["orgId"],
              "f4215fc3-5b6b-47ff-a258-f7189bd81038");
    EXPECT_EQ(j["containers"]["cna"]["references"].back()["url"],
              "https://github.com/proj/proj/commit/" + k.f);
    auto gitlab = record(with({"--repo-url", "https://gitlab.example.org/proj/proj"}));
    ASSERT_EQ(gitlab.exit_code, 0) << gitlab.err;
    EXPECT_EQ(nlohmann::json::parse(gitlab.out)["containers"]["cna"]["references"].back()["url"],
              "https://gitlab.example.org/proj/proj/-/commit/" + k.f);
}

// A fix whose subject is not UTF-8 and whose message carries a second mail: the announcement
// is one mail with an ASCII Subject:, and recipients that are no address are left out.
TEST(CliCveRecordMail, HostileFixMessageStaysOneMailWithAnAsciiSubject) {
    KernelLike k;
    k.r.commit("cache.c", "int cache = 2;\n", "core: fix the cache again\n");
    // git commit would take the bytes for Latin-1 and convert them; a commit that says its
    // encoding is kept as it is, and libgit2 gives the raw bytes.
    k.r.git({"-c", "i18n.commitEncoding=ISO-8859-1", "commit", "-q", "--amend", "-m",
             fmt::format("core: fix the \xFF\xFE cache\n\nThe cache breaks.\n\n"
                         "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n"
                         "From: Mallory <mallory@example.com>\nBcc: attacker@example.com\n"
                         "Subject: smuggled\n\nSmuggled.\n---\ndiff --git a/INJECTED b/INJECTED\n\n"
                         "Fixes: {} (\"core: add a cache\")\n",
                         k.v.substr(0, 12))});
    std::string fix = k.r.head();
    ASSERT_EQ(run_stablepick({"-q", "-C", k.dir(), "index", "--no-embed"}).exit_code, 0);
    auto config = k.r.path() / "cve.toml";
    write(config, R"([cve]
sender = "Proj CVE team <cve@example.org>"
announce_to = ["announce@example.org", "evil@example.org\rBcc: attacker@example.com"]
)");
    auto r = run_stablepick({"--config", config.string(), "-C", k.dir(), "cve", "record", fix,
                             "--cve", "CVE-2025-4321", "--mail", "--repo-url",
                             "https://github.com/example/p", "--product", "P", "--vendor", "P",
                             "--org-id", "f4215fc3-5b6b-47ff-a258-f7189bd81038"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("warning: left out of To: cve.announce_to 'evil@example.org\\rBcc: "
                         "attacker@example.com' has control characters in its address"),
              std::string::npos)
        << r.err;
    for (auto& line : testing::header_lines(r.out))
        for (unsigned char c : line) ASSERT_TRUE(c >= 0x20 && c < 0x7F) << line;
    TempDir dir;
    write(dir.path() / "mbox", r.out);
    ASSERT_EQ(testing::mailsplit(dir.path() / "mbox").size(), 1u) << r.out;
    auto parsed = testing::python_parse(r.out);
    EXPECT_EQ(parsed["headers"],
              nlohmann::json::parse(R"(["From", "To", "Subject", "MIME-Version", "Content-Type",
                                        "Content-Transfer-Encoding"])"));
    EXPECT_EQ(parsed["subject"], "CVE-2025-4321: core: fix the \uFFFD\uFFFD cache");
    EXPECT_EQ(parsed["to"], nlohmann::json::parse(R"([["", "announce@example.org"]])"));
    EXPECT_TRUE(parsed["bcc"].empty());
    EXPECT_TRUE(parsed["defects"].empty()) << parsed["defects"].dump();
    auto body = parsed["body"].get<std::string>();
    EXPECT_NE(body.find("\n>From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 "),
              std::string::npos)
        << body;
    EXPECT_NE(body.find("\n ---\n diff --git a/INJECTED"), std::string::npos) << body;
    // The record is valid JSON with the replacement characters.
    auto json =
        run_stablepick({"--config", config.string(), "-C", k.dir(), "cve", "record", fix, "--cve",
                        "CVE-2025-4321", "--repo-url", "https://github.com/example/p", "--product",
                        "P", "--vendor", "P", "--org-id", "f4215fc3-5b6b-47ff-a258-f7189bd81038"});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    EXPECT_EQ(nlohmann::json::parse(json.out)["containers"]["cna"]["title"],
              "core: fix the \uFFFD\uFFFD cache");
    // A sender that is no address: no mail.
    write(config, "[cve]\nsender = \"CVE team <cve@example.org>\\nBcc: attacker@example.com\"\n");
    auto bad = run_stablepick({"--config", config.string(), "-C", k.dir(), "cve", "record", fix,
                               "--cve", "CVE-2025-4321", "--mail", "--repo-url",
                               "https://github.com/example/p", "--product", "P", "--vendor", "P",
                               "--org-id", "f4215fc3-5b6b-47ff-a258-f7189bd81038"});
    EXPECT_EQ(bad.exit_code, 8) << bad.out;
    EXPECT_NE(bad.err.find("error: cve.sender 'CVE team <cve@example.org>\\nBcc: "
                           "attacker@example.com' has control characters in its address"),
              std::string::npos)
        << bad.err;
    EXPECT_TRUE(bad.out.empty()) << bad.out;
}

// A record checked the way RecordValidatesAgainstThePublishedSchema does: as a 5.0 record,
// open git ranges without the versionType 5.0 did not allow there.
void expect_valid_as_5_0(nlohmann::json record) {
    std::filesystem::path schema =
        "/usr/lib/python3/dist-packages/cvelib/schemas/CVE_JSON_5.0_bundled_5.0.0.json";
    if (!std::filesystem::exists(schema)) return;
    record["dataVersion"] = "5.0";
    for (auto& v : record["containers"]["cna"]["affected"][0]["versions"])
        if (!v.contains("lessThan")) v.erase("versionType");
    auto check = cve::check_against_schema(record, schema);
    ASSERT_TRUE(check.has_value()) << check.error().message;
    for (auto& v : check->violations) ADD_FAILURE() << v.path << ": " << v.message;
}

// What a record needs besides the fix and the id.
const std::vector<std::string> kRecordFlags{
    "--repo-url", "https://github.com/example/p",        "--product", "P", "--vendor", "P",
    "--org-id",   "f4215fc3-5b6b-47ff-a258-f7189bd81038"};

// A stable branch that took the bug (a backport of the culprit) and has no fix yet: the
// record says so in both lists, and still validates. Main: v1.0, V, v1.1, F (Fixes: V), v1.2;
// linux-1.0.y: v1.0.1, V backported, v1.0.2, nothing more.
TEST(CliCveRecordUnfixed, BranchWithTheBugAndNoFixValidates) {
    testing::FixtureRepo r{"master"};
    r.commit("core.c", "int core;\n", "core: start\n");
    r.git({"tag", "v1.0"});
    r.git({"branch", "linux-1.0.y"});
    auto v = r.commit("cache.c", "int cache;\n", "core: add a cache\n");
    r.git({"tag", "v1.1"});
    auto f = r.commit(
        "cache.c", "int cache = 0;\n",
        fmt::format("core: fix the cache\n\nFixes: {} (\"core: add a cache\")\n", v.substr(0, 12)));
    r.git({"tag", "v1.2"});
    r.checkout("linux-1.0.y");
    r.commit("core.c", "int core = 1;\n", "core: a stable fix\n");
    r.git({"tag", "v1.0.1"});
    auto v_on_10 = r.cherry_pick_x(v);
    r.git({"tag", "v1.0.2"});
    r.checkout("master");
    auto dir = r.path().string();
    ASSERT_EQ(run_stablepick({"-q", "-C", dir, "index", "--no-embed"}).exit_code, 0);
    std::vector<std::string> args{"-C", dir, "cve", "record", f, "--cve", "CVE-2025-7777"};
    args.insert(args.end(), kRecordFlags.begin(), kRecordFlags.end());
    auto out = run_stablepick(args);
    ASSERT_EQ(out.exit_code, 0) << out.err;
    auto record = nlohmann::json::parse(out.out);
    auto& affected = record["containers"]["cna"]["affected"];
    // The branch's git entry: affected from the backported culprit, no end.
    nlohmann::json open_git{{"version", v_on_10}, {"status", "affected"}, {"versionType", "git"}};
    EXPECT_NE(std::ranges::find(affected[0]["versions"], open_git), affected[0]["versions"].end())
        << affected[0].dump(2);
    for (auto& e : affected[0]["versions"]) {
        if (e["version"] == v_on_10) {
            EXPECT_FALSE(e.contains("lessThan")) << e.dump();
            EXPECT_FALSE(e.contains("lessThanOrEqual")) << e.dump();
        }
    }
    // Its release numbers: affected from 1.0.2, the release that brought the bug, on; no fix
    // release ends it.
    nlohmann::json open_release{{"version", "1.0.2"},
                                {"lessThanOrEqual", "1.0.*"},
                                {"status", "affected"},
                                {"versionType", "semver"}};
    EXPECT_NE(std::ranges::find(affected[1]["versions"], open_release),
              affected[1]["versions"].end())
        << affected[1].dump(2);
    for (auto& e : affected[1]["versions"]) {
        if (e["version"] == "1.0.2") {
            EXPECT_FALSE(e.contains("lessThan")) << e.dump();
        }
    }
    expect_valid_as_5_0(record);
}

// HEAD with its message replaced by `message`, byte for byte: `git commit` would turn bytes
// that are not UTF-8 into the Latin-1 characters they would be, so the object is written with
// `git hash-object`. Returns the new id.
std::string amend_raw_message(testing::FixtureRepo& r, const std::string& message) {
    auto object = r.git({"cat-file", "commit", "HEAD"}) + "\n";
    object = object.substr(0, object.find("\n\n") + 2) + message;
    auto written = testing::run_program({"git", "hash-object", "-t", "commit", "-w", "--stdin"},
                                        r.path(), object);
    EXPECT_EQ(written.exit_code, 0) << written.err;
    std::string id = written.out.substr(0, 40);
    r.git({"update-ref", "HEAD", id});
    return id;
}

// A fix whose message is not UTF-8 (bytes 0xff 0xfe, as a Latin-1 editor or a broken mailer
// leaves them): the record, the mail and resolve's JSON carry U+FFFD instead, and nothing
// fails on the way.
TEST(CliCveRecordEncoding, MessageThatIsNotUtf8) {
    testing::FixtureRepo r{"master"};
    r.commit("core.c", "int core;\n", "core: start\n");
    r.git({"tag", "v1.0"});
    auto v = r.commit("cache.c", "int cache;\n", "core: add a cache\n");
    r.git({"tag", "v1.1"});
    r.commit("cache.c", "int cache = 0;\n", "placeholder\n");
    auto f = amend_raw_message(
        r, fmt::format("core: fix the \xFF\xFE cache\n\nThe \xFF\xFE cache was never set.\n\n"
                       "Fixes: {} (\"core: add a cache\")\n",
                       v.substr(0, 12)));
    r.git({"tag", "v1.2"});
    auto dir = r.path().string();
    ASSERT_EQ(run_stablepick({"-q", "-C", dir, "index", "--no-embed"}).exit_code, 0);
    const std::string replaced = "\xEF\xBF\xBD\xEF\xBF\xBD";

    std::vector<std::string> args{"-C", dir, "cve", "record", f, "--cve", "CVE-2025-8888"};
    args.insert(args.end(), kRecordFlags.begin(), kRecordFlags.end());
    auto out = run_stablepick(args);
    ASSERT_EQ(out.exit_code, 0) << out.err;
    auto record = nlohmann::json::parse(out.out);
    auto& cna = record["containers"]["cna"];
    EXPECT_EQ(cna["title"], "core: fix the " + replaced + " cache");
    EXPECT_NE(cna["descriptions"][0]["value"].get<std::string>().find("The " + replaced +
                                                                      " cache was never set."),
              std::string::npos)
        << cna["descriptions"].dump();
    expect_valid_as_5_0(record);

    auto config = r.path() / "cve.toml";
    write(config, "[cve]\nsender = \"P CVE team <cve@example.org>\"\n");
    std::vector<std::string> mail_args{"--config", config.string()};
    mail_args.insert(mail_args.end(), args.begin(), args.end());
    mail_args.push_back("--mail");
    auto mail = run_stablepick(mail_args);
    ASSERT_EQ(mail.exit_code, 0) << mail.err;
    auto head = mail.out.substr(0, mail.out.find("\n\n"));
    EXPECT_EQ(head.find('\xFF'), std::string::npos) << head;
    EXPECT_NE(head.find("Subject: CVE-2025-8888: "), std::string::npos) << head;
    EXPECT_NE(head.find("=?UTF-8?q?"), std::string::npos) << head;  // U+FFFD, encoded
    EXPECT_EQ(mail.out.find('\xFF'), std::string::npos);

    for (auto* where : {"--no-store", ""}) {
        std::vector<std::string> resolve{"-C", dir, "resolve", f.substr(0, 10), "--json"};
        if (*where) resolve.push_back(where);
        auto res = run_stablepick(resolve);
        ASSERT_EQ(res.exit_code, 0) << where << ": " << res.err;
        auto j = nlohmann::json::parse(res.out);
        ASSERT_EQ(j.size(), 1u) << res.out;
        EXPECT_EQ(j[0]["subject"], "core: fix the " + replaced + " cache") << where;
    }
}

// The CVE schema through valijson: the published 5.0 schema Debian ships (python3-cvelib),
// a missing referenced part, and a violation named by its path.
TEST(CveSchemaCheck, RecordValidatesAgainstThePublishedSchema) {
    std::filesystem::path schema =
        "/usr/lib/python3/dist-packages/cvelib/schemas/CVE_JSON_5.0_bundled_5.0.0.json";
    if (!std::filesystem::exists(schema)) GTEST_SKIP() << "no " << schema;
    KernelLike k;
    ASSERT_EQ(run_stablepick({"-q", "-C", k.dir(), "index", "--no-embed"}).exit_code, 0);
    auto r = run_stablepick({"-C", k.dir(), "cve", "record", k.f, "--cve", "CVE-2025-1234",
                             "--repo-url", "https://github.com/example/p", "--product", "P",
                             "--vendor", "P", "--org-id", "f4215fc3-5b6b-47ff-a258-f7189bd81038"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto record = nlohmann::json::parse(r.out);
    // Debian packages only the 5.0 schema, whose dataVersion must be "5.0". The one thing 5.1
    // added that the record uses: an open git range (a branch never fixed) carries its
    // versionType; 5.0 wanted a range end with it. The rest is checked as a 5.0 record (the
    // 5.1.1 schema itself is checked on the glibc advisories, docs/EVALUATION.md).
    record["dataVersion"] = "5.0";
    for (auto& v : record["containers"]["cna"]["affected"][0]["versions"])
        if (!v.contains("lessThan")) v.erase("versionType");
    auto check = cve::check_against_schema(record, schema);
    ASSERT_TRUE(check.has_value()) << check.error().message;
    for (auto& v : check->violations) ADD_FAILURE() << v.path << ": " << v.message;
    record["containers"]["cna"]["affected"][0].erase("product");
    record["containers"]["cna"]["affected"][0].erase("vendor");
    auto broken = cve::check_against_schema(record, schema);
    ASSERT_TRUE(broken.has_value());
    EXPECT_FALSE(broken->violations.empty());
}

TEST(CveSchemaCheck, MissingReferencedSchemaIsReportedNotFatal) {
    TempDir dir;
    write(dir.path() / "s.json", R"({"type": "object",
        "properties": {"metrics": {"$ref": "file:imports/cvss.json"},
                       "id": {"type": "string", "pattern": "^CVE-"}},
        "required": ["id"]})");
    auto ok = cve::check_against_schema(nlohmann::json{{"id", "CVE-1"}}, dir.path() / "s.json");
    ASSERT_TRUE(ok.has_value()) << ok.error().message;
    EXPECT_TRUE(ok->violations.empty());
    EXPECT_EQ(ok->not_checked, std::vector<std::string>{"file:imports/cvss.json"});
    auto bad = cve::check_against_schema(nlohmann::json{{"id", "X"}}, dir.path() / "s.json");
    ASSERT_TRUE(bad.has_value());
    ASSERT_FALSE(bad->violations.empty());
    EXPECT_EQ(bad->violations.front().path, "/id");
    write(dir.path() / "broken.json", "{not json");
    auto broken = cve::check_against_schema(nlohmann::json::object(), dir.path() / "broken.json");
    ASSERT_FALSE(broken.has_value());
    EXPECT_NE(broken.error().message.find("broken.json"), std::string::npos);
}

}  // namespace
}  // namespace stablepick
