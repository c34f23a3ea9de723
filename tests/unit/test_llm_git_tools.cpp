#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "stablepick/llm/git_tools.hpp"
#include "support/fixture_repo.hpp"

namespace stablepick {
namespace {

using llm::GitTools;
using llm::run_git;
using llm::ToolLimits;
using nlohmann::json;
using testing::FixtureRepo;
using testing::TempDir;
using namespace std::chrono_literals;

bool starts_with(const std::string& text, const std::string& prefix) {
    return text.starts_with(prefix);
}
bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A small history: a.c is created, a stable branch forks, then main changes a.c and adds a README.
struct History {
    FixtureRepo repo;
    std::string add_a, initialise_a, readme;

    History() {
        add_a = repo.commit("src/a.c", "int a;\nint b;\n", "core: add a.c");
        repo.checkout("v1-stable", true);
        repo.checkout("main");
        initialise_a =
            repo.commit("src/a.c", "int a = 0;\nint b;\nint value = compute(a -foo);\n",
                        "core: initialise a\n\nReading a before it is set crashes the parser.");
        readme = repo.commit("README", "read me\n", "docs: add README");
    }

    std::filesystem::path git_dir() const { return repo.path() / ".git"; }
    GitTools tools(ToolLimits limits = {}, GitTools::SimilarCommits similar = {}) const {
        return GitTools(git_dir(), limits, std::move(similar));
    }
};

// Puts a directory holding a fake `git` first on PATH for as long as it lives. Repositories
// must be built before, since FixtureRepo runs git from PATH too.
class FakeGit {
  public:
    explicit FakeGit(const std::string& script) {
        auto file = dir_.path() / "git";
        std::ofstream(file) << "#!/bin/sh\n" << script;
        std::filesystem::permissions(file, std::filesystem::perms::owner_all);
        const char* path = std::getenv("PATH");
        old_path_ = path ? path : "";
        ::setenv("PATH", (dir_.path().string() + ":" + old_path_).c_str(), 1);
    }
    ~FakeGit() { ::setenv("PATH", old_path_.c_str(), 1); }
    const std::filesystem::path& dir() const { return dir_.path(); }

  private:
    TempDir dir_;
    std::string old_path_;
};

bool no_child_left() {
    int status = 0;
    return ::waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD;
}

TEST(GitTools, SpecsDescribeEachToolAsAnObjectSchema) {
    History h;
    auto specs = h.tools().specs();
    std::vector<std::string> names;
    for (auto& spec : specs) {
        names.push_back(spec.name);
        EXPECT_FALSE(spec.description.empty()) << spec.name;
        EXPECT_EQ(spec.parameters["type"], "object") << spec.name;
        ASSERT_TRUE(spec.parameters["properties"].is_object()) << spec.name;
        ASSERT_TRUE(spec.parameters["required"].is_array()) << spec.name;
        for (auto& required : spec.parameters["required"])
            EXPECT_TRUE(spec.parameters["properties"].contains(required.get<std::string>()))
                << spec.name;
    }
    EXPECT_EQ(names,
              (std::vector<std::string>{"git_show", "git_log", "git_blame", "grep", "read_file"}));
    auto find = [&](const std::string& name) {
        for (auto& spec : specs)
            if (spec.name == name) return spec;
        return llm::ToolSpec{};
    };
    EXPECT_EQ(find("git_show").parameters["required"], json({"commit"}));
    EXPECT_EQ(find("git_show").parameters["properties"]["stat_only"]["type"], "boolean");
    EXPECT_EQ(find("git_log").parameters["required"], json::array());
    EXPECT_EQ(find("git_log").parameters["properties"]["max_count"]["type"], "integer");
    EXPECT_EQ(find("git_blame").parameters["required"], json({"path"}));
    EXPECT_EQ(find("grep").parameters["required"], json({"pattern"}));
    EXPECT_EQ(find("read_file").parameters["required"], json({"path"}));
    EXPECT_TRUE(contains(find("read_file").description, "stable branch"));
}

TEST(GitTools, SimilarCommitsOnlyWithACallback) {
    History h;
    EXPECT_EQ(h.tools().call("similar_commits", {{"commit", h.add_a}}),
              "error: unknown tool similar_commits");

    std::vector<std::pair<std::string, int>> asked;
    auto tools = h.tools({}, [&](const std::string& commit, int k) -> Result<std::string> {
        asked.emplace_back(commit, k);
        return fmt::format("{} similar commits to {}\n", k, commit);
    });
    auto specs = tools.specs();
    ASSERT_EQ(specs.size(), 6u);
    EXPECT_EQ(specs.back().name, "similar_commits");
    EXPECT_EQ(specs.back().parameters["required"], json({"commit"}));

    EXPECT_EQ(tools.call("similar_commits", {{"commit", h.add_a}}),
              "5 similar commits to " + h.add_a + "\n");
    EXPECT_EQ(tools.call("similar_commits", {{"commit", "main"}, {"k", 100}}),
              "20 similar commits to main\n");
    EXPECT_EQ(tools.call("similar_commits", {{"commit", "main"}, {"k", 3}}),
              "3 similar commits to main\n");
    EXPECT_TRUE(starts_with(tools.call("similar_commits", {{"commit", "--all"}}), "error: "));
    EXPECT_TRUE(
        starts_with(tools.call("similar_commits", {{"commit", "main"}, {"k", 0}}), "error: "));
    EXPECT_EQ(asked.size(), 3u);

    auto failing = h.tools({}, [](const std::string&, int) -> Result<std::string> {
        return fail(ErrorCode::kUnavailable, "no index");
    });
    EXPECT_EQ(failing.call("similar_commits", {{"commit", "main"}}), "error: no index");
}

TEST(GitTools, ReadFileAtAnOlderBranchShowsTheOldContent) {
    History h;
    auto tools = h.tools();
    EXPECT_EQ(tools.call("read_file", {{"ref", "v1-stable"}, {"path", "src/a.c"}}),
              "     1  int a;\n     2  int b;\n");
    EXPECT_EQ(tools.call("read_file", {{"path", "src/a.c"}}),
              "     1  int a = 0;\n     2  int b;\n     3  int value = compute(a -foo);\n");
    EXPECT_EQ(tools.call("read_file", {{"ref", h.initialise_a.substr(0, 10)},
                                       {"path", "src/a.c"},
                                       {"start_line", 2},
                                       {"end_line", 2}}),
              "     2  int b;\n[… 1 more lines; ask with start_line 3 …]\n");
    EXPECT_TRUE(starts_with(tools.call("read_file", {{"ref", "v1-stable"}, {"path", "README"}}),
                            "error: "));
    EXPECT_TRUE(
        starts_with(tools.call("read_file", {{"path", "src/a.c"}, {"start_line", 10}}), "error: "));
}

TEST(GitTools, ReadFileShowsTwoHundredLinesByDefault) {
    FixtureRepo repo;
    std::string text;
    for (int i = 1; i <= 250; ++i) text += fmt::format("line {}\n", i);
    repo.commit("long.txt", text, "add a long file");
    GitTools tools(repo.path() / ".git", {});
    auto out = tools.call("read_file", {{"path", "long.txt"}});
    EXPECT_TRUE(contains(out, "   200  line 200\n"));
    EXPECT_FALSE(contains(out, "line 201\n"));
    EXPECT_TRUE(contains(out, "50 more lines; ask with start_line 201"));
    EXPECT_EQ(tools.call("read_file", {{"path", "long.txt"}, {"start_line", 249}}),
              "   249  line 249\n   250  line 250\n");
}

TEST(GitTools, BlameNamesTheCommitOfEachLine) {
    History h;
    auto tools = h.tools();
    auto out = tools.call("git_blame", {{"path", "src/a.c"}});
    EXPECT_TRUE(contains(out, h.initialise_a.substr(0, 7))) << out;
    EXPECT_TRUE(contains(out, h.add_a.substr(0, 7))) << out;
    auto second =
        tools.call("git_blame", {{"path", "src/a.c"}, {"start_line", 2}, {"end_line", 2}});
    EXPECT_TRUE(contains(second, h.add_a.substr(0, 7))) << second;
    EXPECT_FALSE(contains(second, h.initialise_a.substr(0, 7))) << second;
    EXPECT_TRUE(contains(second, "int b;")) << second;
    auto from_third = tools.call("git_blame", {{"path", "src/a.c"}, {"start_line", 3}});
    EXPECT_TRUE(contains(from_third, "compute")) << from_third;
    EXPECT_FALSE(contains(from_third, "int b;")) << from_third;
    auto stable =
        tools.call("git_blame", {{"ref", "v1-stable"}, {"path", "src/a.c"}, {"end_line", 1}});
    EXPECT_TRUE(contains(stable, h.add_a.substr(0, 7))) << stable;
    EXPECT_TRUE(contains(stable, "int a;")) << stable;
    EXPECT_FALSE(contains(stable, "int b;")) << stable;
}

TEST(GitTools, LogFindsCommitsByMessagePathAndLineRange) {
    History h;
    auto tools = h.tools();
    auto found = tools.call("git_log", {{"grep", "initiali[sz]e"}});
    EXPECT_TRUE(
        starts_with(found, h.initialise_a + " 2020-01-01 Test Author\n    core: initialise a\n"))
        << found;
    EXPECT_FALSE(contains(found, h.add_a)) << found;

    auto all = tools.call("git_log", json::object());
    EXPECT_TRUE(contains(all, h.readme) && contains(all, h.initialise_a) && contains(all, h.add_a))
        << all;
    EXPECT_LT(all.find(h.readme), all.find(h.add_a));  // newest first
    auto one = tools.call("git_log", {{"max_count", 1}});
    EXPECT_TRUE(contains(one, h.readme) && !contains(one, h.add_a)) << one;

    auto by_path = tools.call("git_log", {{"path", "src/a.c"}});
    EXPECT_TRUE(contains(by_path, h.add_a) && contains(by_path, h.initialise_a) &&
                !contains(by_path, h.readme));
    auto stable = tools.call("git_log", {{"ref", "v1-stable"}});
    EXPECT_TRUE(contains(stable, h.add_a) && !contains(stable, h.initialise_a)) << stable;

    auto lines = tools.call("git_log", {{"line_range", "1,1:src/a.c"}});
    EXPECT_TRUE(contains(lines, h.initialise_a) && contains(lines, "+int a = 0;")) << lines;
    EXPECT_EQ(tools.call("git_log", {{"grep", "no such message"}}), "");
}

TEST(GitTools, GrepFindsLinesAtARef) {
    History h;
    auto tools = h.tools();
    EXPECT_EQ(tools.call("grep", {{"pattern", "int [ab] = 0"}}), "HEAD:src/a.c:1:int a = 0;\n");
    EXPECT_EQ(tools.call("grep", {{"pattern", "^int a;$"}, {"ref", "v1-stable"}, {"path", "src"}}),
              "v1-stable:src/a.c:1:int a;\n");
    EXPECT_EQ(tools.call("grep", {{"pattern", "int a = 0"}, {"ref", "v1-stable"}}), "no match\n");
    // After -e a pattern starting with '-' is only a pattern.
    EXPECT_EQ(tools.call("grep", {{"pattern", "-foo"}}),
              "HEAD:src/a.c:3:int value = compute(a -foo);\n");
    EXPECT_EQ(tools.call("grep", {{"pattern", "--output=x"}}), "no match\n");
    EXPECT_TRUE(starts_with(tools.call("grep", {{"pattern", "(unclosed"}}), "error: git grep: "));
}

TEST(GitTools, ShowHasTheMessageAndTheDiff) {
    History h;
    auto tools = h.tools();
    auto out = tools.call("git_show", {{"commit", h.initialise_a}});
    EXPECT_TRUE(starts_with(out, "commit " + h.initialise_a + "\n")) << out;
    EXPECT_TRUE(contains(out, "CommitDate:")) << out;  // --format=fuller
    EXPECT_TRUE(contains(out, "Reading a before it is set crashes the parser.")) << out;
    EXPECT_TRUE(contains(out, "-int a;\n+int a = 0;\n")) << out;
    auto stat = tools.call("git_show", {{"commit", "main~1"}, {"stat_only", true}});
    EXPECT_TRUE(contains(stat, "src/a.c | 3 ++-")) << stat;
    EXPECT_FALSE(contains(stat, "+int a = 0;")) << stat;
    EXPECT_TRUE(
        starts_with(tools.call("git_show", {{"commit", "0123456789abcdef"}}), "error: git show: "));
}

TEST(GitTools, OutputIsCutAtTheLimitWithAMarker) {
    History h;
    auto tools = h.tools({.max_output_bytes = 40});
    auto show = tools.call("git_show", {{"commit", h.initialise_a}});
    EXPECT_EQ(show, "commit " + h.initialise_a.substr(0, 33) + "\n[… output cut at 40 bytes …]\n");
    auto file = tools.call("read_file", {{"path", "src/a.c"}});
    EXPECT_EQ(file, "     1  int a = 0;\n     2  int b;\n     3\n[… output cut at 40 bytes …]\n");
    auto similar = h.tools(
        {.max_output_bytes = 10},
        [](const std::string&, int) -> Result<std::string> { return std::string(1000, 'x'); });
    EXPECT_EQ(similar.call("similar_commits", {{"commit", "main"}}),
              "xxxxxxxxxx\n[… output cut at 10 bytes …]\n");
    for (auto& spec : tools.specs()) {
        json args = spec.name == "grep" ? json{{"pattern", "."}} : json{{"path", "src/a.c"}};
        if (spec.name == "git_show") args = {{"commit", "HEAD"}};
        if (spec.name == "git_log") args = json::object();
        auto out = tools.call(spec.name, args);
        EXPECT_LE(out.size(), 40u + std::string("\n[… output cut at 40 bytes …]\n").size())
            << spec.name << out;
        EXPECT_TRUE(contains(out, "[… output cut at 40 bytes …]")) << spec.name << out;
    }
}

TEST(GitTools, CutsTextInsideAUtf8CharacterBeforeIt) {
    FixtureRepo repo;
    repo.commit("utf8.txt", "ééééé\n", "add é");
    auto out = run_git(repo.path() / ".git", {"show", "HEAD:utf8.txt"}, 3, 10s);
    ASSERT_TRUE(out.has_value()) << out.error().message;
    EXPECT_EQ(*out, "é\n[… output cut at 3 bytes …]\n");
}

TEST(GitTools, RefusesInjectionWithoutRunningGit) {
    History h;
    TempDir scratch;
    auto log = scratch.path() / "git-ran";
    auto written = scratch.path() / "x";
    std::vector<std::pair<std::string, json>> attempts{
        {"read_file", {{"ref", "--output=" + written.string()}, {"path", "src/a.c"}}},
        {"read_file", {{"path", "../etc/passwd"}}},
        {"read_file", {{"path", "src/../../etc/passwd"}}},
        {"read_file", {{"path", "/etc/passwd"}}},
        {"read_file", {{"path", "-rf"}}},
        {"git_show", {{"commit", "a..b"}}},
        {"git_show", {{"commit", "--output=" + written.string()}}},
        {"git_show", {{"commit", "HEAD; touch " + written.string()}}},
        {"git_show", {{"commit", "$(touch x)"}}},
        {"git_show", {{"commit", std::string(201, 'a')}}},
        {"git_log", {{"ref", "-p"}}},
        {"git_log", {{"ref", "main"}, {"path", "--output=x"}}},
        {"git_log", {{"line_range", "1,2:../x"}}},
        {"git_log", {{"line_range", "1,2:-x"}}},
        {"git_log", {{"line_range", ":f;rm:src/a.c"}}},
        {"git_log", {{"line_range", "1,2"}}},
        {"git_log", {{"line_range", "0,2:src/a.c"}}},
        {"git_log", {{"line_range", "3,2:src/a.c"}}},
        {"git_log", {{"line_range", "1,2:src/a.c"}, {"path", "src/a.c"}}},
        {"git_blame", {{"path", "src/a.c"}, {"ref", "--contents=/etc/passwd"}}},
        {"git_blame", {{"path", "src/a.c"}, {"start_line", -1}}},
        {"grep", {{"pattern", "a"}, {"ref", "-O"}}},
        {"grep", {{"pattern", "a"}, {"path", "../"}}},
        {"grep", {{"pattern", "a"}, {"path", ".."}}},
    };
    {
        FakeGit fake("echo \"$@\" >> '" + log.string() + "'\n");
        auto tools = h.tools();
        for (auto& [name, args] : attempts) {
            auto out = tools.call(name, args);
            EXPECT_TRUE(starts_with(out, "error: "))
                << name << " " << args.dump() << " gave " << out;
        }
        EXPECT_FALSE(std::filesystem::exists(log)) << "git ran";
        // The fake does run for a valid call, so the check above can fail.
        EXPECT_EQ(tools.call("git_log", json::object()), "");
        EXPECT_TRUE(std::filesystem::exists(log));
    }
    EXPECT_FALSE(std::filesystem::exists(written));
}

TEST(GitTools, NoToolChangesTheRepository) {
    History h;
    TempDir scratch;
    auto status = h.repo.git({"status", "--porcelain", "--ignored"});
    auto refs = h.repo.git({"for-each-ref"});
    auto head = h.repo.git({"symbolic-ref", "HEAD"});
    auto tools = h.tools();
    auto written = scratch.path() / "x";
    tools.call("git_show", {{"commit", "HEAD"}});
    tools.call("git_show", {{"commit", "--output=" + written.string()}});
    tools.call("git_log", {{"ref", "v1-stable"}, {"grep", "a"}, {"path", "src"}});
    tools.call("git_log", {{"line_range", ":main:src/a.c"}});
    tools.call("git_blame", {{"path", "src/a.c"}, {"start_line", 1}});
    tools.call("grep", {{"pattern", "--output=" + written.string()}});
    tools.call("grep", {{"pattern", "-f/etc/passwd"}});
    tools.call("read_file", {{"path", "src/a.c"}, {"ref", "v1-stable"}});
    tools.call("read_file", {{"path", "-rf"}});
    EXPECT_EQ(h.repo.git({"status", "--porcelain", "--ignored"}), status);
    EXPECT_EQ(h.repo.git({"for-each-ref"}), refs);
    EXPECT_EQ(h.repo.git({"symbolic-ref", "HEAD"}), head);
    EXPECT_FALSE(std::filesystem::exists(written));
}

TEST(GitTools, UnknownToolsAndBadArgumentsAreErrors) {
    History h;
    auto tools = h.tools();
    EXPECT_EQ(tools.call("rm", {{"path", "src/a.c"}}), "error: unknown tool rm");
    EXPECT_EQ(tools.call("read_file", json::object()), "error: missing required argument 'path'");
    EXPECT_EQ(tools.call("git_show", nullptr), "error: missing required argument 'commit'");
    EXPECT_EQ(tools.call("grep", {{"ref", "main"}}), "error: missing required argument 'pattern'");
    EXPECT_EQ(tools.call("git_blame", {{"path", 5}}), "error: argument 'path' must be a string");
    EXPECT_EQ(tools.call("git_show", {{"commit", "HEAD"}, {"stat_only", "yes"}}),
              "error: argument 'stat_only' must be true or false");
    EXPECT_EQ(tools.call("git_log", {{"max_count", "5"}}),
              "error: argument 'max_count' must be a positive integer");
    EXPECT_EQ(tools.call("git_log", {{"max_count", 0}}),
              "error: argument 'max_count' must be a positive integer");
    EXPECT_EQ(tools.call("read_file", {{"path", "src/a.c"}, {"start_line", 1.5}}),
              "error: argument 'start_line' must be a positive integer");
    EXPECT_EQ(tools.call("read_file", {{"path", "src/a.c"}, {"start_line", 3}, {"end_line", 2}}),
              "error: 'end_line' is before 'start_line'");
    EXPECT_TRUE(starts_with(tools.call("read_file", {{"path", "src/a.c"}, {"lines", 3}}),
                            "error: unknown argument 'lines'"));
    EXPECT_EQ(tools.call("read_file", json::array({"src/a.c"})),
              "error: arguments must be a JSON object");
    // A null is an argument left out; a whole number written as 2.0 is still a number.
    EXPECT_EQ(
        tools.call("read_file",
                   {{"path", "src/a.c"}, {"ref", nullptr}, {"start_line", 2.0}, {"end_line", 2}}),
        "     2  int b;\n[… 1 more lines; ask with start_line 3 …]\n");
    EXPECT_EQ(tools.call("git_log", {{"max_count", 1000}, {"ref", h.add_a}}),
              h.add_a + " 2020-01-01 Test Author\n    core: add a.c\n");
}

TEST(GitTools, CallsMayRunConcurrently) {
    History h;
    auto tools = h.tools();
    std::vector<std::string> outputs(8);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < outputs.size(); ++i)
        threads.emplace_back([&, i] {
            outputs[i] = tools.call("read_file",
                                    {{"path", "src/a.c"}, {"ref", i % 2 ? "main" : "v1-stable"}});
        });
    for (auto& t : threads) t.join();
    for (size_t i = 0; i < outputs.size(); ++i)
        EXPECT_TRUE(contains(outputs[i], i % 2 ? "int a = 0;" : "int a;\n")) << outputs[i];
}

TEST(RunGit, PassesSafetyOptionsWithoutAShellAndStdinClosed) {
    History h;
    FakeGit fake(
        "printf '<%s>\\n' \"$@\"\n"
        "echo \"env $GIT_TERMINAL_PROMPT $GIT_CONFIG_NOSYSTEM $GIT_OPTIONAL_LOCKS\"\n"
        "echo \"stdin $(readlink /proc/$$/fd/0)\"\n"
        "cat\n");
    auto out = run_git(h.git_dir(), {"log", "--grep=a b; rm -rf x", "$(echo hi)"}, 4096, 10s);
    ASSERT_TRUE(out.has_value()) << out.error().message;
    EXPECT_TRUE(starts_with(*out, "<--no-pager>\n<-c>\n<core.pager=cat>\n")) << *out;
    EXPECT_TRUE(contains(*out, "<--git-dir=" + h.git_dir().string() +
                                   ">\n<log>\n<--grep=a b; rm -rf x>\n<$(echo hi)>\n"))
        << *out;
    EXPECT_TRUE(contains(*out, "env 0 1 0\n")) << *out;
    EXPECT_TRUE(contains(*out, "stdin /dev/null\n")) << *out;
    EXPECT_TRUE(no_child_left());
}

TEST(RunGit, NonZeroExitGivesTheFirstLineOfStderr) {
    History h;
    auto out = run_git(h.git_dir(), {"show", "main:no-such-file"}, 4096, 10s);
    ASSERT_FALSE(out.has_value());
    EXPECT_EQ(out.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(out.error().message, "git show: fatal: path 'no-such-file' does not exist in 'main'");
    auto not_a_repo = run_git(h.repo.path() / "nothing", {"log"}, 4096, 10s);
    ASSERT_FALSE(not_a_repo.has_value());
    EXPECT_EQ(not_a_repo.error().code, ErrorCode::kUnavailable);
    EXPECT_TRUE(no_child_left());
}

TEST(RunGit, KillsAGitThatRunsTooLong) {
    History h;
    FakeGit fake("echo started\nsleep 30\necho never\n");
    auto began = std::chrono::steady_clock::now();
    auto out = run_git(h.git_dir(), {"log", "-p"}, 4096, 200ms);
    auto took = std::chrono::steady_clock::now() - began;
    ASSERT_FALSE(out.has_value());
    EXPECT_EQ(out.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(out.error().message, "git log timed out after 200 ms");
    EXPECT_LT(took, 5s);
    EXPECT_GE(took, 200ms);
    EXPECT_TRUE(no_child_left());

    auto tools = h.tools({.timeout = 200ms});
    EXPECT_EQ(tools.call("git_log", json::object()), "error: git log timed out after 200 ms");
    EXPECT_TRUE(no_child_left());
}

TEST(RunGit, ATinyTimeoutOnARealGitNeverHangs) {
    FixtureRepo repo;
    for (int i = 0; i < 30; ++i)
        repo.commit("f.txt", fmt::format("version {}\n", i), fmt::format("change {}", i));
    auto began = std::chrono::steady_clock::now();
    auto out = run_git(repo.path() / ".git", {"log", "-p"}, 1 << 20, 1ms);
    EXPECT_LT(std::chrono::steady_clock::now() - began, 5s);
    if (!out) {
        EXPECT_EQ(out.error().message, "git log timed out after 1 ms");
    }
    EXPECT_TRUE(no_child_left());
}

TEST(RunGit, StopsAnEndlessOutputAtTheLimit) {
    History h;
    FakeGit fake("exec yes\n");
    auto began = std::chrono::steady_clock::now();
    auto out = run_git(h.git_dir(), {"log"}, 9, 10s);
    EXPECT_LT(std::chrono::steady_clock::now() - began, 5s);
    ASSERT_TRUE(out.has_value()) << out.error().message;
    EXPECT_EQ(*out, "y\ny\ny\ny\ny\n[… output cut at 9 bytes …]\n");
    EXPECT_TRUE(no_child_left());
}

TEST(RunGit, ReportsAMissingGit) {
    TempDir empty;
    const char* path = std::getenv("PATH");
    std::string old_path = path ? path : "";
    ::setenv("PATH", empty.path().c_str(), 1);
    auto out = run_git(empty.path(), {"log"}, 100, 1s);
    ::setenv("PATH", old_path.c_str(), 1);
    ASSERT_FALSE(out.has_value());
    EXPECT_EQ(out.error().code, ErrorCode::kUnavailable);
    EXPECT_TRUE(starts_with(out.error().message, "cannot run 'git': ")) << out.error().message;
}

}  // namespace
}  // namespace stablepick
