#pragma once
// kernel.org stable ChangeLog files: which upstream commits a stable release carries.
// Two forms: `git log` output of the release (stable commit, date, message with
// "commit <sha> upstream." / "[ Upstream commit <sha> ]"), or a plain list of upstream ids.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/core/error.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick {

struct ChangelogRelease {
    std::string release;  // "5.10.12"
    std::string branch;   // "linux-5.10.y"
};

// "ChangeLog-5.10.12" or "ChangeLog-5.10.12.txt" -> release and branch; nullopt otherwise.
std::optional<ChangelogRelease> release_of_changelog(const std::string& file_name);

struct ChangelogParse {
    std::vector<BackportLabel> labels;  // main_id may be abbreviated in git log form
    bool id_list = false;               // the plain-list form (no stable ids, no dates)
    int64_t release_time = 0;           // date of the "Linux X.Y.Z" commit, when present
};

// Parses `text` of the file named `file_name`. kInvalidInput, naming the file, when the name
// carries no release or the text is neither form.
Result<ChangelogParse> parse_changelog(const std::string& file_name, std::string_view text);

}  // namespace stablepick
