#include "stablepick/store/resolve.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

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
        parts.push_back(pattern.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) break;
        start = at + 3;
    }
    return parts;
}

// Keeps the candidates whose subject matches, when a subject was given.
std::vector<ResolveCandidate> filter(std::vector<ResolveCandidate> in, const std::string& subject) {
    if (subject.empty()) return in;
    std::erase_if(in, [&](const ResolveCandidate& c) { return !subject_matches(subject, c.subject); });
    return in;
}

// Decides from the commits the id names: true when `out` holds the answer (one or more
// matches, or not found without --force); false when a --force subject search must follow.
bool settle_by_id(std::vector<ResolveCandidate> by_id, const ResolveQuery& query, ResolveOutcome& out) {
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

Status collect(util::Statement& q, std::vector<ResolveCandidate>& out) {
    while (true) {
        auto row = q.step();
        if (!row) return std::unexpected(Store::error(row.error(), "read commits"));
        if (!*row) break;
        out.push_back({q.text(0), q.text(1), q.int64(2)});
    }
    q.reset();
    return {};
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

Result<ResolveQuery> parse_resolve_input(const std::string& text, const std::string& subject, bool force) {
    ResolveQuery q;
    q.force = force;
    std::string s = trim(text);
    // "Fixes: 1234abcd (\"subject\")" as pasted from a commit message.
    if (auto colon = s.find(':'); colon != std::string::npos && colon < 20) {
        std::string key = s.substr(0, colon);
        if (std::ranges::all_of(key, [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '-' || c == ' '; }))
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
        return fail(ErrorCode::kInvalidInput,
                    fmt::format("no commit id in '{}': give one, or --force to search by subject", text));
    return q;
}

Result<ResolveOutcome> resolve_in_store(Store& store, const ResolveQuery& query) {
    ResolveOutcome out;
    auto& db = store.db();
    if (!query.id.empty()) {
        auto q = db.prepare(
            "SELECT sha, subject, commit_time FROM commits WHERE sha >= ?1 AND sha < ?1 || 'g' "
            "ORDER BY commit_time DESC LIMIT 200");
        if (!q) return std::unexpected(Store::error(q.error(), "read commits"));
        q->bind(1, query.id);
        std::vector<ResolveCandidate> by_id;
        if (auto r = collect(*q, by_id); !r) return std::unexpected(r.error());
        if (settle_by_id(std::move(by_id), query, out)) return out;
    }
    if (query.subject.empty() || !query.force) return out;
    // --force: search by subject alone, exact first, then with the wildcards.
    std::string pattern = unquote_subject(query.subject);
    auto parts = split_wildcards(pattern);
    std::vector<ResolveCandidate> found;
    if (parts.size() == 1) {
        auto q = db.prepare("SELECT sha, subject, commit_time FROM commits WHERE subject = ? "
                            "ORDER BY commit_time DESC LIMIT 200");
        if (!q) return std::unexpected(Store::error(q.error(), "read commits"));
        q->bind(1, pattern);
        if (auto r = collect(*q, found); !r) return std::unexpected(r.error());
    } else {
        // The text before the first "..." bounds an index range scan on the subject.
        // (Two statements: "?1 = '' OR ..." would keep SQLite from using the index at all.)
        auto q = parts.front().empty()
                     ? db.prepare("SELECT sha, subject, commit_time FROM commits ORDER BY commit_time DESC")
                     : db.prepare("SELECT sha, subject, commit_time FROM commits WHERE subject >= ?1 "
                                  "AND subject < ?1 || char(1114111) ORDER BY commit_time DESC");
        if (!q) return std::unexpected(Store::error(q.error(), "read commits"));
        if (!parts.front().empty()) q->bind(1, parts.front());
        std::vector<ResolveCandidate> range;
        if (auto r = collect(*q, range); !r) return std::unexpected(r.error());
        found = filter(std::move(range), pattern);
    }
    out.candidates = std::move(found);
    out.by_subject_only = true;
    return out;
}

Result<ResolveOutcome> resolve_in_repository(const git::Repository& repo, const ResolveQuery& query) {
    ResolveOutcome out;
    auto candidate_of = [&](const git_oid& oid) -> std::optional<ResolveCandidate> {
        auto c = repo.lookup_commit(oid);
        if (!c) return std::nullopt;
        const char* summary = git_commit_summary(c->get());
        return ResolveCandidate{git::to_hex(oid), summary ? summary : "", git_commit_time(c->get())};
    };
    // Every commit reachable from a ref, for ambiguous prefixes and subject searches.
    auto all_commits = [&](auto&& visit) -> Status {
        git_revwalk* raw = nullptr;
        if (int rc = git_revwalk_new(&raw, repo.get()); rc != 0)
            return std::unexpected(git::last_error(rc, "walk history"));
        git::RevwalkPtr walk(raw);
        git_revwalk_push_glob(walk.get(), "refs/*");
        git_oid oid;
        while (git_revwalk_next(&oid, walk.get()) == 0) visit(oid);
        return {};
    };
    if (!query.id.empty()) {
        std::vector<ResolveCandidate> by_id;
        git_object* obj = nullptr;
        git_oid prefix;
        int rc = GIT_EAMBIGUOUS;  // too short to look up: enumerate
        if (query.id.size() >= GIT_OID_MINPREFIXLEN &&
            git_oid_fromstrn(&prefix, query.id.data(), query.id.size()) == 0)
            rc = git_object_lookup_prefix(&obj, repo.get(), &prefix, query.id.size(), GIT_OBJECT_COMMIT);
        if (rc == 0) {
            git::ObjectPtr holder(obj);
            if (auto c = candidate_of(*git_object_id(obj))) by_id.push_back(*c);
        } else if (rc == GIT_EAMBIGUOUS) {
            auto r = all_commits([&](const git_oid& oid) {
                if (git::to_hex(oid).starts_with(query.id))
                    if (auto c = candidate_of(oid)) by_id.push_back(*c);
            });
            if (!r) return std::unexpected(r.error());
        }
        if (settle_by_id(std::move(by_id), query, out)) return out;
    }
    if (query.subject.empty() || !query.force) return out;
    auto r = all_commits([&](const git_oid& oid) {
        if (auto c = candidate_of(oid); c && subject_matches(query.subject, c->subject))
            out.candidates.push_back(*c);
    });
    if (!r) return std::unexpected(r.error());
    out.by_subject_only = true;
    return out;
}

}  // namespace stablepick
