#include "stablepick/stable/maintainers.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace stablepick::stable {

bool maintainers_pattern_matches(const std::string& pattern, const std::string& path) {
    if (pattern.empty()) return false;
    if (pattern.back() == '/') return path.starts_with(pattern);
    if (pattern.find_first_of("*?[") != std::string::npos)
        return ::fnmatch(pattern.c_str(), path.c_str(), FNM_PATHNAME) == 0;
    return path == pattern || path.starts_with(pattern + "/");
}

Maintainers Maintainers::parse(const std::string& text) {
    Maintainers m;
    Section current;
    auto flush = [&] {
        if (!current.files.empty() && !current.people.empty())
            m.sections_.push_back(std::move(current));
        current = {};
    };
    std::stringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.size() < 3 || line[1] != ':' ||
            !std::isupper(static_cast<unsigned char>(line[0]))) {
            if (line.empty()) flush();
            continue;
        }
        std::string value = line.substr(2);
        value.erase(0, value.find_first_not_of(" \t"));
        if (auto space = value.find(" ("); line[0] == 'L' && space != std::string::npos)
            value.resize(space);
        switch (line[0]) {
            case 'M':
            case 'R':
            case 'L':
                current.people.push_back(value);
                break;
            case 'F':
                current.files.push_back(value);
                break;
            case 'X':
                current.excludes.push_back(value);
                break;
            default:
                break;
        }
    }
    flush();
    return m;
}

std::vector<std::string> Maintainers::for_paths(const std::vector<std::string>& paths) const {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (auto& s : sections_) {
        bool match = std::ranges::any_of(paths, [&](const std::string& path) {
            return std::ranges::any_of(
                       s.files, [&](auto& f) { return maintainers_pattern_matches(f, path); }) &&
                   std::ranges::none_of(
                       s.excludes, [&](auto& x) { return maintainers_pattern_matches(x, path); });
        });
        if (!match) continue;
        for (auto& p : s.people)
            if (seen.insert(p).second) out.push_back(p);
    }
    return out;
}

}  // namespace stablepick::stable
