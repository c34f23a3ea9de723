#pragma once
// The command line as data, read from the CLI11 app that parses it, and the documents made
// from it at build time: a manual page per command and the bash and zsh completion. They come
// from the same options and descriptions as `--help`, so they cannot disagree with it.
//
// `stablepick --man` lists the pages, `stablepick --man PAGE [README]` prints one in roff
// (README.md's command table, if given, adds its text to the DESCRIPTION), and
// `stablepick --completion bash|zsh` prints a completion script. Hidden: the build runs them.
#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace stablepick::cli {

// What an option's value (or a positional argument) is, for completion.
enum class ValueKind {
    kNone,       // free text, a number, a date
    kChoice,     // one of OptionInfo::choices
    kFile,       // a path (files and directories)
    kDirectory,  // a directory
    kRef,        // a commit, a range (v6.1..v6.2), a branch or a tag of the repository
    kBranch,     // a branch of the repository
};

struct OptionInfo {
    std::vector<std::string> names;  // "-n", "--limit"; a positional's one name ("commits")
    bool positional = false;
    bool flag = false;  // takes no value
    bool required = false;
    bool repeatable = false;  // takes several values, or may be given several times
    std::string value_name;   // "INT", "TEXT", "URL" as --help shows it; empty for flags
    std::string description;
    std::string default_value;
    std::vector<std::string> choices;
    ValueKind kind = ValueKind::kNone;
};

struct CommandInfo {
    std::vector<std::string> path;  // {} for stablepick itself, {"cve", "classify"}
    std::string summary;
    std::string footer;
    std::vector<OptionInfo> options;      // in --help's order, hidden ones left out
    std::vector<OptionInfo> positionals;  // in order
    std::vector<CommandInfo> subcommands;

    // "stablepick-cve-classify": the manual page's name.
    std::string page_name() const;
};

CommandInfo describe_cli(const CLI::App& app);

// Every command of the tree, parents before their subcommands.
std::vector<const CommandInfo*> all_commands_of(const CommandInfo& root);

// The manual page of `command` in roff. `readme` is README.md's text (may be empty).
std::string man_page(const CommandInfo& root, const CommandInfo& command, std::string_view readme);

std::string bash_completion(const CommandInfo& root);
std::string zsh_completion(const CommandInfo& root);

// Handles `--man` and `--completion` (argv[1]); returns the exit code, or -1 when argv asks
// for neither.
int run_reference_output(const CLI::App& app, int argc, char** argv);

}  // namespace stablepick::cli
