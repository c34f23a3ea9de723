#pragma once
// The MAINTAINERS file of the kernel's form: sections of "M:" maintainers, "R:" reviewers,
// "L:" lists and "F:"/"X:" file patterns. Answers who to copy on a change to some paths.
#include <string>
#include <vector>

namespace stablepick::stable {

class Maintainers {
  public:
    static Maintainers parse(const std::string& text);
    // "Name <email>" of the maintainers, reviewers and lists of every section whose F: patterns
    // match one of `paths` (and no X: pattern excludes it), each once, in file order.
    std::vector<std::string> for_paths(const std::vector<std::string>& paths) const;
    bool empty() const { return sections_.empty(); }

  private:
    struct Section {
        std::vector<std::string> people;  // M:, R:, L:
        std::vector<std::string> files, excludes;
    };
    std::vector<Section> sections_;
};

// Whether a MAINTAINERS F: pattern matches a path: "dir/" matches everything below, a pattern
// with wildcards matches within one directory level, anything else matches exactly.
bool maintainers_pattern_matches(const std::string& pattern, const std::string& path);

}  // namespace stablepick::stable
