#include "stablepick/text/release_tags.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <memory>

namespace stablepick {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// The version at the end of a name, after a prefix with no digits.
const RE2& version_tag_re() {
    static const RE2 re(R"(([^0-9]*)(\d+(?:\.\d+)*(?:-(?i:rc)\d+)?))");
    return re;
}

std::optional<VersionTag> split(const std::string& prefix, std::string_view rest) {
    static const RE2 version_re(R"((\d+(?:\.\d+)*)(?:-(?i:rc)(\d+))?)");
    std::string number, rc;
    if (!RE2::FullMatch(rest, version_re, &number, &rc)) return std::nullopt;
    VersionTag t;
    t.prefix = prefix;
    t.version = std::string(rest);
    size_t at = 0;
    while (at <= number.size()) {
        size_t dot = number.find('.', at);
        if (dot == std::string::npos) dot = number.size();
        // Long runs of digits are not release numbers anyone counts up to.
        if (dot - at > 9) return std::nullopt;
        t.parts.push_back(std::stoi(number.substr(at, dot - at)));
        at = dot + 1;
    }
    // glibc's 2.42.9000 marks where development of 2.43 began: not a release.
    for (int part : t.parts)
        if (part >= 9000) return std::nullopt;
    t.rc = rc.empty() || rc.size() > 9 ? 0 : std::stoi(rc);
    return t;
}

std::string quoted_list(const std::vector<std::string>& names) {
    std::vector<std::string> q;
    for (auto& n : names) q.push_back(fmt::format("'{}'", n));
    return fmt::format("{}", fmt::join(q, ", "));
}

}  // namespace

std::optional<VersionTag> parse_version_tag(std::string_view name) {
    std::string prefix, version;
    if (!RE2::FullMatch(name, version_tag_re(), &prefix, &version)) return std::nullopt;
    return split(prefix, version);
}

ReleaseTags ReleaseTags::learn(std::span<const std::string> stable_tags,
                               std::span<const std::string> main_tags) {
    // Prefixes without case, each with how many tags carry it and its usual spelling.
    struct Counted {
        int n = 0;
        std::map<std::string, int> spellings;
        std::string spelled() const {
            auto best = spellings.begin();
            for (auto it = spellings.begin(); it != spellings.end(); ++it)
                if (it->second > best->second) best = it;
            return best->first;
        }
    };
    auto count = [](std::span<const std::string> tags) {
        std::map<std::string, Counted> by_prefix;
        for (auto& name : tags)
            if (auto t = parse_version_tag(name)) {
                auto& entry = by_prefix[lower(t->prefix)];
                ++entry.n;
                ++entry.spellings[t->prefix];
            }
        return by_prefix;
    };
    ReleaseTags out;
    auto stable = count(stable_tags);
    bool from_stable = !stable.empty();
    auto counted = from_stable ? std::move(stable) : count(main_tags);
    int total = 0;
    for (auto& [key, entry] : counted) total += entry.n;
    if (total == 0) {
        out.description_ =
            "none: no tag on the main or stable branches is a version (v1.2, glibc-2.39); name "
            "their prefix with [cve] tag_prefix";
        return out;
    }
    // The most used prefix, and others with a tenth of the version tags and two at least: a
    // prefix used now and then (a test tag, a build number) is not how the project names
    // releases.
    int top = 0;
    for (auto& [key, entry] : counted) top = std::max(top, entry.n);
    std::vector<std::pair<int, std::string>> taken;
    std::vector<std::string> spelled;
    for (auto& [key, entry] : counted)
        if (entry.n == top || (entry.n >= 2 && entry.n * 10 >= total))
            taken.emplace_back(entry.n, key);
    std::ranges::sort(taken, std::greater<>());
    int used = 0;
    for (auto& [n, key] : taken) {
        out.prefixes_.push_back(key);
        spelled.push_back(counted[key].spelled());
        used += n;
    }
    out.description_ =
        fmt::format("{} {} ({} of the {} branch{} {} version tags)",
                    spelled.size() == 1 ? "prefix" : "prefixes", quoted_list(spelled), used,
                    from_stable ? "stable" : "main", from_stable ? "es'" : "'s", total);
    return out;
}

Result<ReleaseTags> ReleaseTags::from_pattern(const std::string& pattern) {
    auto re = std::make_shared<RE2>("(?i)^(?:" + pattern + ")");
    if (!re->ok())
        return fail(ErrorCode::kInvalidInput,
                    fmt::format("invalid cve.tag_prefix '{}': {}", pattern, re->error()));
    ReleaseTags out;
    out.pattern_ = pattern;
    out.re_ = std::move(re);
    out.description_ = fmt::format("[cve] tag_prefix '{}'", pattern);
    return out;
}

Result<ReleaseTags> ReleaseTags::choose(const std::string& pattern,
                                        std::span<const std::string> stable_tags,
                                        std::span<const std::string> main_tags) {
    if (!pattern.empty()) return from_pattern(pattern);
    return learn(stable_tags, main_tags);
}

std::optional<VersionTag> ReleaseTags::release(std::string_view tag) const {
    if (re_) {
        re2::StringPiece input(tag.data(), tag.size());
        if (!RE2::Consume(&input, *re_)) return std::nullopt;
        size_t eaten = static_cast<size_t>(input.data() - tag.data());
        return split(std::string(tag.substr(0, eaten)), tag.substr(eaten));
    }
    auto t = parse_version_tag(tag);
    if (!t || std::ranges::find(prefixes_, lower(t->prefix)) == prefixes_.end())
        return std::nullopt;
    return t;
}

std::string ReleaseTags::strip_prefix(std::string_view tag) const {
    if (re_) {
        re2::StringPiece input(tag.data(), tag.size());
        if (RE2::Consume(&input, *re_)) return std::string(input.data(), input.size());
        return std::string(tag);
    }
    std::string folded = lower(tag);
    // The longest prefix taken that the tag starts with.
    size_t best = 0;
    for (auto& p : prefixes_)
        if (folded.starts_with(p) && p.size() > best) best = p.size();
    return std::string(tag.substr(best));
}

}  // namespace stablepick
