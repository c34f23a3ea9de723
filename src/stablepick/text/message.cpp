#include "stablepick/text/message.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

namespace stablepick {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool is_hex(char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

// Commit ids in free text: 7..40 hex characters standing alone, not "#123" issue numbers,
// not "CID#1234567" and not plain decimal numbers.
std::vector<std::string> commit_ids_in(std::string_view text) {
    std::vector<std::string> ids;
    size_t i = 0;
    while (i < text.size()) {
        if (!is_hex(text[i])) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < text.size() && is_hex(text[j])) ++j;
        bool starts_word = i == 0 || !(std::isalnum(static_cast<unsigned char>(text[i - 1])) ||
                                       text[i - 1] == '#' || text[i - 1] == '_' ||
                                       text[i - 1] == '/' || text[i - 1] == '-');
        bool ends_word = j == text.size() ||
                         !(std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_');
        size_t len = j - i;
        std::string_view token = text.substr(i, len);
        bool all_digits = std::ranges::all_of(token, [](char c) { return c >= '0' && c <= '9'; });
        if (starts_word && ends_word && len >= 7 && len <= 40 && !all_digits)
            ids.push_back(lower(token));
        i = j;
    }
    return ids;
}

bool starts_with_key(std::string_view line, std::string_view key, std::string_view& rest) {
    if (line.size() <= key.size()) return false;
    for (size_t i = 0; i < key.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(line[i])) !=
            std::tolower(static_cast<unsigned char>(key[i])))
            return false;
    std::string_view after = line.substr(key.size());
    if (after.front() == ':')
        after.remove_prefix(1);
    else if (!std::isspace(static_cast<unsigned char>(after.front())))
        return false;
    rest = trim(after);
    return true;
}

Trailer classify(std::string key, std::string_view raw_value) {
    Trailer t;
    t.key = std::move(key);
    std::string_view value = trim(raw_value);
    // "Cc: stable@vger.kernel.org # 5.10.x" keeps the comment apart from the address.
    if (auto hash = value.find(" #"); hash != std::string_view::npos) {
        t.comment = std::string(trim(value.substr(hash + 2)));
        value = trim(value.substr(0, hash));
    } else if (auto h2 = value.find("\t#"); h2 != std::string_view::npos) {
        t.comment = std::string(trim(value.substr(h2 + 2)));
        value = trim(value.substr(0, h2));
    }
    t.value = std::string(value);
    std::string k = lower(t.key);
    std::string v = lower(t.value);
    if (k == "cc") {
        if (v.find("stable+noautosel@") != std::string::npos)
            t.kind = Trailer::Kind::kCcNoAutosel;
        else if (v.find("stable@") != std::string::npos)
            t.kind = Trailer::Kind::kCcStable;
    } else if (k == "signed-off-by") {
        t.kind = Trailer::Kind::kSignedOffBy;
    } else if (k == "reported-by") {
        t.kind = Trailer::Kind::kReportedBy;
    } else if (k == "link") {
        t.kind = Trailer::Kind::kLink;
    } else if (k == "closes") {
        t.kind = Trailer::Kind::kCloses;
    }
    return t;
}

// Fixes-like lines: "Fixes: <sha> ("subject")", "Follow-up for <sha>.", "Fixes #123".
void add_fixes(std::string_view key, std::string_view rest, std::vector<Trailer>& out) {
    auto ids = commit_ids_in(rest);
    if (ids.empty()) {
        Trailer t;
        t.key = std::string(key);
        t.value = std::string(rest);
        t.kind = Trailer::Kind::kFixesIssue;
        out.push_back(std::move(t));
        return;
    }
    for (auto& id : ids) {
        Trailer t;
        t.key = std::string(key);
        t.value = std::string(rest);
        t.kind = Trailer::Kind::kFixes;
        t.ref_id = id;
        // The quoted subject follows the id: ("subject") with the last ") closing it.
        auto pos = lower(rest).find(id);
        auto open = rest.find("(\"", pos);
        if (open != std::string_view::npos && ids.size() == 1) {
            auto close = rest.rfind("\")");
            if (close != std::string_view::npos && close > open)
                t.ref_subject = std::string(rest.substr(open + 2, close - open - 2));
        }
        out.push_back(std::move(t));
    }
}

bool is_trailer_line(std::string_view line, std::string_view& key, std::string_view& value) {
    size_t i = 0;
    if (line.empty() || !std::isalnum(static_cast<unsigned char>(line[0]))) return false;
    while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '-'))
        ++i;
    if (i == 0 || i >= line.size() || line[i] != ':') return false;
    key = line.substr(0, i);
    value = line.substr(i + 1);
    // "https://..." would otherwise look like a trailer named "https".
    return value.empty() || value.front() == ' ' || value.front() == '\t';
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        if (end == text.size()) break;
        start = end + 1;
    }
    return lines;
}

}  // namespace

std::string to_valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    auto* s = reinterpret_cast<const unsigned char*>(text.data());
    while (i < text.size()) {
        unsigned char c = s[i];
        // Well-formed UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates
        // (U+D800..U+DFFF), nothing above U+10FFFF. What JSON writers and SQLite's text
        // functions accept, and nothing else.
        size_t len = c < 0x80                 ? 1
                     : c >= 0xc2 && c <= 0xdf ? 2
                     : c >= 0xe0 && c <= 0xef ? 3
                     : c >= 0xf0 && c <= 0xf4 ? 4
                                              : 0;
        bool ok = len > 0 && i + len <= text.size();
        if (ok && len > 1) {
            unsigned char lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
            unsigned char hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
            ok = s[i + 1] >= lo && s[i + 1] <= hi;
            for (size_t k = 2; ok && k < len; ++k) ok = (s[i + k] & 0xc0) == 0x80;
        }
        if (ok) {
            out.append(text.substr(i, len));
            i += len;
        } else {
            out.append("\xEF\xBF\xBD");
            ++i;
        }
    }
    return out;
}

std::string latin1_to_utf8(std::string_view in) {
    std::string out;
    out.reserve(in.size() + in.size() / 8);
    for (unsigned char ch : in) {
        if (ch < 0x80) {
            out.push_back(static_cast<char>(ch));
        } else {
            out.push_back(static_cast<char>(0xc0 | (ch >> 6)));
            out.push_back(static_cast<char>(0x80 | (ch & 0x3f)));
        }
    }
    return out;
}

std::vector<BackportMarker> find_backport_markers(std::string_view message) {
    // Each form is closed (a bracket or parenthesis right after the id) or is the whole line, so
    // prose that happens to say "... what master commit abcf15fa8f does" is not taken for one.
    static const RE2 kCherryPick(R"((?i)\(cherry[- ]picked from commit ([0-9a-f]{7,40})\))");
    static const RE2 kUpstreamBracket(
        R"((?i)\[[ \t]*(?:backported from[ \t]+)?upstream commit:?[ \t]+([0-9a-f]{7,40})[ \t]*\])");
    static const RE2 kUpstreamLine(R"((?im)^[ \t]*commit ([0-9a-f]{7,40}) upstream\.?[ \t]*$)");
    static const RE2 kMasterBracket(
        R"((?im)^[ \t]*\[[ \t]*master commit:?[ \t]+([0-9a-f]{7,40})[ \t]*\][ \t]*$)");
    static const RE2 kMasterColon(R"((?im)^[ \t]*master commit:[ \t]*([0-9a-f]{7,40})\.?[ \t]*$)");
    struct Found {
        size_t pos;
        BackportMarker marker;
    };
    std::vector<Found> found;
    auto scan = [&](const RE2& re, const char* form) {
        re2::StringPiece input(message.data(), message.size());
        re2::StringPiece match;
        while (RE2::FindAndConsume(&input, re, &match)) {
            found.push_back(
                {static_cast<size_t>(match.data() - message.data()),
                 BackportMarker{lower(std::string_view(match.data(), match.size())), form}});
        }
    };
    scan(kCherryPick, "cherry-pick");
    scan(kUpstreamBracket, "upstream");
    scan(kUpstreamLine, "upstream");
    scan(kMasterBracket, "master-commit");
    scan(kMasterColon, "master-commit");
    std::ranges::sort(found, {}, &Found::pos);
    std::vector<BackportMarker> out;
    for (auto& f : found) out.push_back(std::move(f.marker));
    return out;
}

void parse_message(std::string_view raw, const TrailerConfig& config, Commit& commit) {
    std::string message = to_valid_utf8(raw);
    auto lines = split_lines(message);
    // The subject is the first paragraph joined, as git shows it with %s.
    size_t i = 0;
    while (i < lines.size() && trim(lines[i]).empty()) ++i;
    std::string subject;
    for (; i < lines.size() && !trim(lines[i]).empty(); ++i) {
        if (!subject.empty()) subject += ' ';
        subject += std::string(trim(lines[i]));
    }
    commit.subject = subject;
    while (i < lines.size() && trim(lines[i]).empty()) ++i;
    std::string body;
    for (size_t k = i; k < lines.size(); ++k) {
        body.append(lines[k]);
        body += '\n';
    }
    while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.pop_back();
    commit.body = body;

    auto body_lines = split_lines(commit.body);
    commit.trailers.clear();
    // Fixes-like references may stand anywhere in the body (systemd writes them in prose).
    for (auto line : body_lines) {
        std::string_view l = trim(line);
        for (auto& key : config.fixes_keys) {
            std::string_view rest;
            if (starts_with_key(l, key, rest)) {
                add_fixes(l.substr(0, key.size()), rest, commit.trailers);
                break;
            }
        }
    }
    // Other trailers: the last paragraph whose lines are "Key: value" (git's trailer block),
    // allowing marker lines such as "[ Upstream commit ... ]" inside it, and the paragraphs
    // just before it when every line of them is a trailer: DPDK writes "Fixes: …" and
    // "Cc: stable@dpdk.org" in a paragraph of their own above the Signed-off-by lines.
    size_t end = body_lines.size();
    while (end > 0 && trim(body_lines[end - 1]).empty()) --end;
    size_t begin = end;
    while (begin > 0 && !trim(body_lines[begin - 1]).empty()) --begin;
    while (begin > 0) {
        size_t prev_end = begin;
        while (prev_end > 0 && trim(body_lines[prev_end - 1]).empty()) --prev_end;
        size_t prev_begin = prev_end;
        while (prev_begin > 0 && !trim(body_lines[prev_begin - 1]).empty()) --prev_begin;
        if (prev_begin == prev_end) break;
        bool all_trailers = true;
        for (size_t k = prev_begin; k < prev_end && all_trailers; ++k) {
            std::string_view key, value;
            all_trailers = is_trailer_line(body_lines[k], key, value);
        }
        if (!all_trailers) break;
        begin = prev_begin;
    }
    for (size_t k = begin; k < end; ++k) {
        std::string_view key, value;
        if (!is_trailer_line(body_lines[k], key, value)) continue;
        bool is_fixes = false;
        for (auto& fk : config.fixes_keys)
            if (lower(fk) == lower(key)) is_fixes = true;
        if (is_fixes) continue;  // already taken above
        commit.trailers.push_back(classify(std::string(key), value));
    }

    commit.markers = find_backport_markers(message);

    static const RE2 kReverts(R"((?i)this reverts commit ([0-9a-f]{7,40}))");
    std::string reverted;
    commit.is_revert =
        commit.subject.starts_with("Revert \"") || commit.subject.starts_with("Revert '");
    if (RE2::PartialMatch(message, kReverts, &reverted)) {
        commit.revert_of = lower(reverted);
        commit.is_revert = true;
    } else {
        commit.revert_of.reset();
    }
}

}  // namespace stablepick
