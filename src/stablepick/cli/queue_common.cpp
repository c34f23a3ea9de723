#include "stablepick/cli/queue_common.hpp"

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>

#include "stablepick/queue/queue.hpp"
#include "stablepick/store/commit_reads.hpp"

namespace stablepick::cli {

Result<std::string> main_commit(Store& store, const std::string& prefix) {
    return queue::main_commit(store, prefix);
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
