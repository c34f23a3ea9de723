#pragma once
// The prompt an LLM voter reads, built from evidence so the model reasons about real history
// instead of inventing it: the candidate's message and diff, the most similar past commits and
// what was decided for them, the Fixes: targets, the stable rules and the per-tree facts.
//
// Commit text is data, not instructions: every piece of repository text is fenced between
// "<<<DATA kind id>>>" and "<<<END DATA>>>" lines, "<<<" inside it is neutralised so it can't
// close its fence, the system prompt says that fenced text never instructs, and the question
// comes after the data.
#include <optional>
#include <string>
#include <vector>

#include "stablepick/core/error.hpp"
#include "stablepick/core/vote.hpp"
#include "stablepick/git/repository.hpp"
#include "stablepick/history/commit_history.hpp"
#include "stablepick/history/evidence.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick::llm {

struct PromptCommit {
    std::string id;
    std::string subject;
    std::string author;
    std::string date;     // YYYY-MM-DD
    std::string message;  // the whole message, trailers included
    std::string diff;
};

struct PromptPrecedent {
    PromptCommit commit;  // message only; no diff
    double similarity = 0;
    bool backported = false;            // with the CVE question: fixes a CVE
    std::vector<std::string> branches;  // where it went
    std::vector<std::string> cves;      // the CVEs it fixes
};

// Everything the prompt says about one candidate.
struct PromptInputs {
    PromptCommit candidate;
    std::vector<PromptPrecedent> precedents;
    std::vector<PromptCommit> fixes_targets;
    std::vector<std::string> tree_facts;  // one sentence each
};

struct PromptOptions {
    size_t max_diff_bytes = 24 * 1024;
    size_t max_message_bytes = 8 * 1024;
    std::string rules;  // the stable rules text, or (security) the CVE policy
    // The CVE question instead of the backport one: does this commit fix a vulnerability
    // that should get a CVE? Precedents are marked [CVE Status: YES/NO].
    bool security = false;
};

Prompt build_prompt(const PromptInputs& inputs, const PromptOptions& options);

// Repository text fenced for a prompt (see above), cut at `max_bytes` with a visible marker.
std::string fence(const std::string& kind, const std::string& id, const std::string& text,
                  size_t max_bytes);

// The repository's Documentation/process/stable-kernel-rules.rst on its main branch when it has
// one; else `policy_text`; else a generic statement of the usual stable rules.
std::string stable_rules(const git::Repository* repo, const std::string& main_ref,
                         const std::string& policy_text);

// The repository's Documentation/process/cve.rst on its main branch when it has one; else
// `policy_text`; else the kernel CNA's published rules, summarised.
std::string cve_policy(const git::Repository* repo, const std::string& main_ref,
                       const std::string& policy_text);

// Reads, for each query, the candidate's text, its `k` precedents (from the evidence), its
// Fixes: targets and the tree facts from the store. With a CVE-labelled history, the
// precedents also carry the CVEs they fix.
Result<std::vector<PromptInputs>> gather_prompt_inputs(Store& store, const CommitHistory& history,
                                                       std::span<const size_t> queries,
                                                       const std::vector<Evidence>& evidence,
                                                       size_t k);

}  // namespace stablepick::llm
