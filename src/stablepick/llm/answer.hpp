#pragma once
// Reads a model's answer. The prompt asks for one JSON object:
//   {"decision": "YES"|"NO", "confidence": 0..1, "reasons": [...], "risks": [...],
//    "cited_commits": [...]}
// Models that answer in prose are read too: <think>…</think> blocks are dropped, then a JSON
// object (bare or in a ```json fence) is preferred, else the last decision written as
// "ANSWER: YES", "Decision: NO", a bold **YES**/**NO**, or a final line that is just YES or NO.
// Anything else is no answer (nullopt): the voter abstains and the run goes on.
#include <optional>
#include <string>
#include <vector>

namespace stablepick::llm {

struct ModelAnswer {
    bool yes = false;
    double confidence = -1;  // 0..1 when the model said; -1 otherwise
    std::vector<std::string> reasons;
    std::vector<std::string> risks;
    std::vector<std::string> cited_commits;
    std::string prose;  // the answer with thinking removed, when it was not JSON
};

std::optional<ModelAnswer> parse_answer(const std::string& text);

// `text` without <think>…</think> (and <thinking>…</thinking>) blocks; an unclosed block
// drops everything after it.
std::string strip_thinking(const std::string& text);

}  // namespace stablepick::llm
