#include "stablepick/cli/queue_common.hpp"

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>

#include "stablepick/store/commit_reads.hpp"

namespace stablepick::cli {

Result<std::string> main_commit(Store& store, const std::string& prefix) {
    std::string p = prefix;
    for (auto& ch : p) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto found = store::main_commits_with_prefix(store, p, 2);
    if (!found) return std::unexpected(found.error());
    if (p.size() < 4 || found->empty())
        return fail(ErrorCode::kNotFound,
                    fmt::format("'{}' is not a main-branch commit in the store", prefix));
    if (found->size() > 1)
        return fail(ErrorCode::kAmbiguous, fmt::format("'{}' names more than one commit", prefix));
    return found->front();
}

std::string acting_user(const std::string& given) {
    if (!given.empty()) return given;
    const char* user = std::getenv("USER");
    if (user && *user) return user;
    // A service or a container often has no $USER; the account still has a name.
    if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_name && *pw->pw_name)
        return pw->pw_name;
    return "unknown";
}

}  // namespace stablepick::cli
