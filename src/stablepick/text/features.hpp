#pragma once
// A commit as a bag of weighted terms for similarity: words of the message, identifiers of
// the changed lines, paths and their directories, and the functions the hunks touch.
// Terms are hashed into a fixed space, so no vocabulary is needed to count them.
// Pure functions; thread safe.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stablepick {

// What similarity looks at. Trailer lines (Signed-off-by, Cc, Link, …) are not in `body`'s
// terms: they name people and lists, and "Cc: stable" would leak the answer.
struct CommitText {
    std::string subject;
    std::string body;
    std::string diff;
    std::vector<std::string> paths;
    std::vector<std::string> functions;  // hunk headers
};

struct Term {
    uint32_t id;  // hashed term, < kTermSpace
    float count;  // weighted occurrences
};

inline constexpr uint32_t kTermSpace = 1u << 20;

// Sorted by id, one entry per id.
std::vector<Term> commit_terms(const CommitText& text);

// The identifier a hunk header names: "static int foo_bar(struct x *y)" -> "foo_bar".
std::string function_name(std::string_view hunk_header);

}  // namespace stablepick
