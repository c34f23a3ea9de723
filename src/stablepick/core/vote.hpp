#pragma once
// What a voter says about one commit, and what the ballot makes of all of them.
#include <string>
#include <vector>

namespace stablepick {

enum class Verdict { kYes, kNo, kAbstain };

inline const char* verdict_name(Verdict v) {
    switch (v) {
        case Verdict::kYes:
            return "yes";
        case Verdict::kNo:
            return "no";
        case Verdict::kAbstain:
            return "abstain";
    }
    return "abstain";
}

// A read-only tool an LLM voter called while deciding, and what it read.
struct ToolCallRecord {
    std::string tool;
    std::string arguments;  // JSON
    std::string output;     // as the model saw it (bounded)
};

struct Vote {
    std::string voter;
    Verdict verdict = Verdict::kAbstain;
    double probability = 0;             // that the commit belongs in stable; meaningless on abstain
    std::string reason;                 // one short line a maintainer reads
    std::vector<std::string> evidence;  // what the voter looked at (precedent ids, features)
    std::string error;                  // non-empty when the voter failed (it then abstains)
    std::string explanation;            // an LLM's reasons and risks, for the review and the mail
    std::vector<ToolCallRecord> tool_calls;
    bool cached = false;  // the answer came from the request cache
    // The voter's own score before calibration. It ranks as `probability` does, without the
    // ties an isotonic calibration makes of distinct scores (the backtest ranks by both).
    double score = 0;
};

// The grounded prompt an LLM voter sends for one commit (llm/prompt.hpp builds it).
struct Prompt {
    std::string system;
    std::string user;
    std::string hash;  // of system + user
};

struct BallotResult {
    double probability = 0;  // calibrated
    double raw_score = 0;    // before calibration (yes share or stacked score)
    bool selected = false;   // probability >= the policy's threshold
    int yes = 0, answered = 0, failed = 0;
    std::vector<Vote> votes;
    std::vector<std::string> reasons;  // the strongest few, best first
};

}  // namespace stablepick
