#include "stablepick/llm/answer.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace stablepick::llm {
namespace {

std::string upper(std::string s) {
    std::ranges::transform(s, s.begin(), [](unsigned char c) { return std::toupper(c); });
    return s;
}

std::vector<std::string> strings(const nlohmann::json& j, const char* key) {
    std::vector<std::string> out;
    if (!j.contains(key)) return out;
    auto& v = j[key];
    if (v.is_string()) out.push_back(v.get<std::string>());
    if (v.is_array())
        for (auto& s : v)
            if (s.is_string()) out.push_back(s.get<std::string>());
    return out;
}

// The JSON object answer: each balanced {...} in the text, last first, that has a decision.
std::optional<ModelAnswer> json_answer(const std::string& text) {
    std::vector<std::pair<size_t, size_t>> objects;  // top-level balanced braces, strings respected
    int depth = 0;
    bool in_string = false, escaped = false;
    size_t start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"' && depth > 0) in_string = true;
        if (c == '{' && depth++ == 0) start = i;
        if (c == '}' && depth > 0 && --depth == 0) objects.emplace_back(start, i + 1);
    }
    for (auto it = objects.rbegin(); it != objects.rend(); ++it) {
        auto j =
            nlohmann::json::parse(text.substr(it->first, it->second - it->first), nullptr, false);
        if (j.is_discarded() || !j.is_object()) continue;
        const nlohmann::json* decision = nullptr;
        for (const char* key : {"decision", "answer", "verdict", "backport"})
            if (j.contains(key)) decision = &j[key];
        if (!decision) continue;
        ModelAnswer a;
        if (decision->is_boolean()) {
            a.yes = decision->get<bool>();
        } else if (decision->is_string()) {
            auto d = upper(decision->get<std::string>());
            if (d == "YES" || d == "Y" || d == "TRUE" || d == "BACKPORT" || d == "ASSIGN CVE")
                a.yes = true;
            else if (d == "NO" || d == "N" || d == "FALSE" || d == "NO CVE NEEDED")
                a.yes = false;
            else
                continue;
        } else {
            continue;
        }
        if (j.contains("confidence") && j["confidence"].is_number()) {
            double c = j["confidence"].get<double>();
            if (c > 1 && c <= 100) c /= 100;  // a percentage
            a.confidence = std::clamp(c, 0.0, 1.0);
        }
        a.reasons = strings(j, "reasons");
        if (a.reasons.empty()) a.reasons = strings(j, "reason");
        // The security question's analysis, first: what the bug is and who can reach it.
        std::vector<std::string> analysis;
        for (auto [key, label] : {std::pair{"root_cause", "root cause"},
                                  {"attack_vector", "attack vector"},
                                  {"privileges", "privileges needed"},
                                  {"impact", "impact"}})
            for (auto& text : strings(j, key))
                analysis.push_back(fmt::format("{}: {}", label, text));
        a.reasons.insert(a.reasons.begin(), analysis.begin(), analysis.end());
        a.risks = strings(j, "risks");
        a.cited_commits = strings(j, "cited_commits");
        return a;
    }
    return std::nullopt;
}

}  // namespace

std::string strip_thinking(const std::string& text) {
    std::string out = text;
    for (auto [open, close] :
         {std::pair{"<think>", "</think>"}, std::pair{"<thinking>", "</thinking>"}}) {
        for (size_t at; (at = out.find(open)) != std::string::npos;) {
            size_t end = out.find(close, at);
            out.erase(at, end == std::string::npos ? std::string::npos
                                                   : end + std::string_view(close).size() - at);
        }
    }
    return out;
}

std::optional<ModelAnswer> parse_answer(const std::string& raw) {
    std::string text = strip_thinking(raw);
    if (auto a = json_answer(text)) return a;
    // Prose: the last explicit decision wins (models often restate the question first).
    static const RE2 labelled(
        R"((?i)(?:answer|decision|verdict|final answer|backport)\s*[:=]\s*\**\s*(yes|no)\b)");
    static const RE2 bold(R"(\*\*\s*(YES|NO)\s*\**)");
    static const RE2 alone(R"((?m)^\s*\W{0,3}(YES|NO)\W{0,3}\s*$)");
    static const RE2 cve(R"((ASSIGN CVE|NO CVE NEEDED))");  // the security question's verdicts
    std::optional<std::pair<size_t, bool>> found;
    for (const RE2* re : {&labelled, &bold, &alone, &cve}) {
        re2::StringPiece input(text), word;
        while (RE2::FindAndConsume(&input, *re, &word)) {
            size_t at = static_cast<size_t>(word.data() - text.data());
            if (!found || at >= found->first)
                found = std::pair{
                    at, upper(std::string(word)) == "YES" || std::string(word) == "ASSIGN CVE"};
        }
    }
    if (!found) return std::nullopt;
    ModelAnswer a;
    a.yes = found->second;
    a.prose = text;
    // The prose's first sentences serve as its reason.
    std::string trimmed = text.substr(0, 2000);
    std::ranges::replace(trimmed, '\n', ' ');
    size_t first = trimmed.find_first_not_of(" \t");
    if (first != std::string::npos) a.reasons.push_back(trimmed.substr(first, 300));
    return a;
}

}  // namespace stablepick::llm
