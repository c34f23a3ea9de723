#include "stablepick/history/resolve.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "stablepick/git/commit_search.hpp"
#include "stablepick/store/commit_subjects.hpp"

namespace stablepick {
namespace {

std::string trim(std::string s) {
    auto ws = [](unsigned char c) { return std::isspace(c) != 0; };
    while (!s.empty() && ws(s.back())) s.pop_back();
    size_t i = 0;
    while (i < s.size() && ws(s[i])) ++i;
    return s.substr(i);
}

// ("subject") or "subject" -> subject
std::string unquote_subject(std::string s) {
    s = trim(s);
    if (s.size() >= 2 && s.front() == '(' && s.back() == ')') s = trim(s.substr(1, s.size() - 2));
    if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
        s = s.substr(1, s.size() - 2);
    return s;
}

std::vector<std::string> split_wildcards(const std::string& pattern) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        size_t at = pattern.find("...", start);
        parts.push_back(
            pattern.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) break;
        start = at + 3;
    }
    return parts;
}

// Keeps the candidates whose subject matches, when a subject was given.
std::vector<ResolveCandidate> filter(std::vector<ResolveCandidate> in, const std::string& subject) {
    if (subject.empty()) return in;
    std::erase_if(in,
                  [&](const ResolveCandidate& c) { return !subject_matches(subject, c.subject); });
    return in;
}

// Decides from the commits the id names: true when `out` holds the answer (one or more
// matches, or not found without --force); false when a --force subject search must follow.
bool settle_by_id(std::vector<ResolveCandidate> by_id, const ResolveQuery& query,
                  ResolveOutcome& out) {
    auto kept = filter(by_id, query.subject);
    if (!kept.empty()) {
        out.candidates = std::move(kept);
        return true;
    }
    if (query.force) return false;
    // Without a subject, the id's candidates (if any) are the answer; with a subject that
    // matches none of them, nothing is.
    if (query.subject.empty()) out.candidates = std::move(by_id);
    return true;
}

template <typename Row>
std::vector<ResolveCandidate> candidates_of(std::vector<Row> rows) {
    std::vector<ResolveCandidate> out;
    out.reserve(rows.size());
    for (auto& r : rows) out.push_back({std::move(r.id), std::move(r.subject), r.time});
    return out;
}

}  // namespace

bool subject_matches(const std::string& raw_pattern, const std::string& subject) {
    std::string pattern = unquote_subject(raw_pattern);
    auto parts = split_wildcards(pattern);
    if (parts.size() == 1) return pattern == subject;
    size_t pos = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
        const auto& part = parts[i];
        if (i == 0) {
            if (!subject.starts_with(part)) return false;
            pos = part.size();
        } else if (i + 1 == parts.size()) {
            if (part.empty()) return true;
            if (subject.size() < pos + part.size() || !subject.ends_with(part)) return false;
        } else {
            auto at = subject.find(part, pos);
            if (at == std::string::npos) return false;
            pos = at + part.size();
        }
    }
    return true;
}

Result<ResolveQuery> parse_resolve_input(const std::string& text, const std::string& subject,
                                         bool force) {
    ResolveQuery q;
    q.force = force;
    std::string s = trim(text);
    // "Fixes: 1234abcd (\"subject\")" as pasted from a commit message.
    if (auto colon = s.find(':'); colon != std::string::npos && colon < 20) {
        std::string key = s.substr(0, colon);
        if (std::ranges::all_of(key, [](char c) {
                return std::isalpha(static_cast<unsigned char>(c)) || c == '-' || c == ' ';
            }))
            s = trim(s.substr(colon + 1));
    }
    size_t end = 0;
    while (end < s.size() && std::isxdigit(static_cast<unsigned char>(s[end]))) ++end;
    q.id = s.substr(0, end);
    std::ranges::transform(q.id, q.id.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string rest = trim(s.substr(end));
    q.subject = !subject.empty() ? unquote_subject(subject) : unquote_subject(rest);
    if (q.id.empty() && !rest.empty() && subject.empty()) {
        // Not an id at all: a subject alone, usable with --force.
        q.subject = unquote_subject(s);
    }
    if (q.id.size() > 40)
        return fail(ErrorCode::kInvalidInput, fmt::format("'{}' is longer than a commit id", q.id));
    if (q.id.empty() && q.subject.empty())
        return fail(ErrorCode::kInvalidInput, fmt::format("no commit id or subject in '{}'", text));
    if (q.id.empty() && !q.force)
        return fail(
            ErrorCode::kInvalidInput,
            fmt::format("no commit id in '{}': give one, or --force to search by subject", text));
    return q;
}

Result<ResolveOutcome> resolve_in_store(Store& store, const ResolveQuery& query) {
    ResolveOutcome out;
    if (!query.id.empty()) {
        auto rows = commits_with_id_prefix(store, query.id);
        if (!rows) return std::unexpected(rows.error());
        if (settle_by_id(candidates_of(std::move(*rows)), query, out)) return out;
    }
    if (query.subject.empty() || !query.force) return out;
    // --force: search by subject alone, exact first, then with the wildcards.
    std::string pattern = unquote_subject(query.subject);
    auto parts = split_wildcards(pattern);
    std::vector<ResolveCandidate> found;
    if (parts.size() == 1) {
        auto rows = commits_with_subject(store, pattern);
        if (!rows) return std::unexpected(rows.error());
        found = candidates_of(std::move(*rows));
    } else {
        // The text before the first "..." bounds an index range scan on the subject.
        auto rows = commits_with_subject_prefix(store, parts.front());
        if (!rows) return std::unexpected(rows.error());
        found = filter(candidates_of(std::move(*rows)), pattern);
    }
    out.candidates = std::move(found);
    out.by_subject_only = true;
    return out;
}

Result<ResolveOutcome> resolve_in_repository(const git::Repository& repo,
                                             const ResolveQuery& query) {
    ResolveOutcome out;
    if (!query.id.empty()) {
        auto by_id = git::commits_with_prefix(repo, query.id);
        if (!by_id) return std::unexpected(by_id.error());
        if (settle_by_id(candidates_of(std::move(*by_id)), query, out)) return out;
    }
    if (query.subject.empty() || !query.force) return out;
    auto r = git::each_reachable_commit(repo, [&](const git::ObjectId& oid) {
        if (auto c = git::commit_summary(repo, oid);
            c && subject_matches(query.subject, c->subject))
            out.candidates.push_back({std::move(c->id), std::move(c->subject), c->time});
    });
    if (!r) return std::unexpected(r.error());
    out.by_subject_only = true;
    return out;
}

}  // namespace stablepick
