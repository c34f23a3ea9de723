#pragma once
// Naming a commit by the nearest tag behind it, as `git describe --tags` does.
#include <cstdint>
#include <optional>
#include <string>

#include "stablepick/git/repository.hpp"

namespace stablepick::git {

struct TagDescription {
    std::string tag;       // the tag's name as describe prints it: "v254.5"
    int64_t distance = 0;  // commits since the tag; 0 when the commit is the tagged one
};

// The nearest tag (annotated or lightweight) the commit descends from, and how far it is past
// it. nullopt when no tag is behind the commit or the commit cannot be read.
std::optional<TagDescription> describe_tags(const Repository& repo, const ObjectId& commit);

}  // namespace stablepick::git
