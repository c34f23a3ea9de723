#include "stablepick/git/git_runner.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "stablepick/util/process.hpp"

namespace stablepick::git {
namespace {

std::string subcommand(const std::vector<std::string>& args) {
    return args.empty() ? "" : args.front();
}

// Where a text of more than `max_bytes` is cut: before a UTF-8 sequence the cut would split.
// The text may already end at max_bytes, so the tail is checked, not the byte after it.
size_t cut_point(std::string_view text, size_t max_bytes) {
    size_t end = std::min(max_bytes, text.size());
    size_t lead = end;
    while (lead > 0 && end - lead < 4 &&
           (static_cast<unsigned char>(text[lead - 1]) & 0xC0) == 0x80)
        --lead;
    if (lead == 0) return end;
    auto c = static_cast<unsigned char>(text[lead - 1]);
    size_t len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    return lead - 1 + len > end ? lead - 1 : end;
}

}  // namespace

std::string first_line(std::string_view text) {
    auto line = text.substr(0, text.find('\n'));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '.'))
        line.remove_suffix(1);
    return std::string(line);
}

Result<GitRun> spawn_git(const std::filesystem::path& git_dir, const std::vector<std::string>& args,
                         size_t max_output_bytes, std::chrono::milliseconds timeout) {
    std::vector<std::string> argv{"git",
                                  "--no-pager",
                                  "-c",
                                  "core.pager=cat",
                                  "-c",
                                  "log.showSignature=false",
                                  "-c",
                                  "core.fsmonitor=false",
                                  "--git-dir=" + git_dir.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    util::ProcessOptions options;
    options.max_output_bytes = max_output_bytes;
    options.timeout = timeout;
    // Nothing inherited may point git at another repository, pager or diff program; its
    // prompts, system config and optional locks are off; LC_ALL=C keeps its messages stable.
    options.drop_env = {"GIT_DIR", "GIT_WORK_TREE",     "GIT_INDEX_FILE", "GIT_PAGER",
                        "PAGER",   "GIT_EXTERNAL_DIFF", "GIT_ASKPASS"};
    options.extra_env = {"GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1", "GIT_OPTIONAL_LOCKS=0",
                         "LC_ALL=C"};
    options.own_group = true;
    auto run = util::run_process(argv, options);
    if (!run) {
        if (run.error().message.find("timed out") != std::string::npos)
            return fail(ErrorCode::kUnavailable, fmt::format("git {} timed out after {} ms",
                                                             subcommand(args), timeout.count()));
        return std::unexpected(run.error());
    }
    return GitRun{run->exit_code, std::move(run->out), std::move(run->err), run->output_cut};
}

std::string with_cut_marker(std::string text, size_t max_bytes) {
    text.resize(cut_point(text, max_bytes));
    if (!text.empty() && text.back() != '\n') text += '\n';
    return text + fmt::format("[… output cut at {} bytes …]\n", max_bytes);
}

std::string cap_output(std::string text, size_t max_bytes) {
    if (text.size() <= max_bytes) return text;
    return with_cut_marker(std::move(text), max_bytes);
}

Result<std::string> run_git(const std::filesystem::path& git_dir,
                            const std::vector<std::string>& args, size_t max_output_bytes,
                            std::chrono::milliseconds timeout) {
    auto run = spawn_git(git_dir, args, max_output_bytes, timeout);
    if (!run) return std::unexpected(run.error());
    if (run->cut) return with_cut_marker(std::move(run->out), max_output_bytes);
    if (run->exit_code != 0) {
        auto line = first_line(run->err);
        return fail(ErrorCode::kUnavailable,
                    line.empty() ? fmt::format("git {} exited with status {}", subcommand(args),
                                               run->exit_code)
                                 : fmt::format("git {}: {}", subcommand(args), line));
    }
    return std::move(run->out);
}

}  // namespace stablepick::git
