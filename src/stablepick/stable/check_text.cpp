#include "stablepick/stable/check_text.hpp"

#include <fmt/format.h>

#include "stablepick/util/mail.hpp"

namespace stablepick::stable {

std::string short_refs(const std::vector<CommitRef>& refs) {
    std::vector<std::string> out;
    for (auto& r : refs)
        out.push_back(fmt::format("{} (\"{}\")", r.id.substr(0, 12),
                                  util::one_line(r.subject, util::kMaxSubjectChars)));
    return fmt::format("{}", fmt::join(out, ", "));
}

std::string tree_line(const TreeCheck& t) {
    if (!t.already_there.empty())
        return fmt::format("{}: already there ({})", t.branch, t.already_there);
    if (!t.affected) return fmt::format("{}: not affected: {}", t.branch, t.affected_reason);
    std::string applies =
        t.applies == "clean"   ? "applies cleanly"
        : t.applies == "3-way" ? "applies with a 3-way merge (git am -3)"
        : t.applies == "no changes"
            ? "changes nothing there: a 3-way merge leaves the branch as it is (git am -3 says "
              "\"No changes\")"
        : t.applies == "conflict"
            ? fmt::format("conflicts in {}", fmt::join(t.conflicts, ", "))
            : fmt::format("cannot tell whether it applies: {}", fmt::join(t.conflicts, ", "));
    std::string line = fmt::format("{}: {}", t.branch, applies);
    if (!t.missing_files.empty())
        line += fmt::format("; files missing there: {}", fmt::join(t.missing_files, ", "));
    if (!t.missing_functions.empty())
        line += fmt::format("; functions missing there: {}", fmt::join(t.missing_functions, ", "));
    if (!t.prerequisites.empty()) line += "; needs first: " + short_refs(t.prerequisites);
    return line;
}

}  // namespace stablepick::stable
