#include "stablepick/git/blame.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <sstream>
#include <vector>

#include "stablepick/git/git_runner.hpp"

namespace stablepick::git {

Result<BlameOrigins> blame_lines(const Repository& repo, const std::string& path,
                                 std::span<const std::pair<int, int>> lines, const std::string& at,
                                 const std::string& since) {
    std::vector<std::string> args{"blame", "--porcelain"};
    for (size_t i = 0; i < lines.size() && i < 100; ++i)
        args.push_back(fmt::format("-L{},{}", lines[i].first, lines[i].second));
    args.push_back(since.empty() ? at : since + ".." + at);
    args.insert(args.end(), {"--", path});
    auto out = run_git(repo.git_dir(), args, 8 * 1024 * 1024, std::chrono::seconds(30));
    if (!out) return std::unexpected(out.error());
    BlameOrigins origins;
    std::stringstream text(*out);
    static const RE2 header(R"(([0-9a-f]{40}) \d+ \d+.*)");
    std::string id, current;
    for (std::string line; std::getline(text, line);) {
        if (RE2::FullMatch(line, header, &id)) {
            current = id;
            origins.commits.insert(id);
        } else if (line == "boundary") {  // the line is as old as `since`, or older
            origins.boundary.insert(current);
        }
    }
    return origins;
}

}  // namespace stablepick::git
