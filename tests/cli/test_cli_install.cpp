// What `cmake --install` and the Debian package ship besides the binary: the manual pages and
// the shell completion (made from the binary's own --help text), `git stablepick`, and the
// version from `git describe`.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "stablepick/core/version.hpp"
#include "support/fixture_repo.hpp"

namespace stablepick {
namespace {

using testing::FixtureRepo;
using testing::run_program;
using testing::run_stablepick;
using testing::TempDir;

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

// The commands `--help` lists: the lines of its SUBCOMMANDS section.
std::vector<std::string> commands_in_help(const std::string& help) {
    std::vector<std::string> out;
    std::istringstream in(help);
    bool in_section = false;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("Subcommands:")) {
            in_section = true;
            continue;
        }
        if (!in_section) continue;
        if (line.empty() || line[0] != ' ') break;
        std::istringstream words(line);
        std::string name;
        words >> name;
        out.push_back(name);
    }
    return out;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// Text with each run of white space made one space: a phrase found whatever the line breaks.
std::string flat(const std::string& text) {
    std::string out;
    for (char c : text) {
        bool space = c == ' ' || c == '\n' || c == '\t';
        if (space && (out.empty() || out.back() == ' ')) continue;
        out += space ? ' ' : c;
    }
    return out;
}

// Renders a page as `man` shows it; warnings from groff are failures.
std::string render(const std::filesystem::path& page) {
    auto r = run_program({"man", "--warnings", "-l", page.string()}, {}, {},
                         {"MANWIDTH=80", "MAN_KEEP_FORMATTING=", "MANPAGER=cat", "PAGER=cat"});
    EXPECT_EQ(r.exit_code, 0) << page << r.err;
    EXPECT_EQ(r.err, "") << page;
    return r.out;
}

TEST(CliInstall, ManualPageForEveryCommandRenders) {
    TempDir dir;
    auto pages = lines_of(run_stablepick({"--man"}).out);
    std::set<std::string> page_set(pages.begin(), pages.end());
    ASSERT_TRUE(page_set.contains("stablepick"));
    auto top = commands_in_help(run_stablepick({"--help"}).out);
    ASSERT_GE(top.size(), 10u);
    for (const auto& c : top) EXPECT_TRUE(page_set.contains("stablepick-" + c)) << c;
    for (const auto& sub : commands_in_help(run_stablepick({"cve", "--help"}).out))
        EXPECT_TRUE(page_set.contains("stablepick-cve-" + sub)) << sub;
    for (const auto& sub : commands_in_help(run_stablepick({"import", "--help"}).out))
        EXPECT_TRUE(page_set.contains("stablepick-import-" + sub)) << sub;

    for (const auto& page : pages) {
        auto r = run_stablepick({"--man", page, STABLEPICK_README});
        ASSERT_EQ(r.exit_code, 0) << page << r.err;
        auto file = dir.path() / (page + ".1");
        write_file(file, r.out);
        std::string text = render(file);
        EXPECT_NE(text.find("NAME"), std::string::npos) << page;
        EXPECT_NE(text.find("SYNOPSIS"), std::string::npos) << page;
        EXPECT_NE(text.find("DESCRIPTION"), std::string::npos) << page;
        for (const auto& line : lines_of(text)) {
            size_t width = std::count_if(line.begin(), line.end(), [](char c) {
                return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
            });
            EXPECT_LE(width, 80u) << page << ": " << line;
        }
    }
}

TEST(CliInstall, ManualPageSaysWhatHelpSays) {
    TempDir dir;
    auto file = dir.path() / "stablepick-review.1";
    write_file(file, run_stablepick({"--man", "stablepick-review", STABLEPICK_README}).out);
    std::string text = flat(render(file));
    // Every option of --help, with its description and the choices a validator allows.
    auto help = run_stablepick({"review", "--help"}).out;
    for (auto opt : {"--target", "--format", "--limit", "--max-cost", "--no-llm"}) {
        EXPECT_NE(help.find(opt), std::string::npos) << opt;
        EXPECT_NE(text.find(opt), std::string::npos) << opt;
    }
    EXPECT_NE(text.find("Stable branches to check each commit against"), std::string::npos) << text;
    EXPECT_NE(text.find("One of: table, json, mbox."), std::string::npos) << text;
    // The summary, and README's text for the command.
    EXPECT_NE(text.find("stablepick-review - rank commits"), std::string::npos) << text;
    EXPECT_NE(text.find("Every review is recorded in the store"), std::string::npos) << text;
    EXPECT_NE(text.find("stablepick(1)"), std::string::npos);

    // The cve page lists its subcommands with their pages; the subcommand's page has README's
    // row for it and not another one's.
    write_file(dir.path() / "cve.1",
               run_stablepick({"--man", "stablepick-cve", STABLEPICK_README}).out);
    std::string cve = flat(render(dir.path() / "cve.1"));
    EXPECT_NE(cve.find("stablepick-cve-classify(1)"), std::string::npos) << cve;
    EXPECT_EQ(cve.find("ASSIGN CVE"), std::string::npos) << cve;
    write_file(dir.path() / "classify.1",
               run_stablepick({"--man", "stablepick-cve-classify", STABLEPICK_README}).out);
    std::string classify = flat(render(dir.path() / "classify.1"));
    EXPECT_NE(classify.find("ASSIGN CVE"), std::string::npos) << classify;
    EXPECT_EQ(classify.find("dyad"), std::string::npos) << classify;

    // The top page: global options and exit codes.
    write_file(dir.path() / "top.1",
               run_stablepick({"--man", "stablepick", STABLEPICK_README}).out);
    std::string top = flat(render(dir.path() / "top.1"));
    EXPECT_NE(top.find("--repo"), std::string::npos) << top;
    EXPECT_NE(top.find("EXIT STATUS"), std::string::npos) << top;
    EXPECT_NE(top.find("stablepick-review(1)"), std::string::npos) << top;
}

TEST(CliInstall, UnknownManualPageIsNotFound) {
    auto r = run_stablepick({"--man", "stablepick-nope"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.err, "error: no manual page 'stablepick-nope' (stablepick --man lists them)\n");
    auto c = run_stablepick({"--completion", "fish"});
    EXPECT_EQ(c.exit_code, 2);
    EXPECT_EQ(c.err, "error: --completion takes 'bash' or 'zsh'\n");
}

// Runs bash's completion of `words` (the last one is being completed) in `cwd`, with the
// generated completion file sourced, and returns COMPREPLY, one answer per line.
class BashCompletion : public ::testing::Test {
  protected:
    void SetUp() override {
        script_ = dir_.path() / "stablepick.bash";
        auto r = run_stablepick({"--completion", "bash"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        write_file(script_, r.out);
        repo_.commit("a.c", "int a;\n", "first");
        repo_.git({"tag", "v1.0"});
        repo_.checkout("v1-stable", true);
        repo_.commit("a.c", "int a = 1;\n", "stable fix");
        repo_.checkout("main");
        repo_.commit("b.c", "int b;\n", "second");
    }

    std::vector<std::string> complete(const std::vector<std::string>& words,
                                      const std::string& function = "_stablepick",
                                      const std::filesystem::path& cwd = {}) {
        std::string array;
        for (const auto& w : words) array += " '" + w + "'";
        std::string program = "source '" + script_.string() + "' && COMP_WORDS=(" + array +
                              ") && COMP_CWORD=" + std::to_string(words.size() - 1) + " && " +
                              function + "; printf '%s\\n' \"${COMPREPLY[@]}\"";
        auto r = run_program({"bash", "--norc", "--noprofile", "-c", program},
                             cwd.empty() ? repo_.path() : cwd);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(r.err, "");
        auto out = lines_of(r.out);
        if (out.size() == 1 && out[0].empty()) out.clear();
        std::sort(out.begin(), out.end());
        return out;
    }

    using Words = std::vector<std::string>;
    TempDir dir_;
    std::filesystem::path script_;
    FixtureRepo repo_;
};

TEST_F(BashCompletion, Commands) {
    EXPECT_EQ(complete({"stablepick", "re"}), (Words{"resolve", "review"}));
    EXPECT_EQ(complete({"stablepick", "cve", ""}), (Words{"classify", "ranges", "record"}));
    EXPECT_EQ(complete({"stablepick", "import", "c"}), (Words{"changelog", "cve-list"}));
    // After global options, their values skipped.
    EXPECT_EQ(complete({"stablepick", "-q", "--db", "x.sqlite", "st"}), (Words{"stats", "store"}));
}

TEST_F(BashCompletion, Options) {
    EXPECT_EQ(complete({"stablepick", "review", "--t"}), (Words{"--target"}));
    EXPECT_EQ(complete({"stablepick", "cve", "classify", "--l"}),
              (Words{"--last", "--limit", "--llm"}));
    EXPECT_EQ(complete({"stablepick", "review", "--policy", ""}), (Words{"majority", "weighted"}));
    // --format=m: bash splits at '=' (COMP_WORDBREAKS), or not.
    EXPECT_EQ(complete({"stablepick", "review", "--format", "=", "m"}), (Words{"mbox"}));
    EXPECT_EQ(complete({"stablepick", "review", "--format", "="}),
              (Words{"json", "mbox", "table"}));
    EXPECT_EQ(complete({"stablepick", "review", "--format=j"}), (Words{"--format=json"}));
    EXPECT_EQ(complete({"stablepick", "--ver"}), (Words{"--verbose", "--version"}));
}

TEST_F(BashCompletion, BranchesAndTagsOfTheRepository) {
    // --target takes branches; a commit argument takes branches and tags; a range its end.
    EXPECT_EQ(complete({"stablepick", "review", "--target", "v"}), (Words{"v1-stable"}));
    EXPECT_EQ(complete({"stablepick", "review", "v1"}), (Words{"v1-stable", "v1.0"}));
    // Flags take no value: the word after one is the command, or an argument.
    EXPECT_EQ(complete({"stablepick", "-q", "review", "--json", "v1"}),
              (Words{"v1-stable", "v1.0"}));
    EXPECT_EQ(complete({"stablepick", "review", "v1.0..m"}), (Words{"v1.0..main"}));
    EXPECT_EQ(complete({"stablepick", "cve", "ranges", "--vulnerable", "v1."}), (Words{"v1.0"}));
    EXPECT_EQ(complete({"stablepick", "decide", "HEAD", "--branch", "v"}), (Words{"v1-stable"}));
    // The repository of -C, from anywhere.
    TempDir elsewhere;
    EXPECT_EQ(complete({"stablepick", "-C", repo_.path().string(), "similar", "ma"}, "_stablepick",
                       elsewhere.path()),
              (Words{"main"}));
    EXPECT_EQ(complete({"stablepick", "review", "ma"}, "_stablepick", elsewhere.path()), Words{});
}

TEST_F(BashCompletion, GitStablepick) {
    // git's completion calls _git_stablepick with git's words in COMP_WORDS.
    EXPECT_EQ(complete({"git", "stablepick", "rev"}, "_git_stablepick"), (Words{"review"}));
    EXPECT_EQ(complete({"git", "stablepick", "review", "--target", "v"}, "_git_stablepick"),
              (Words{"v1-stable"}));
    TempDir elsewhere;
    EXPECT_EQ(complete({"git", "-C", repo_.path().string(), "stablepick", "review", "v1-"},
                       "_git_stablepick", elsewhere.path()),
              (Words{"v1-stable"}));
}

TEST(CliInstall, ZshCompletionParses) {
    if (run_program({"sh", "-c", "command -v zsh"}).exit_code != 0) GTEST_SKIP() << "no zsh";
    TempDir dir;
    write_file(dir.path() / "_stablepick", run_stablepick({"--completion", "zsh"}).out);
    auto r = run_program({"zsh", "-n", (dir.path() / "_stablepick").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(CliInstall, VersionIsTheBuildsOwn) {
    auto r = run_stablepick({"--version"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, std::string("stablepick ") + kVersion + "\n");
    EXPECT_TRUE(std::regex_search(kVersion, std::regex(R"(^[0-9]+\.[0-9]+)"))) << kVersion;
}

// cmake/StablepickVersion.cmake on repositories made for it.
class VersionScript : public ::testing::Test {
  protected:
    std::pair<std::string, std::string> run(const std::filesystem::path& source) {
        auto r = run_program({STABLEPICK_CMAKE, "-DSOURCE_DIR=" + source.string(),
                              "-DOUTPUT_DIR=" + out_.path().string(), "-DFALLBACK=0.1.0", "-P",
                              STABLEPICK_SOURCE_DIR "/cmake/StablepickVersion.cmake"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        std::smatch m;
        std::string cpp = read_file(out_.path() / "version.cpp");
        std::string cmake = read_file(out_.path() / "version.cmake");
        std::string version, deb;
        if (std::regex_search(cpp, m, std::regex(R"re(kVersion\[\] = "([^"]*)")re")))
            version = m[1];
        if (std::regex_search(cmake, m, std::regex(R"re(STABLEPICK_DEB_VERSION "([^"]*)")re")))
            deb = m[1];
        return {version, deb};
    }
    TempDir out_;
};

TEST_F(VersionScript, DescribeOrTheProjectVersion) {
    FixtureRepo repo;
    std::string first = repo.commit("a", "1\n", "first").substr(0, 7);
    // No tag: the project version, then the commit.
    EXPECT_EQ(run(repo.path()), std::make_pair("0.1.0-g" + first, "0.1.0+g" + first));
    repo.git({"tag", "v2.3.4"});
    EXPECT_EQ(run(repo.path()), std::make_pair(std::string("2.3.4"), std::string("2.3.4")));
    repo.commit("a", "2\n", "second");
    std::string third = repo.commit("a", "3\n", "third").substr(0, 7);
    EXPECT_EQ(run(repo.path()), std::make_pair("2.3.4-2-g" + third, "2.3.4+2.g" + third));
    repo.write("a", "changed\n");
    EXPECT_EQ(run(repo.path()),
              std::make_pair("2.3.4-2-g" + third + "-dirty", "2.3.4+2.g" + third + ".dirty"));
    repo.git({"checkout", "-q", "a"});
    repo.git({"tag", "v3.0-rc1"});
    EXPECT_EQ(run(repo.path()), std::make_pair(std::string("3.0-rc1"), std::string("3.0~rc1")));

    // Unchanged: the file is not written again (nothing recompiles).
    auto before = std::filesystem::last_write_time(out_.path() / "version.cpp");
    std::filesystem::last_write_time(out_.path() / "version.cpp", before - std::chrono::hours(1));
    run(repo.path());
    EXPECT_EQ(std::filesystem::last_write_time(out_.path() / "version.cpp"),
              before - std::chrono::hours(1));
}

TEST_F(VersionScript, OutsideACheckoutTheProjectVersion) {
    // An unpacked tarball, also when it lies inside some other repository.
    TempDir tarball;
    EXPECT_EQ(run(tarball.path()), std::make_pair(std::string("0.1.0"), std::string("0.1.0")));
    FixtureRepo outer;
    outer.commit("a", "1\n", "first");
    std::filesystem::create_directories(outer.path() / "stablepick-0.1.0");
    EXPECT_EQ(run(outer.path() / "stablepick-0.1.0"),
              std::make_pair(std::string("0.1.0"), std::string("0.1.0")));
}

}  // namespace
}  // namespace stablepick
