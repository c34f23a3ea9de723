#include "stablepick/ingest/changelog.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include "stablepick/text/message.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick {
namespace {

// git log's default date: "Sat Jan 23 16:04:06 2021 +0100"
std::optional<int64_t> parse_git_log_date(std::string_view s) {
    static const RE2 kDate(R"(\w+\s+(\w+)\s+(\d+)\s+(\d+:\d+:\d+)\s+(\d{4})\s+([+-]\d{4}))");
    std::string mon, day, time, year, tz;
    if (!RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), kDate, &mon, &day, &time, &year,
                           &tz))
        return std::nullopt;
    return util::parse_rfc2822_date(fmt::format("{} {} {} {} {}", day, mon, year, time, tz));
}

}  // namespace

std::optional<ChangelogRelease> release_of_changelog(const std::string& file_name) {
    static const RE2 kName(R"(ChangeLog-(\d+)\.(\d+)(\.\d+)?(\.txt)?)");
    std::string major, minor, patch, ext;
    if (!RE2::FullMatch(file_name, kName, &major, &minor, &patch, &ext)) return std::nullopt;
    return ChangelogRelease{major + "." + minor + patch, "linux-" + major + "." + minor + ".y"};
}

Result<ChangelogParse> parse_changelog(const std::string& file_name, std::string_view text) {
    auto release = release_of_changelog(file_name);
    if (!release)
        return fail(
            ErrorCode::kInvalidInput,
            fmt::format("'{}' is not named like a stable ChangeLog (ChangeLog-X.Y.Z)", file_name));
    ChangelogParse out;
    static const RE2 kCommitLine(R"(^commit ([0-9a-f]{40})\b)");
    static const RE2 kIdLine(R"(^\s*([0-9a-f]{40})\s*$)");
    std::string stable_id;
    int64_t stable_time = 0;
    std::string message;
    int id_lines = 0, other_lines = 0;
    auto flush = [&] {
        if (stable_id.empty()) return;
        if (message.find("\nLinux " + release->release) != std::string::npos ||
            message.starts_with("Linux " + release->release))
            out.release_time = stable_time;
        for (auto& m : find_backport_markers(message))
            out.labels.push_back(
                {m.id, release->branch, stable_id, stable_time, "changelog", release->release});
        message.clear();
    };
    size_t pos = 0;
    bool git_log_form = false;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        re2::StringPiece piece(line.data(), line.size());
        std::string id;
        if (RE2::PartialMatch(piece, kCommitLine, &id)) {
            flush();
            git_log_form = true;
            stable_id = id;
            stable_time = 0;
            continue;
        }
        if (git_log_form) {
            if (line.starts_with("Date:"))
                stable_time = parse_git_log_date(line.substr(5)).value_or(0);
            else if (line.starts_with("    ")) {
                message.append(line.substr(4));
                message += '\n';
            }
            continue;
        }
        if (RE2::FullMatch(piece, kIdLine, &id)) {
            ++id_lines;
            out.labels.push_back({id, release->branch, "", 0, "changelog", release->release});
        } else if (!line.empty()) {
            ++other_lines;
        }
    }
    flush();
    if (git_log_form) {
        // The release date dates every label of this release: that is when users got them.
        for (auto& l : out.labels)
            if (out.release_time) l.stable_time = out.release_time;
        return out;
    }
    if (id_lines == 0 || other_lines > id_lines)
        return fail(
            ErrorCode::kInvalidInput,
            fmt::format("'{}' is neither a git log ChangeLog nor a list of commit ids", file_name));
    out.id_list = true;
    return out;
}

}  // namespace stablepick
