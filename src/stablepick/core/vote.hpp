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

struct Vote {
    std::string voter;
    Verdict verdict = Verdict::kAbstain;
    double probability = 0;             // that the commit belongs in stable; meaningless on abstain
    std::string reason;                 // one short line a maintainer reads
    std::vector<std::string> evidence;  // what the voter looked at (precedent ids, features)
    std::string error;                  // non-empty when the voter failed (it then abstains)
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
