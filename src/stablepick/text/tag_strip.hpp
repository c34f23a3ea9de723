#pragma once
// `eval --strip-tag`: hides a nomination tag (DPDK's and the kernel's `Cc: stable`) from
// everything that scores a commit, to measure what the voters find without it. A trailer line
// the pattern matches goes whole (the trailer is the tag); in the subject and the prose only the
// matched words go, so the rest of the sentence still counts.
// Immutable after compile(); thread safe.
#include <memory>
#include <string>
#include <string_view>

#include "stablepick/core/error.hpp"
#include "stablepick/text/features.hpp"

namespace re2 {
class RE2;
}

namespace stablepick {

class TagStrip {
  public:
    // An RE2 pattern; kInvalidInput names it and the problem.
    static Result<TagStrip> compile(const std::string& pattern);

    // Whether a trailer ("Key: value") is the tag.
    bool hides_trailer(std::string_view trailer_line) const;
    // `text` line by line: trailer-looking lines the pattern matches dropped, the matched
    // words removed from the others.
    std::string strip(std::string_view text) const;
    // A subject: only the matched words go ("net: fix …" has the shape of a trailer too).
    std::string strip_words(std::string_view subject) const;
    // The subject and the body of what similarity reads.
    void apply(CommitText& text) const;

  private:
    std::shared_ptr<const re2::RE2> re_;
};

// Whether a line has the shape of a trailer: "Key: value", the key a word of letters, digits,
// '-' and '_' up to 40 long.
bool looks_like_trailer(std::string_view line);

}  // namespace stablepick
