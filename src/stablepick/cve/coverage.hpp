#pragma once
// Whether a commit is already covered by a CVE, so that `cve classify` never proposes it: a CVE
// of its own (or, given as a stable commit, of the main fix it backports), a revert upstream,
// or an earlier CVE fix of the same bug (the same Fixes: target). And the CVEs that bear on it
// without covering it: those of the commits it fixes.
//
// REQUIRES: the store and the history belong to the calling thread for the call.
#include <map>
#include <string>
#include <vector>

#include "stablepick/history/commit_history.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick::cve {

struct Covered {
    std::string kind;  // has-cve, backport-of-cve-fix, reverted, bug-already-fixed
    std::string detail;
    std::vector<std::string> cves;
};

// Fixes: target (history index) -> the history commits that name it.
std::multimap<int, size_t> fixers_of(const CommitHistory& history);

// What already covers history commit `i` (a main commit); `stable_id` is the stable commit given
// for it, empty when the main commit itself was given.
Result<std::vector<Covered>> coverage(Store& store, const CommitHistory& history, size_t i,
                                      const std::string& stable_id,
                                      const std::multimap<int, size_t>& fixers);

// The CVEs of the commits that history commit `i` fixes.
Result<std::vector<std::string>> related_cves(Store& store, const CommitHistory& history, size_t i);

}  // namespace stablepick::cve
