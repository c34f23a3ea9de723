#pragma once
// The lists stable-queue keeps beside its queues: `ignore_list`, the path globs AUTOSEL must
// not pick from (a commit touching one is proposed only with an explicit Cc: stable), and
// lists of dropped commits ("<id> [why]" per line), which become dropped candidates so they
// are never proposed again for that tree.
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/store/store.hpp"

namespace stablepick::stable {

// One glob per line; `#` starts a comment; blank lines are skipped.
std::vector<std::string> parse_ignore_list(std::string_view text);
// Replaces the store's ignore list (what review --target reads).
Status set_ignore_list(Store& store, const std::vector<std::string>& globs);
Result<std::vector<std::string>> ignore_list(Store& store);

struct DroppedLine {
    std::string commit;  // an id or a prefix of one
    std::string reason;  // the rest of the line; may be empty
};
// "<id> [why]" per line, `#` comments and blank lines skipped. A line that does not start with
// a hex id of at least 7 digits goes into `bad` (its line number and text).
std::vector<DroppedLine> parse_dropped_list(std::string_view text, std::vector<std::string>& bad);

}  // namespace stablepick::stable
