// Manual pages in roff (man(7) macros), one per command, from the CLI11 app's options and
// descriptions and, for the DESCRIPTION, from README.md's table of commands.
#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "stablepick/cli/cli_reference.hpp"
#include "stablepick/core/version.hpp"

namespace stablepick::cli {

namespace {

// Text as roff shows it literally: backslashes escaped, '-' as a real minus (groff would print a
// hyphen that cannot be pasted into a shell), and a line never starting with a control char.
std::string roff(std::string_view text) {
    std::string out;
    bool line_start = true;
    for (char c : text) {
        if (line_start && (c == '.' || c == '\'')) out += "\\&";
        if (c == '\\')
            out += "\\e";
        else if (c == '-')
            out += "\\-";
        else
            out += c;
        line_start = c == '\n';
    }
    return out;
}

// README markdown of one table cell or paragraph: `code` bold, **strong** bold, '\|' a bar.
std::string roff_from_markdown(std::string_view md) {
    std::string out;
    bool code = false, strong = false;
    for (size_t i = 0; i < md.size(); ++i) {
        char c = md[i];
        if (c == '\\' && i + 1 < md.size() && md[i + 1] == '|') {
            out += '|';
            ++i;
        } else if (c == '`') {
            code = !code;
            out += code ? "\\fB" : "\\fR";
        } else if (!code && c == '*' && i + 1 < md.size() && md[i + 1] == '*') {
            strong = !strong;
            out += strong ? "\\fB" : "\\fR";
            ++i;
        } else {
            out += roff(std::string_view(&md[i], 1));
        }
    }
    if (code || strong) out += "\\fR";
    return out;
}

std::string capitalized_sentence(std::string text) {
    if (text.empty()) return text;
    if (text.front() >= 'a' && text.front() <= 'z') text.front() = char(text.front() - 'a' + 'A');
    if (text.back() != '.') text += '.';
    return text;
}

std::vector<std::string> words_of(std::string_view text) {
    std::vector<std::string> out;
    std::istringstream in{std::string(text)};
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

// The rows of README's command table that describe `command`: the first cell is a code span
// that starts with the command's path ("cve classify COMMIT…"); for a command with
// subcommands, rows of a subcommand are left to the subcommand's page.
std::vector<std::string> readme_rows(std::string_view readme, const CommandInfo& command) {
    std::vector<std::string> rows;
    if (command.path.empty()) return rows;
    std::istringstream in{std::string(readme)};
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with("| `")) continue;
        size_t end = line.find("` | ", 3);
        if (end == std::string::npos) continue;
        auto words = words_of(std::string_view(line).substr(3, end - 3));
        if (words.size() < command.path.size()) continue;
        if (!std::equal(command.path.begin(), command.path.end(), words.begin())) continue;
        if (words.size() > command.path.size()) {
            const auto& next = words[command.path.size()];
            bool is_sub = false;
            for (const auto& s : command.subcommands) is_sub |= s.path.back() == next;
            if (is_sub) continue;
        }
        std::string text = line.substr(end + 4);
        while (!text.empty() && (text.back() == ' ' || text.back() == '|')) text.pop_back();
        rows.push_back(text);
    }
    return rows;
}

// README's first paragraph after the title: what stablepick is.
std::string readme_intro(std::string_view readme) {
    std::istringstream in{std::string(readme)};
    std::string paragraph;
    bool started = false;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("#")) {
            if (started) break;
            continue;
        }
        if (line.empty()) {
            if (started) break;
            continue;
        }
        started = true;
        paragraph += (paragraph.empty() ? "" : " ") + line;
    }
    return paragraph;
}

std::string option_label(const OptionInfo& o) {
    std::string label;
    for (const auto& n : o.names) {
        if (!label.empty()) label += ", ";
        label += "\\fB" + roff(n) + "\\fR";
    }
    if (!o.flag) label += " \\fI" + roff(o.value_name) + "\\fR";
    if (o.repeatable) label += " ...";
    return label;
}

std::string option_text(const OptionInfo& o) {
    std::string text = roff(capitalized_sentence(o.description));
    if (!o.choices.empty()) {
        std::string list;
        for (const auto& c : o.choices) list += (list.empty() ? "" : ", ") + c;
        text += " One of: " + roff(list) + ".";
    }
    if (!o.default_value.empty()) text += " [default: " + roff(o.default_value) + "]";
    if (o.required) text += " Required.";
    return text;
}

void option_list(std::string& out, const std::vector<OptionInfo>& options) {
    for (const auto& o : options)
        out += fmt::format(".TP\n{}\n{}\n", option_label(o), option_text(o));
}

std::string synopsis_arguments(const CommandInfo& c) {
    std::string s;
    if (!c.options.empty()) s += " [\\fIoptions\\fR]";
    if (!c.subcommands.empty()) s += " \\fIcommand\\fR [\\fIcommand options\\fR]";
    for (const auto& p : c.positionals) {
        std::string arg = "\\fI" + roff(p.names.front()) + "\\fR" + (p.repeatable ? "..." : "");
        s += p.required ? " " + arg : " [" + arg + "]";
    }
    return s;
}

}  // namespace

std::string man_page(const CommandInfo& root, const CommandInfo& command, std::string_view readme) {
    std::string name = command.page_name();
    std::string upper;
    for (char c : name) upper += char(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    std::string out;
    out += fmt::format(
        ".\\\" Generated by 'stablepick --man {}' from the --help text; do not edit.\n", name);
    out += fmt::format(".TH \"{}\" \"1\" \"{}\" \"stablepick {}\" \"stablepick Manual\"\n",
                       roff(upper), kVersionDate, roff(kVersion));
    out += ".nh\n.ad l\n";  // no hyphenation, ragged right: option names stay whole
    // The app's own description starts with its name ("stablepick: find ...").
    std::string summary = command.summary;
    if (summary.starts_with(name + ": ")) summary = summary.substr(name.size() + 2);
    out += ".SH NAME\n" + roff(name) + " \\- " + roff(summary) + "\n";

    out += ".SH SYNOPSIS\n";
    if (command.path.empty()) {
        out +=
            "\\fBstablepick\\fR [\\fIglobal options\\fR] \\fIcommand\\fR [\\fIcommand "
            "options\\fR]\n";
    } else {
        std::string words;
        for (const auto& p : command.path) words += " " + roff(p);
        out += "\\fBstablepick\\fR [\\fIglobal options\\fR] \\fB" + words.substr(1) + "\\fR" +
               synopsis_arguments(command) + "\n";
        out +=
            ".br\n\\fBgit stablepick\\fR" + std::string(" \\fB") + words.substr(1) + "\\fR ...\n";
    }

    out += ".SH DESCRIPTION\n";
    if (command.path.empty()) {
        std::string intro = readme_intro(readme);
        out += (intro.empty() ? roff(capitalized_sentence(command.summary))
                              : roff_from_markdown(intro)) +
               "\n";
        out +=
            ".PP\nEvery command takes \\fB\\-\\-help\\fR and has a manual page of its own, "
            "named below. Installed as \\fBgit\\-stablepick\\fR too, it runs as "
            "\\fBgit stablepick\\fR.\n";
    } else {
        out += roff(capitalized_sentence(command.summary)) + "\n";
        for (const auto& row : readme_rows(readme, command))
            out += ".PP\n" + roff_from_markdown(row) + "\n";
    }

    if (!command.subcommands.empty()) {
        out += ".SH COMMANDS\n";
        for (const auto& s : command.subcommands)
            out += fmt::format(".TP\n\\fB{}\\fR\n{} See \\fB{}\\fR(1).\n", roff(s.path.back()),
                               roff(capitalized_sentence(s.summary)), roff(s.page_name()));
    }
    if (!command.positionals.empty()) {
        out += ".SH ARGUMENTS\n";
        option_list(out, command.positionals);
    }
    if (!command.options.empty()) {
        out += command.path.empty() ? ".SH GLOBAL OPTIONS\n" : ".SH OPTIONS\n";
        if (command.path.empty())
            out += "They come before the command (and are also taken after it).\n";
        option_list(out, command.options);
    }
    if (!command.path.empty())
        out +=
            ".PP\nThe global options (\\fB\\-C\\fR, \\fB\\-\\-db\\fR, \\fB\\-\\-config\\fR, "
            "\\fB\\-q\\fR, \\fB\\-v\\fR) are described in \\fBstablepick\\fR(1).\n";
    if (!root.footer.empty()) out += ".SH EXIT STATUS\n" + roff(root.footer) + "\n";

    out += ".SH SEE ALSO\n";
    std::vector<std::string> see;
    if (!command.path.empty()) see.push_back("stablepick");
    if (command.path.size() > 1) {
        CommandInfo parent;
        parent.path.assign(command.path.begin(), command.path.end() - 1);
        see.push_back(parent.page_name());
    }
    for (const auto& s : command.subcommands) see.push_back(s.page_name());
    if (command.path.empty())
        for (const auto& s : root.subcommands) see.push_back(s.page_name());
    see.push_back("git");
    std::string list;
    for (size_t i = 0; i < see.size(); ++i) {
        auto& s = see[i];
        if (std::find(see.begin(), see.begin() + long(i), s) != see.begin() + long(i)) continue;
        list += (list.empty() ? "" : ",\n") + fmt::format("\\fB{}\\fR(1)", roff(s));
    }
    out += list + "\n";
    return out;
}

}  // namespace stablepick::cli
