#pragma once
// Tags that name releases. A project writes a release tag as a prefix of its own and a version:
// "v6.6.74" (kernel), "glibc-2.39", "RELEASE-1.17.6", "v256-rc3". Which prefix names releases
// is learned from the tags the stable branches carry (or, when they carry none, the main
// branch's), compared without case; `[cve] tag_prefix` overrides it with a pattern.
//
// Pure functions over tag names; thread safe.
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/core/error.hpp"

namespace re2 {
class RE2;
}

namespace stablepick {

struct VersionTag {
    std::string prefix;      // as written: "v", "glibc-", "RELEASE-", "" for a bare version
    std::string version;     // "6.6.74", "2.39", "6.8-rc3"
    std::vector<int> parts;  // 6, 6, 74
    int rc = 0;              // 3 for -rc3, 0 for a release
};

// A tag name as a prefix without digits and a version (numbers joined by dots, maybe -rcN, in
// any case); nullopt for a name that ends in no version ("v6.6-tree"), whose prefix has
// digits ("cvs/libc-2_1_3"), or that marks the start of development (glibc's 2.42.9000).
std::optional<VersionTag> parse_version_tag(std::string_view name);

class ReleaseTags {
  public:
    // The prefix (compared without case) most of the stable branches' version tags carry, and
    // any other that a tenth of them (two at least) carry; when the stable branches carry no
    // version tag, the same of the main branch's.
    // `stable_tags` and `main_tags` are tag names; any that are no version tag are ignored.
    static ReleaseTags learn(std::span<const std::string> stable_tags,
                             std::span<const std::string> main_tags);
    // The tags whose name starts with a match of RE2 `pattern` (without case) followed by a
    // version: `[cve] tag_prefix`. kInvalidInput for a pattern that does not compile.
    static Result<ReleaseTags> from_pattern(const std::string& pattern);
    // from_pattern(pattern) when it is not empty, else learn(...).
    static Result<ReleaseTags> choose(const std::string& pattern,
                                      std::span<const std::string> stable_tags,
                                      std::span<const std::string> main_tags);

    // The release `tag` names, its version without the prefix; nullopt when it names none.
    std::optional<VersionTag> release(std::string_view tag) const;
    // `tag` without its release prefix ("glibc-2.39" -> "2.39"); unchanged when it has none.
    std::string strip_prefix(std::string_view tag) const;
    // The prefixes taken, lower case ("" is a bare version); empty for a pattern or none.
    const std::vector<std::string>& prefixes() const { return prefixes_; }
    // What was taken and from which tags, for a person: "prefix 'v' (412 of the stable
    // branches' 430 version tags)", "[cve] tag_prefix '(v|glibc-)'", "none: ...".
    const std::string& description() const { return description_; }
    // Whether any tag was found to name releases (always true for a pattern).
    bool found() const { return !pattern_.empty() || !prefixes_.empty(); }
    const std::string& pattern() const { return pattern_; }

  private:
    std::vector<std::string> prefixes_;
    std::string pattern_;
    std::shared_ptr<const re2::RE2> re_;  // the pattern, compiled once
    std::string description_;
};

}  // namespace stablepick
