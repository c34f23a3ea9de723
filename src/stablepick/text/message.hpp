#pragma once
// Parsing a commit message: subject, body, trailers, backport markers and revert references.
// Pure functions over text; thread safe.
#include <string>
#include <string_view>

#include "stablepick/core/commit.hpp"
#include "stablepick/core/config.hpp"

namespace stablepick {

// Splits `message` into commit.subject and commit.body and fills trailers, markers,
// is_revert and revert_of. Other fields of `commit` are left as they are.
void parse_message(std::string_view message, const TrailerConfig& config, Commit& commit);

// The backport markers in a message, in the order they appear (a cherry-pick chain gives
// several). Ids are lower case, possibly abbreviated. Forms: "(cherry picked from commit X)",
// "[ upstream commit X ]" (also "[ backported from upstream commit X ]"), "commit X upstream."
// alone on its line, "[ master commit X ]" or "master commit: X" alone on its line.
std::vector<BackportMarker> find_backport_markers(std::string_view message);

// Changed whenever find_backport_markers finds something else in some message, so the store
// re-derives the markers it keeps (`index` compares it with the store's "markers_version").
inline constexpr const char* kMarkerRulesVersion = "2";

// Text with invalid UTF-8 sequences replaced by U+FFFD, so everything stored is valid UTF-8.
std::string to_valid_utf8(std::string_view text);

// ISO-8859-1 bytes as UTF-8 (what a commit's "encoding" header or a mail's charset declares).
std::string latin1_to_utf8(std::string_view text);

}  // namespace stablepick
