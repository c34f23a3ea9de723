#include "stablepick/llm/git_tools.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <string_view>
#include <thread>

#include "stablepick/git/git_runner.hpp"

namespace stablepick::llm {
namespace {

using git::cap_output;
using git::first_line;
using git::spawn_git;
using git::with_cut_marker;

// read_file must see the lines before start_line, so it reads more than it returns.
constexpr size_t kMaxFileBytes = 32 * 1024 * 1024;
constexpr size_t kMaxRefLength = 200;
constexpr size_t kMaxPathLength = 4096;
constexpr int64_t kMaxLineNumber = 100'000'000;
constexpr int64_t kReadFileDefaultLines = 200;

// Providers send tool results as JSON strings, which must be UTF-8; commit messages and files
// in old histories are not always.
std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        size_t len = c < 0x80           ? 1
                     : (c >> 5) == 0x6  ? 2
                     : (c >> 4) == 0xE  ? 3
                     : (c >> 3) == 0x1E ? 4
                                        : 0;
        bool ok = len > 0 && i + len <= text.size();
        for (size_t k = 1; ok && k < len; ++k)
            ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
        if (ok && len > 1) {
            uint32_t cp = c & (0x7F >> len);
            for (size_t k = 1; k < len; ++k)
                cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
            static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
            ok = cp >= kMin[len] && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
        }
        if (ok) {
            out.append(text.substr(i, len));
            i += len;
        } else {
            out += "\xEF\xBF\xBD";  // U+FFFD
            ++i;
        }
    }
    return out;
}

// A bad argument: the model reads why, and git never runs.
struct BadArgument {
    std::string message;
};

[[noreturn]] void bad(std::string message) {
    throw BadArgument{std::move(message)};
}

bool valid_ref(std::string_view ref) {
    if (ref.empty() || ref.size() > kMaxRefLength) return false;
    auto word = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '_';
    };
    if (!word(ref.front())) return false;
    for (char c : ref)
        if (!word(c) && std::string_view("./@^~+-").find(c) == std::string_view::npos) return false;
    return ref.find("..") == std::string_view::npos;
}

std::optional<std::string> path_problem(std::string_view path) {
    if (path.empty()) return "is empty";
    if (path.size() > kMaxPathLength) return "is too long";
    if (path.front() == '-') return "starts with '-'";
    if (path.front() == '/') return "is absolute; give it relative to the top of the repository";
    if (path.find('\0') != std::string_view::npos) return "contains a NUL byte";
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = std::min(path.find('/', start), path.size());
        if (path.substr(start, end - start) == "..") return "contains '..'";
        start = end + 1;
    }
    return std::nullopt;
}

// Reads the arguments of one call, refusing anything it was not asked for.
class Arguments {
  public:
    Arguments(const nlohmann::json& json, std::vector<std::string_view> known) : json_(json) {
        if (json.is_null()) return;
        if (!json.is_object()) bad("arguments must be a JSON object");
        for (auto& [key, value] : json.items())
            if (std::ranges::find(known, key) == known.end())
                bad(fmt::format("unknown argument '{}' (this tool takes: {})", key,
                                fmt::join(known, ", ")));
    }

    std::optional<std::string> text(const std::string& name) const {
        const auto* v = find(name);
        if (!v) return std::nullopt;
        if (!v->is_string()) bad(fmt::format("argument '{}' must be a string", name));
        auto s = v->get<std::string>();
        if (s.find('\0') != std::string::npos)
            bad(fmt::format("argument '{}' contains a NUL byte", name));
        return s;
    }

    std::string required_text(const std::string& name) const {
        auto s = text(name);
        if (!s) bad(fmt::format("missing required argument '{}'", name));
        if (s->empty()) bad(fmt::format("argument '{}' must not be empty", name));
        return *s;
    }

    std::string ref(const std::string& name, const std::optional<std::string>& fallback) const {
        auto s = fallback ? text(name).value_or(*fallback) : required_text(name);
        if (!valid_ref(s))
            bad(fmt::format("argument '{}': '{}' is not a commit id, branch or tag name", name, s));
        return s;
    }

    std::optional<std::string> path(const std::string& name) const {
        auto s = text(name);
        if (!s) return std::nullopt;
        if (auto problem = path_problem(*s))
            bad(fmt::format("argument '{}': path '{}' {}", name, *s, *problem));
        return s;
    }

    std::string required_path(const std::string& name) const {
        auto s = path(name);
        if (!s) bad(fmt::format("missing required argument '{}'", name));
        return *s;
    }

    std::optional<int64_t> positive(const std::string& name) const {
        const auto* v = find(name);
        if (!v) return std::nullopt;
        std::optional<int64_t> n;
        if (v->is_number_unsigned()) {
            auto u = v->get<uint64_t>();
            if (u <= static_cast<uint64_t>(kMaxLineNumber)) n = static_cast<int64_t>(u);
        } else if (v->is_number_integer()) {
            n = v->get<int64_t>();
        } else if (v->is_number_float()) {
            double d = v->get<double>();  // 5.0 is an integer, 5.5 is not
            if (d >= 1 && d <= static_cast<double>(kMaxLineNumber) &&
                d == static_cast<double>(static_cast<int64_t>(d)))
                n = static_cast<int64_t>(d);
        }
        if (!n || *n < 1 || *n > kMaxLineNumber)
            bad(fmt::format("argument '{}' must be a positive integer", name));
        return n;
    }

    bool flag(const std::string& name) const {
        const auto* v = find(name);
        if (!v) return false;
        if (!v->is_boolean()) bad(fmt::format("argument '{}' must be true or false", name));
        return v->get<bool>();
    }

  private:
    // A null is an argument left out: some providers send every property.
    const nlohmann::json* find(const std::string& name) const {
        if (!json_.is_object()) return nullptr;
        auto it = json_.find(name);
        if (it == json_.end() || it->is_null()) return nullptr;
        return &*it;
    }

    const nlohmann::json& json_;
};

[[noreturn]] void bad_line_range(const std::string& range, std::string_view why) {
    bad(fmt::format("argument 'line_range': '{}' {}; give 'start,end:path' or ':function:path'",
                    range, why));
}

// The line range of a git log -L: "start,end:path" or ":funcname:path".
std::string log_line_range(const std::string& range) {
    auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    auto is_word = [&](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || is_digit(c);
    };
    size_t path_at = 0;
    if (!range.empty() && range.front() == ':') {
        size_t end = range.find(':', 1);
        if (end == std::string::npos || end == 1) bad_line_range(range, "has no function name");
        std::string_view func(range.data() + 1, end - 1);
        if (is_digit(func.front()) || !std::ranges::all_of(func, is_word))
            bad_line_range(range, "has a bad function name");
        path_at = end + 1;
    } else {
        size_t comma = range.find(',');
        size_t colon = range.find(':');
        if (comma == std::string::npos || colon == std::string::npos || comma > colon)
            bad_line_range(range, "is not a range");
        std::string_view start(range.data(), comma),
            end(range.data() + comma + 1, colon - comma - 1);
        if (start.empty() || end.empty() || start.size() > 9 || end.size() > 9 ||
            !std::ranges::all_of(start, is_digit) || !std::ranges::all_of(end, is_digit))
            bad_line_range(range, "is not a range of line numbers");
        int64_t s = std::stoll(std::string(start)), e = std::stoll(std::string(end));
        if (s < 1 || e < s)
            bad_line_range(range, "has line numbers that are not positive and in order");
        path_at = colon + 1;
    }
    std::string_view path(range.data() + path_at, range.size() - path_at);
    if (auto problem = path_problem(path))
        bad_line_range(range, fmt::format("names a path that {}", *problem));
    return "-L" + range;
}

nlohmann::json object_schema(nlohmann::json properties, std::vector<std::string> required) {
    return {{"type", "object"},
            {"properties", std::move(properties)},
            {"required", std::move(required)}};
}

nlohmann::json typed(const char* type, const std::string& description) {
    return {{"type", type}, {"description", description}};
}

const char* const kRefHelp =
    "a commit id (full or abbreviated), branch or tag; may end in ~N or ^ (default HEAD)";

}  // namespace

Result<std::string> run_git(const std::filesystem::path& git_dir,
                            const std::vector<std::string>& args, size_t max_output_bytes,
                            std::chrono::milliseconds timeout) {
    return git::run_git(git_dir, args, max_output_bytes, timeout);
}

GitTools::GitTools(std::filesystem::path git_dir, ToolLimits limits, SimilarCommits similar)
    : git_dir_(std::move(git_dir)), limits_(limits), similar_(std::move(similar)) {}

std::vector<ToolSpec> GitTools::specs() const {
    std::vector<ToolSpec> tools{
        {"git_show",
         "Show a commit: author, dates, full message and diff (with stat_only, only the list of "
         "files "
         "it changed). Use it to read a commit named in a Fixes: tag or a message.",
         object_schema(
             {{"commit", typed("string", "a commit id (full or abbreviated), branch or tag")},
              {"stat_only", typed("boolean", "list the changed files instead of the diff")}},
             {"commit"})},
        {"git_log",
         "List commits reachable from a ref, newest first (id, date, author, subject). Narrow it "
         "to a "
         "path, to messages matching a regular expression (grep), or to the history of a line "
         "range or "
         "function (line_range, which also prints each change). Use it to see whether a stable "
         "branch "
         "already has a fix or the commit that introduced a bug.",
         object_schema(
             {{"ref", typed("string", kRefHelp)},
              {"path", typed("string", "only commits that touch this file or directory")},
              {"grep",
               typed("string",
                     "only commits whose message matches this extended regular expression")},
              {"line_range",
               typed("string",
                     "history of lines, as git log -L: 'start,end:path' or ':function_name:path'; "
                     "not together with path")},
              {"max_count",
               typed("integer", "at most this many commits (default 20, at most 50)")}},
             {})},
        {"git_blame",
         "Which commit last changed each line of a file at a ref. Use it to find the commit that "
         "introduced the code a fix changes, and whether a stable branch has it.",
         object_schema(
             {{"ref", typed("string", kRefHelp)},
              {"path", typed("string", "the file, relative to the top of the repository")},
              {"start_line", typed("integer", "first line (default 1)")},
              {"end_line", typed("integer", "last line (default the end of the file)")}},
             {"path"})},
        {"grep",
         "Search the files at a ref for an extended regular expression; prints ref:path:line:text "
         "for "
         "each match, or 'no match'. Use it to check whether a function, variable or call exists "
         "at a "
         "stable branch.",
         object_schema({{"ref", typed("string", kRefHelp)},
                        {"pattern", typed("string", "extended regular expression (grep -E)")},
                        {"path", typed("string", "only in this file or directory")}},
                       {"pattern"})},
        {"read_file",
         "Read a file as it is at a ref, with line numbers (at most 200 lines a call). Read it at "
         "a "
         "stable branch to check that the code a fix changes exists there in the same form.",
         object_schema(
             {{"ref", typed("string", kRefHelp)},
              {"path", typed("string", "the file, relative to the top of the repository")},
              {"start_line", typed("integer", "first line (default 1)")},
              {"end_line", typed("integer", "last line (default start_line + 199)")}},
             {"path"})},
    };
    if (similar_)
        tools.push_back(
            {"similar_commits",
             "The past commits most similar to a commit, each with whether it was backported "
             "to a stable branch. Use it to see how comparable changes were judged.",
             object_schema({{"commit", typed("string", "a commit id, branch or tag")},
                            {"k", typed("integer", "how many (default 5, at most 20)")}},
                           {"commit"})});
    return tools;
}

std::string GitTools::call(const std::string& name, const nlohmann::json& arguments) const {
    return call(name, arguments, limits_.timeout);
}

std::string GitTools::call(const std::string& name, const nlohmann::json& arguments,
                           std::chrono::milliseconds timeout) const {
    const size_t max_bytes = limits_.max_output_bytes;
    const auto time_limit =
        std::max(std::chrono::milliseconds(1), std::min(limits_.timeout, timeout));
    auto git_error = [](const Error& e) { return "error: " + e.message; };
    try {
        std::vector<std::string> git_args;
        if (name == "git_show") {
            Arguments args(arguments, {"commit", "stat_only"});
            auto commit = args.ref("commit", std::nullopt);
            git_args = {"show", "--no-color", "--no-ext-diff", "--no-textconv", "--format=fuller"};
            if (args.flag("stat_only")) git_args.push_back("--stat");
            git_args.insert(git_args.end(), {commit, "--"});
        } else if (name == "git_log") {
            Arguments args(arguments, {"ref", "path", "grep", "line_range", "max_count"});
            auto ref = args.ref("ref", "HEAD");
            auto path = args.path("path");
            auto grep = args.text("grep");
            auto range = args.text("line_range");
            auto count = std::min<int64_t>(args.positive("max_count").value_or(20), 50);
            if (path && range) bad("give either 'path' or 'line_range', not both");
            git_args = {"log",
                        "--no-color",
                        "--no-ext-diff",
                        "--no-textconv",
                        fmt::format("-n{}", count),
                        "--date=short",
                        "--format=%H %ad %an%n    %s"};
            if (grep && !grep->empty()) git_args.insert(git_args.end(), {"-E", "--grep=" + *grep});
            if (range) git_args.push_back(log_line_range(*range));
            git_args.insert(git_args.end(), {ref, "--"});
            if (path) git_args.push_back(*path);
        } else if (name == "git_blame") {
            Arguments args(arguments, {"ref", "path", "start_line", "end_line"});
            auto ref = args.ref("ref", "HEAD");
            auto path = args.required_path("path");
            auto start = args.positive("start_line"), end = args.positive("end_line");
            if (start && end && *end < *start) bad("'end_line' is before 'start_line'");
            git_args = {"blame", "--no-textconv"};
            if (start || end)
                git_args.insert(git_args.end(),
                                {"-L", fmt::format("{},{}", start ? fmt::format("{}", *start) : "",
                                                   end ? fmt::format("{}", *end) : "")});
            git_args.insert(git_args.end(), {ref, "--", path});
        } else if (name == "grep") {
            Arguments args(arguments, {"ref", "pattern", "path"});
            auto ref = args.ref("ref", "HEAD");
            auto pattern = args.required_text("pattern");
            auto path = args.path("path");
            // The pattern follows -e, so one starting with '-' is still a pattern.
            git_args = {"grep", "--no-color", "-n", "-E", "-I", "-e", pattern, ref, "--"};
            if (path) git_args.push_back(*path);
            auto run = spawn_git(git_dir_, git_args, max_bytes, time_limit);
            if (!run) return git_error(run.error());
            if (run->cut) return valid_utf8(with_cut_marker(std::move(run->out), max_bytes));
            if (run->exit_code == 1 && first_line(run->err).empty()) return "no match\n";
            if (run->exit_code != 0) return "error: git grep: " + valid_utf8(first_line(run->err));
            return valid_utf8(run->out);
        } else if (name == "read_file") {
            Arguments args(arguments, {"ref", "path", "start_line", "end_line"});
            auto ref = args.ref("ref", "HEAD");
            auto path = args.required_path("path");
            int64_t start = args.positive("start_line").value_or(1);
            int64_t end = args.positive("end_line").value_or(start + kReadFileDefaultLines - 1);
            if (end < start) bad("'end_line' is before 'start_line'");
            auto blob = run_git(git_dir_, {"show", "--no-color", "--no-textconv", ref + ":" + path},
                                std::max(kMaxFileBytes, max_bytes), time_limit);
            if (!blob) return git_error(blob.error());
            if (blob->find('\0') != std::string::npos)
                return fmt::format("error: '{}' at '{}' is a binary file", path, ref);
            std::string numbered;
            int64_t lines = 0;
            size_t at = 0;
            while (at < blob->size()) {
                size_t eol = blob->find('\n', at);
                size_t next = eol == std::string::npos ? blob->size() : eol + 1;
                ++lines;
                if (lines >= start && lines <= end) {
                    size_t line_end = eol == std::string::npos ? blob->size() : eol;
                    numbered += fmt::format("{:6}  {}\n", lines,
                                            std::string_view(*blob).substr(at, line_end - at));
                }
                at = next;
            }
            if (start > lines)
                return fmt::format("error: '{}' at '{}' has {} lines, fewer than start_line {}",
                                   path, ref, lines, start);
            if (end < lines)
                numbered += fmt::format("[… {} more lines; ask with start_line {} …]\n",
                                        lines - end, end + 1);
            return valid_utf8(cap_output(std::move(numbered), max_bytes));
        } else if (name == "similar_commits" && similar_) {
            Arguments args(arguments, {"commit", "k"});
            auto commit = args.ref("commit", std::nullopt);
            auto k = std::min<int64_t>(args.positive("k").value_or(5), 20);
            auto text = similar_(commit, static_cast<int>(k));
            if (!text) return cap_output(valid_utf8("error: " + text.error().message), max_bytes);
            return valid_utf8(cap_output(std::move(*text), max_bytes));
        } else {
            return cap_output(valid_utf8(fmt::format("error: unknown tool {}", name)), max_bytes);
        }
        auto out = run_git(git_dir_, git_args, max_bytes, time_limit);
        if (!out) return valid_utf8(git_error(out.error()));
        return valid_utf8(*out);  // run_git has cut it already
    } catch (const BadArgument& e) {
        return cap_output(valid_utf8("error: " + e.message), max_bytes);
    } catch (const std::exception& e) {
        return valid_utf8(fmt::format("error: {} failed: {}", name, e.what()));
    } catch (...) {
        return fmt::format("error: {} failed", valid_utf8(name));
    }
}

}  // namespace stablepick::llm
