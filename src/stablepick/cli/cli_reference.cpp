// Reads the CLI11 app into CommandInfo and answers the hidden --man / --completion options.
#include "stablepick/cli/cli_reference.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "stablepick/core/error.hpp"

namespace stablepick::cli {

namespace {

// What an option's value is, by the names the commands give their options. A command can also
// say it with type_name("COMMIT" | "BRANCH" | "FILE" | "DIR"), which wins.
ValueKind kind_by_name(const std::vector<std::string>& names) {
    static const std::vector<std::pair<std::string_view, ValueKind>> table = {
        {"commits", ValueKind::kRef},
        {"commit", ValueKind::kRef},
        {"fix", ValueKind::kRef},
        {"id", ValueKind::kRef},
        {"--vulnerable", ValueKind::kRef},
        {"--target", ValueKind::kBranch},
        {"--branch", ValueKind::kBranch},
        {"--main", ValueKind::kBranch},
        {"-C", ValueKind::kDirectory},
        {"--repo", ValueKind::kDirectory},
        {"--make-prompt", ValueKind::kDirectory},
        {"--db", ValueKind::kFile},
        {"--config", ValueKind::kFile},
        {"--model", ValueKind::kFile},
        {"--output", ValueKind::kFile},
        {"--patch", ValueKind::kFile},
        {"--schema", ValueKind::kFile},
        {"--out", ValueKind::kFile},
        {"paths", ValueKind::kFile},
        {"path", ValueKind::kFile},
        {"files", ValueKind::kFile},
    };
    for (const auto& name : names)
        for (const auto& [known, kind] : table)
            if (name == known) return kind;
    return ValueKind::kNone;
}

OptionInfo describe_option(const CLI::Option& opt) {
    OptionInfo info;
    info.positional = opt.get_positional() && !opt.nonpositional();
    if (info.positional) {
        info.names.push_back(opt.get_name(true, false));
    } else {
        for (const auto& s : opt.get_snames()) info.names.push_back("-" + s);
        for (const auto& l : opt.get_lnames()) info.names.push_back("--" + l);
    }
    info.flag = opt.get_expected_max() == 0;
    info.required = opt.get_required();
    info.repeatable = opt.get_items_expected_max() > 1 ||
                      opt.get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
    info.description = opt.get_description();
    info.default_value = opt.get_default_str();
    // "TEXT:{weighted,majority}": the type, then one part per validator.
    std::string type = opt.get_type_name();
    std::vector<std::string> parts;
    std::stringstream in(type);
    for (std::string part; std::getline(in, part, ':');) parts.push_back(part);
    if (!info.flag && !parts.empty()) info.value_name = parts.front();
    for (size_t i = 1; i < parts.size(); ++i) {
        const auto& p = parts[i];
        if (p.size() < 2 || p.front() != '{' || p.back() != '}') continue;
        std::stringstream choices(p.substr(1, p.size() - 2));
        for (std::string c; std::getline(choices, c, ',');)
            if (!c.empty()) info.choices.push_back(c);
    }
    if (info.value_name == "COMMIT" || info.value_name == "RANGE")
        info.kind = ValueKind::kRef;
    else if (info.value_name == "BRANCH")
        info.kind = ValueKind::kBranch;
    else if (info.value_name == "FILE" || info.value_name == "PATH")
        info.kind = ValueKind::kFile;
    else if (info.value_name == "DIR")
        info.kind = ValueKind::kDirectory;
    else if (!info.choices.empty())
        info.kind = ValueKind::kChoice;
    else if (!info.flag)
        info.kind = kind_by_name(info.names);
    return info;
}

CommandInfo describe_app(const CLI::App& app, std::vector<std::string> path) {
    CommandInfo info;
    info.path = path;
    info.summary = app.get_description();
    info.footer = app.get_footer();
    for (const CLI::Option* opt : app.get_options()) {
        if (opt->get_group().empty()) continue;  // hidden
        OptionInfo o = describe_option(*opt);
        (o.positional ? info.positionals : info.options).push_back(std::move(o));
    }
    for (const CLI::App* sub :
         app.get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); })) {
        auto sub_path = path;
        sub_path.push_back(sub->get_name());
        info.subcommands.push_back(describe_app(*sub, sub_path));
    }
    return info;
}

void collect(const CommandInfo& c, std::vector<const CommandInfo*>& out) {
    out.push_back(&c);
    for (const auto& s : c.subcommands) collect(s, out);
}

}  // namespace

std::string CommandInfo::page_name() const {
    std::string name = "stablepick";
    for (const auto& p : path) name += "-" + p;
    return name;
}

CommandInfo describe_cli(const CLI::App& app) {
    return describe_app(app, {});
}

std::vector<const CommandInfo*> all_commands_of(const CommandInfo& root) {
    std::vector<const CommandInfo*> out;
    collect(root, out);
    return out;
}

int run_reference_output(const CLI::App& app, int argc, char** argv) {
    if (argc < 2) return -1;
    std::string_view what = argv[1];
    if (what != "--man" && what != "--completion") return -1;
    CommandInfo root = describe_cli(app);
    if (what == "--completion") {
        std::string_view shell = argc >= 3 ? argv[2] : "";
        if (shell == "bash")
            fmt::print("{}", bash_completion(root));
        else if (shell == "zsh")
            fmt::print("{}", zsh_completion(root));
        else {
            fmt::print(stderr, "error: --completion takes 'bash' or 'zsh'\n");
            return exit_code::kUsage;
        }
        return exit_code::kOk;
    }
    auto commands = all_commands_of(root);
    if (argc < 3) {
        for (const auto* c : commands) fmt::print("{}\n", c->page_name());
        return exit_code::kOk;
    }
    std::string readme;
    if (argc >= 4) {
        std::ifstream in(argv[3], std::ios::binary);
        if (!in) {
            fmt::print(stderr, "error: cannot open '{}'\n", argv[3]);
            return exit_code::kIo;
        }
        readme.assign(std::istreambuf_iterator<char>(in), {});
    }
    for (const auto* c : commands)
        if (c->page_name() == argv[2]) {
            fmt::print("{}", man_page(root, *c, readme));
            return exit_code::kOk;
        }
    fmt::print(stderr, "error: no manual page '{}' (stablepick --man lists them)\n", argv[2]);
    return exit_code::kNotFound;
}

}  // namespace stablepick::cli
